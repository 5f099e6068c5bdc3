/**
 * boilerplate: the text-level classifier (src/boilerplate/classify.ts) on
 * every document — the whole job for text dumps, a second pass after the DOM
 * extraction for HTML. Removals carry a reason code and this stage's name;
 * ambiguous blocks stay with a low-confidence `possible-boilerplate` flag on
 * the whole block. A reviewer's rejection of a removal keeps the block.
 */
import { z } from 'zod';
import { defineDocumentStage } from '../core/stage.ts';
import { flagSpan, removeBlocksWhere } from '../core/record.ts';
import { classifyBlocks, DEFAULT_AGGRESSIVENESS } from '../boilerplate/classify.ts';

const STAGE = 'boilerplate';

export const boilerplateOptions = z.strictObject({
  /**
   * 0 = remove only blocks a rule names (phrase knowledge, separators, contact
   * lines …); 0.5 (default) = also low-content blocks outside the article
   * text; 1 = also weak blocks inside it. Higher = more recall, less precision.
   */
  aggressiveness: z.number().min(0).max(1).default(DEFAULT_AGGRESSIVENESS),
  /** Emit `possible-boilerplate` flags on ambiguous blocks that stay. */
  flagAmbiguous: z.boolean().default(true),
});

export default defineDocumentStage({
  name: STAGE,
  description: 'Remove boilerplate blocks (share/follow prompts, comment forms, bylines, copyright …) with a reason code.',
  options: boilerplateOptions,
  run(doc, ctx) {
    const decisions = classifyBlocks(
      doc.blocks.map((b) => ({ text: b.text, kind: b.kind, lang: b.lang?.iso6391 && b.lang.iso6391 !== 'und' ? b.lang.iso6391 : null })),
      {
        aggressiveness: ctx.options.aggressiveness,
        lang: doc.lang?.iso6391 && doc.lang.iso6391 !== 'und' ? doc.lang.iso6391 : null,
        titleLifted: doc.title !== null,
        mode: doc.format,
      },
    );
    const bySeq = new Map(doc.blocks.map((b, i) => [b.seq, decisions[i]!]));
    removeBlocksWhere(doc, STAGE, (block) => {
      const d = bySeq.get(block.seq);
      if (!d || d.action !== 'remove') return null;
      if (ctx.review.isRemovalRejected(doc.id, d.reason, block.text)) {
        ctx.count('kept-by-review');
        return null;
      }
      ctx.count(`removed:${d.reason}`);
      return { reason: d.reason, confidence: d.confidence, detail: d.detail };
    });
    if (!ctx.options.flagAmbiguous) return;
    for (const block of doc.blocks) {
      const d = bySeq.get(block.seq);
      if (!d || d.action === 'keep' || !block.text.length) continue;
      if (ctx.review.isFlagRejected(doc.id, 'possible-boilerplate', block.text)) continue;
      flagSpan(block, {
        start: 0,
        end: block.text.length,
        kind: 'possible-boilerplate',
        confidence: d.confidence,
        suggestion: null,
        evidence: `${d.reason}: ${d.detail}${d.action === 'remove' ? ' (removal rejected by review)' : ''}`,
        stage: STAGE,
      });
      ctx.count('flagged');
    }
  },
});
