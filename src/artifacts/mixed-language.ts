/**
 * Detector 7: a paragraph whose language differs from its document's
 * (a machine-translated page that kept a paragraph of the source language, or
 * a quote pasted in the original). Uses the block language set by the
 * language stage when there is one, else franc.
 *
 * Short paragraphs are never flagged: trigram guesses on a dozen words are
 * unreliable (and franc confuses English with Scots on short text), so the
 * paragraph needs `minWords` words and franc's score for the document language
 * must be clearly below the winner's.
 */
import { francAll } from 'franc';
import type { Block, Lang } from '../core/types.ts';
import { clampConfidence, type Detection } from './detection.ts';
import { hasAtLeastWords } from './tokens.ts';

/** Languages checked when no language stage guessed the paragraph's (the most frequent in web news). */
const MAJOR_LANGUAGES = [
  'eng', 'deu', 'fra', 'spa', 'por', 'ita', 'nld', 'rus', 'ukr', 'pol', 'ces', 'ron', 'hun', 'swe', 'dan', 'nob', 'fin', 'tur',
  'arb', 'pes', 'urd', 'hin', 'ben', 'ind', 'vie', 'tgl', 'cmn', 'jpn', 'kor', 'ell', 'heb', 'bul', 'srp', 'hrv', 'cat', 'sco',
];

/** Languages franc mistakes for each other on clean text (close relatives, or a language and its dialect). */
const CONFUSABLE: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['eng', 'sco']),
  new Set(['nob', 'nno', 'dan']),
  new Set(['bos', 'hrv', 'srp']),
  new Set(['ind', 'zlm', 'msa']),
  new Set(['glg', 'por']),
  new Set(['cat', 'spa']),
];

function confusable(a: string, b: string): boolean {
  return CONFUSABLE.some((s) => s.has(a) && s.has(b));
}

const ENGLISH_FUNCTION_WORDS = new Set(
  'the of and to a in is that for it on was with as be by at are this from or an have not but they his her which were has had their been would will we you he she its there who what all one more'.split(' '),
);

/** Share of tokens that are common English function words (clean English prose: about 0.4). */
export function englishFunctionWordShare(text: string): number {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length === 0) return 0;
  let n = 0;
  for (const w of words) if (ENGLISH_FUNCTION_WORDS.has(w)) n++;
  return n / words.length;
}

export interface MixedLanguageOptions {
  minWords: number;
  /** Maximum franc score (0..1, winner = 1) the document's language may have for the paragraph to be flagged. */
  maxDocLangScore: number;
}

export function detectMixedLanguage(block: Block, docLang: Lang | null, opts: MixedLanguageOptions): Detection | null {
  if (!docLang || docLang.iso6393 === 'und') return null;
  if (!hasAtLeastWords(block.text, opts.minWords)) return null;
  // franc costs about a millisecond per paragraph: skip it when the answer is already known.
  if (block.lang && block.lang.iso6393 === docLang.iso6393) return null;
  if (docLang.iso6393 === 'eng' && englishFunctionWordShare(block.text) >= 0.2) return null;
  const sample = block.text.slice(0, 800);
  // franc over all of its ~400 languages costs about a millisecond per paragraph; the question here is only
  // "the language stage's guess or the document's?", or, without a language stage, which major language.
  const only = block.lang && block.lang.iso6393 !== 'und' ? [docLang.iso6393, block.lang.iso6393] : [docLang.iso6393, ...MAJOR_LANGUAGES];
  const scores = francAll(sample, { minLength: 20, only });
  const [best] = scores;
  if (!best || best[0] === 'und' || best[0] === docLang.iso6393 || confusable(best[0], docLang.iso6393)) return null;
  const docScore = scores.find(([l]) => l === docLang.iso6393)?.[1] ?? 0;
  if (docScore > opts.maxDocLangScore) return null;
  return {
    start: 0,
    end: block.text.length,
    kind: 'mixed-language',
    confidence: clampConfidence(0.5 + (1 - docScore) * 0.45),
    suggestion: null,
    evidence: `paragraph reads as ${best[0]} (franc), the document as ${docLang.iso6393}; score of ${docLang.iso6393} for this paragraph ${docScore.toFixed(2)} of the winner's`,
  };
}
