/**
 * normalize: per-block Unicode and whitespace normalisation.
 *
 * NFC (or NFKC if configured); invisible characters (zero-width space /
 * joiners, word joiner, BOM, soft hyphen) and control characters removed;
 * NBSP, tabs and the other Unicode spaces become one ASCII space; runs
 * collapse and each line is trimmed. Curly quotes, apostrophes and dashes are
 * kept exactly as written (they carry meaning, and the artifact detectors
 * look at them). Line breaks inside a block are kept as single `\n` for the
 * reflow stage, which decides what they were. A block left with no text
 * (it held only invisible characters) moves to `removed` with reason `empty`.
 */
import { z } from 'zod';
import { removeBlocksWhere } from '../core/record.ts';
import { defineDocumentStage } from '../core/stage.ts';
import { normalizeBlockText } from '../text/chars.ts';

const STAGE = 'normalize';

const options = z.strictObject({
  /**
   * Unicode normalisation form. NFC composes accents and changes no visible
   * character; NFKC also folds compatibility forms (ligatures `ﬁ` → `fi`,
   * full-width letters, superscripts), which helps matching but rewrites text.
   */
  form: z.enum(['NFC', 'NFKC']).default('NFC'),
});

export default defineDocumentStage({
  name: STAGE,
  description: 'Unicode NFC, strip zero-width and control characters, normalise whitespace; curly quotes kept.',
  options,
  run(doc, ctx) {
    const normalized = new Map<number, string>();
    doc.blocks.forEach((b) => normalized.set(b.seq, normalizeBlockText(ctx.options.form === 'NFC' ? b.text : b.text.normalize('NFKC'))));
    // A block that normalises to nothing is removed with its original text, so the reviewer sees what it held.
    const emptied = removeBlocksWhere(doc, STAGE, (b) =>
      normalized.get(b.seq) ? null : { reason: 'empty', detail: 'only whitespace or invisible characters' },
    );
    if (emptied) ctx.count('removed:empty', emptied);
    let changed = 0;
    for (const block of doc.blocks) {
      const text = normalized.get(block.seq)!;
      if (text !== block.text) changed++;
      block.text = text;
    }
    if (changed) ctx.count('blocks-changed', changed);
    // Fields from the reader (JSONL, HTML meta) get the same treatment, on one line.
    if (doc.title) doc.title = normalizeBlockText(doc.title).replace(/\n/g, ' ') || null;
    if (doc.date) doc.date = normalizeBlockText(doc.date).replace(/\n/g, ' ') || null;
  },
});
