/**
 * Flag machine-translation and spinning artifacts within one document
 * (issue 5): spun fixed expressions and collocations from the gazetteer,
 * MT punctuation and structure debris, mixed-language paragraphs. Flags go on
 * the kept blocks; the text is changed only by the opt-in auto-fix. The
 * detectors live in src/artifacts/ (one module each); docs/artifacts.md
 * describes kinds and confidences.
 */
import { z } from 'zod';
import { defineDocumentStage } from '../core/stage.ts';
import { flagSpan } from '../core/record.ts';
import { applyAutoFixes, autoFixSchema } from '../artifacts/autofix.ts';
import { blockContext, detectInBlock } from '../artifacts/document-detectors.ts';
import { ENTRY_TYPES, getLexicon } from '../artifacts/lexicon.ts';
import type { PendingMatch } from '../artifacts/spun-expression.ts';

/** block.data key of spun-expression candidates waiting for corpus evidence (read by artifacts-corpus). */
export const PENDING_KEY = 'artifacts.pending';
/** block.data key of the word sequences where an expression may start (read by artifacts-corpus for dump evidence). */
export const GRAMS_KEY = 'artifacts.grams';

export const STAGE = 'artifacts';

/** Block kinds whose text is not prose (code, tables): debris rules would misfire there. */
const SKIPPED_KINDS = new Set(['preformatted', 'table']);

const options = z.strictObject({
  /** Turn single detectors off. */
  detectors: z
    .strictObject({
      spunExpressions: z.boolean().default(true),
      mtDebris: z.boolean().default(true),
      mixedLanguage: z.boolean().default(true),
    })
    .prefault({}),
  /** Flags below this confidence are not emitted. */
  minConfidence: z.number().min(0).max(1).default(0.5),
  /** Extend the shipped gazetteer (data/gazetteer/en.json) and spinner table. */
  gazetteer: z
    .strictObject({
      entries: z.array(z.strictObject({ phrase: z.string().min(1), type: z.enum(ENTRY_TYPES) })).default([]),
      spinnerSynonyms: z.record(z.string(), z.array(z.string().min(1))).default({}),
      variants: z.record(z.string(), z.array(z.string().min(1))).default({}),
    })
    .prefault({}),
  mixedLanguage: z
    .strictObject({
      /** Paragraphs shorter than this are never flagged (language guesses on short text are unreliable). */
      minWords: z.number().int().min(1).default(20),
      /** Flag only when franc's score for the document language is at most this share of the winner's. */
      maxDocLangScore: z.number().min(0).max(1).default(0.75),
    })
    .prefault({}),
  autoFix: autoFixSchema,
});

export type ArtifactsOptions = z.output<typeof options>;

export default defineDocumentStage({
  name: STAGE,
  description: 'Flag machine-translation and spinning artifacts within one document.',
  options,
  run(doc, ctx) {
    const o = ctx.options;
    const lex = getLexicon(o.gazetteer);
    const docLang = doc.lang;
    // The gazetteer, WordNet and the debris rules are English; other languages get only the language check.
    const english = !docLang || docLang.iso6393 === 'und' || docLang.iso6391 === 'en' || docLang.iso6393 === 'eng';
    const documentText = doc.blocks.map((b) => b.text).join('\n\n');
    const detectorOptions = {
      spunExpressions: o.detectors.spunExpressions,
      mtDebris: o.detectors.mtDebris,
      mixedLanguage: o.detectors.mixedLanguage,
      minConfidence: o.minConfidence,
      mixedLanguageOptions: o.mixedLanguage,
    };
    const context = blockContext(documentText, docLang, english);
    for (const block of doc.blocks) {
      if (SKIPPED_KINDS.has(block.kind)) continue;
      const pending: PendingMatch[] = [];
      const grams: string[] = [];
      for (const d of detectInBlock(block, context, lex, detectorOptions, pending, grams)) {
        const text = block.text.slice(d.start, d.end);
        if (ctx.review.isFlagRejected(doc.id, d.kind, text)) {
          ctx.count('rejected-by-review');
          continue;
        }
        flagSpan(block, { ...d, stage: STAGE });
        ctx.count(`flags.${d.kind}`);
      }
      if (pending.length) (block.data ??= {})[PENDING_KEY] = pending;
      if (grams.length) (block.data ??= {})[GRAMS_KEY] = grams;
      const fixed = applyAutoFixes(doc, block, o.autoFix, STAGE);
      if (fixed) ctx.count('auto-fixes', fixed);
    }
  },
});
