/**
 * reflow: join blocks (and hard-wrapped lines) that a scraper split out of one
 * paragraph. The rules and their evidence are in src/text/reflow.ts. A merged
 * block keeps the smallest seq and a source span covering its parts; the seqs
 * it absorbed are listed in `block.data.reflowedSeqs`.
 */
import { z } from 'zod';
import { defineDocumentStage } from '../core/stage.ts';
import { DEFAULT_REFLOW_OPTIONS, reflowBlocks } from '../text/reflow.ts';

const options = z.strictObject({
  /** Join hard-wrapped lines inside a block (a line break that is not structure becomes a space). */
  joinLines: z.boolean().default(DEFAULT_REFLOW_OPTIONS.joinLines),
  /** Shortest sentence fragment (words) an uppercase-initial continuation such as a split-off name may be joined to. */
  minFragmentWords: z.number().int().min(1).default(DEFAULT_REFLOW_OPTIONS.minFragmentWords),
  /** A lowercase continuation without final punctuation or comma needs this many words to be joined (shorter ones are labels such as `to top`). */
  minContinuationWords: z.number().int().min(1).default(DEFAULT_REFLOW_OPTIONS.minContinuationWords),
  /** A line that ends a sentence and is shorter than this share of the block's longest line keeps its line break. */
  shortLineRatio: z.number().min(0).max(1).default(DEFAULT_REFLOW_OPTIONS.shortLineRatio),
});

export default defineDocumentStage({
  name: 'reflow',
  description: 'Join blocks and lines a scraper split out of one paragraph.',
  options,
  run(doc, ctx) {
    const r = reflowBlocks(doc.blocks, ctx.options);
    doc.blocks = r.blocks;
    if (r.joins) ctx.count('joins', r.joins);
    if (r.lineJoins) ctx.count('line-joins', r.lineJoins);
  },
});
