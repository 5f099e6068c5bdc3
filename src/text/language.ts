/**
 * Language identification with franc (trigram models, ISO 639-3 answers).
 *
 * franc is accurate on a few hundred characters but slow: every call scores
 * the text against every candidate language of its script (about 0.7–0.9 ms
 * of CPU for 500 characters against the default candidates; measurements in
 * docs/text-stages.md, script scripts/eval-text-stages.ts). Three things keep
 * the stage fast:
 *  - the document is identified on a capped sample of its prose
 *    (`sampleChars`, default 500 characters, cut at a word boundary);
 *  - the candidate set defaults to the 84 languages with substantial news
 *    publishing (`DEFAULT_CANDIDATES`; `[]` means every language franc knows).
 *    It also removes confusions that matter for news text: franc ranks Scots
 *    (`sco`) a close second to English on nearly every English paragraph;
 *  - a paragraph is only sent to franc when it does not read like the rest of
 *    the document: when few of its words are among the document's own most
 *    frequent words (its function words, whatever the language). Paragraphs
 *    that share them get the document language without another franc call.
 */
import { francAll } from 'franc';
import { data as francModels } from 'franc/data.js';
import { expressions as francScripts } from 'franc/expressions.js';
import type { Lang } from '../core/types.ts';
import { langFromIso6393, languageKey, UNDETERMINED } from './iso639.ts';

/**
 * Every language franc can answer: the trigram models per script, plus the
 * scripts that identify one language by themselves (`cmn`, `jpn`, `kor` …;
 * script groups such as `Latin` are not languages).
 */
export const FRANC_LANGUAGES: ReadonlySet<string> = new Set([
  ...Object.values(francModels).flatMap((byLanguage) => Object.keys(byLanguage)),
  ...Object.keys(francScripts).filter((k) => /^[a-z]{3}$/u.test(k)),
]);

/** The franc languages a configured code (ISO 639-1 or 639-3, e.g. `en`, `zho`) stands for. */
export function francCodesFor(code: string): string[] {
  const key = languageKey(code);
  return [...FRANC_LANGUAGES].filter((l) => languageKey(l) === key);
}

/** Languages with substantial online news publishing, in ISO 639-3 as franc names them. */
export const DEFAULT_CANDIDATES: readonly string[] = [
  // Latin script
  'eng', 'fra', 'deu', 'spa', 'por', 'ita', 'nld', 'pol', 'ces', 'slk', 'slv', 'hrv', 'srp', 'bos', 'ron', 'hun',
  'fin', 'swe', 'dan', 'nob', 'nno', 'ekk', 'lvs', 'lit', 'tur', 'azj', 'uzn', 'ind', 'zlm', 'tgl', 'vie', 'swh',
  'hau', 'yor', 'ibo', 'som', 'cat', 'glg', 'afr', 'zul', 'xho', 'als',
  // Cyrillic
  'rus', 'ukr', 'bel', 'bul', 'mkd', 'kaz', 'kir', 'tgk', 'tat',
  // Arabic, Devanagari, Hebrew, Ethiopic
  'arb', 'pes', 'prs', 'urd', 'pbu', 'ckb', 'uig', 'hin', 'mar', 'npi', 'heb', 'ydd', 'amh', 'tir',
  // Scripts franc maps to one language
  'cmn', 'jpn', 'kor', 'tha', 'ell', 'kat', 'hye', 'ben', 'tam', 'tel', 'guj', 'kan', 'mal', 'pan', 'sin', 'khm', 'mya', 'lao', 'bod',
];

export interface DetectOptions {
  /** Candidate languages (ISO 639-3); empty = all languages franc knows. */
  candidates: readonly string[];
  /** Fewer letters than this → `und`. */
  minLetters: number;
}

const NON_LETTERS = /\P{L}+/gu;

export function letterCount(text: string): number {
  // One replace instead of matching every letter: no array of single characters to allocate.
  return text.replace(NON_LETTERS, '').length;
}

/** Cut `text` to at most `max` characters at a word boundary. */
export function sampleText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max);
  return text.slice(0, cut > max / 2 ? cut : max);
}

export interface Detection {
  lang: Lang;
  /** franc's normalised score of the runner-up (1 = as good as the winner), or null. */
  runnerUp: { iso6393: string; score: number } | null;
}

/** Identify the language of `text` (already sampled). */
export function detectLanguage(text: string, opts: DetectOptions): Detection {
  if (letterCount(text) < opts.minLetters) return { lang: UNDETERMINED, runnerUp: null };
  const ranked = francAll(text, { minLength: 1, ...(opts.candidates.length ? { only: [...opts.candidates] } : {}) });
  const best = ranked[0];
  if (!best || best[0] === 'und') return { lang: UNDETERMINED, runnerUp: null };
  const second = ranked[1];
  return {
    lang: langFromIso6393(best[0]),
    runnerUp: second ? { iso6393: second[0], score: second[1] } : null,
  };
}

const TOKEN = /\p{L}[\p{L}\p{M}'’]*/gu;

/** Lowercased word tokens (letters, marks, apostrophes). */
export function wordTokens(text: string): string[] {
  return (text.match(TOKEN) ?? []).map((t) => t.toLowerCase());
}

/**
 * The document's vocabulary: the `size` words found in the most paragraphs,
 * counting only words found in at least two (a word of a single paragraph says
 * nothing about the others). Ties are broken by first occurrence, so the set
 * is deterministic.
 */
export function frequentWords(paragraphs: readonly (readonly string[])[], size: number): Set<string> {
  const paragraphCounts = new Map<string, number>();
  for (const words of paragraphs) for (const w of new Set(words)) paragraphCounts.set(w, (paragraphCounts.get(w) ?? 0) + 1);
  return new Set(
    [...paragraphCounts.entries()]
      .filter(([, n]) => n >= 2)
      .sort((a, b) => b[1] - a[1])
      .slice(0, size)
      .map(([w]) => w),
  );
}

/** Share of a paragraph's words that are in the document's vocabulary (0..1). */
export function sharedWordShare(words: readonly string[], vocabulary: Set<string>): number {
  if (words.length === 0) return 0;
  let shared = 0;
  for (const w of words) if (vocabulary.has(w)) shared++;
  return shared / words.length;
}
