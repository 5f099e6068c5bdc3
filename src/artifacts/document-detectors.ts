/**
 * Run every single-document detector on one block and return what it found,
 * filtered by the minimum confidence. Shared by the artifacts stage and the
 * benchmark (which needs the same detectors without the pipeline around them).
 */
import type { Block, Lang } from '../core/types.ts';
import { dropOverlaps, type Detection } from './detection.ts';
import { loadAcronymFlips, type AcronymFlip, type ArtifactLexicon } from './lexicon.ts';
import { detectMixedLanguage, type MixedLanguageOptions } from './mixed-language.ts';
import {
  wordCounter,
  type WordCounter,
  detectAbbreviationFlips,
  detectGarbledQuotes,
  detectGluedQuotes,
  detectLostApostrophes,
  detectMissingSpace,
  detectSentenceBreaks,
} from './mt-debris.ts';
import { detectSpunExpressions, type PendingMatch } from './spun-expression.ts';

export interface DocumentDetectorOptions {
  spunExpressions: boolean;
  mtDebris: boolean;
  mixedLanguage: boolean;
  minConfidence: number;
  mixedLanguageOptions: MixedLanguageOptions;
}

export const DEFAULT_DETECTOR_OPTIONS: DocumentDetectorOptions = {
  spunExpressions: true,
  mtDebris: true,
  mixedLanguage: true,
  minConfidence: 0.5,
  mixedLanguageOptions: { minWords: 20, maxDocLangScore: 0.75 },
};

let flips: Record<string, AcronymFlip> | null = null;

export interface BlockContext {
  /** All kept text of the document (evidence such as "the document also writes X"). */
  documentText: string;
  docLang: Lang | null;
  /** False for documents not in English: the English detectors then stay silent. */
  english: boolean;
  /** Whole-word counts in `documentText`, cached per document. */
  wordCount: WordCounter;
}

/** Per-document context, computed once for all its blocks. */
export function blockContext(documentText: string, docLang: Lang | null, english: boolean): BlockContext {
  return { documentText, docLang, english, wordCount: wordCounter(documentText) };
}

/**
 * `pending` receives spun-expression candidates that need evidence from other
 * documents of the run (see NEEDS_EVIDENCE); the corpus stage decides on them
 * and counts the documents writing an expression from `grams` (see
 * SpunExpressionOptions.grams).
 */
export function detectInBlock(
  block: Block,
  ctx: BlockContext,
  lex: ArtifactLexicon,
  opts: DocumentDetectorOptions,
  pending?: PendingMatch[],
  grams?: string[],
): Detection[] {
  const text = block.text;
  const found: Detection[] = [];
  if (ctx.english) {
    if (opts.spunExpressions) found.push(...detectSpunExpressions(text, lex, { documentText: ctx.documentText, ...(pending ? { pending } : {}), ...(grams ? { grams } : {}) }));
    if (opts.mtDebris) {
      flips ??= loadAcronymFlips();
      found.push(
        ...detectGluedQuotes(text),
        ...detectMissingSpace(text),
        ...detectGarbledQuotes(text),
        ...detectSentenceBreaks(text),
        ...detectLostApostrophes(text, ctx.wordCount),
        ...detectAbbreviationFlips(text, ctx.documentText, flips),
      );
    }
  }
  const kept = dropOverlapsPerKind(found.filter((d) => d.confidence >= opts.minConfidence));
  if (opts.mixedLanguage) {
    const ml = detectMixedLanguage(block, ctx.docLang, opts.mixedLanguageOptions);
    if (ml && ml.confidence >= opts.minConfidence) kept.push(ml);
  }
  return kept;
}

/** Two detectors may see one span (a glued quote is also a garbled quote); within a kind family keep one. */
function dropOverlapsPerKind(ds: Detection[]): Detection[] {
  const spun = ds.filter((d) => d.kind === 'spun-expression' || d.kind === 'collocation-anomaly');
  const rest = ds.filter((d) => !spun.includes(d));
  return [...dropOverlaps(spun), ...dropOverlaps(rest)].sort((a, b) => a.start - b.start);
}
