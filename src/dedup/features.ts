/**
 * Noise-robust paragraph features for near-duplicate detection.
 *
 * A paragraph becomes a sequence of token ids, one per content word:
 * NFKD + diacritics removed, lowercased, quotes and punctuation dropped, digit
 * groupings unified ("1,000" = "1000"), function words skipped (MT drops and
 * swaps them), each word mapped to its WordNet synonym class (so a spinner's
 * substitute usually maps where the original did) and Porter-stemmed (so
 * derivations and words WordNet lacks still meet). Ids are 32-bit hashes of the
 * class strings, stable across runs and processes (the persistent index relies
 * on that; FEATURE_VERSION names the recipe).
 */
import { stemmer } from 'stemmer';
import { getWordNet, WordNet } from '../lexicon/wordnet.ts';
import { STOPWORDS } from '../lexicon/stopwords.ts';

/** Bump when anything that changes token ids changes (normalisation, stop list, lexicon, stemmer). */
export const FEATURE_VERSION = 'nc-dedup-features/3 wordnet-3.1 wink-exc porter';

export interface ParagraphFeatures {
  /** Words in the paragraph (all words, function words included). */
  words: number;
  /** Content-word class ids in text order (candidate search and the first alignment). */
  tokens: Int32Array;
  /**
   * Every word in text order: content words as in `tokens`, function words as
   * themselves (ids with the sign bit set). Aligning these tells a copy (same
   * sentence structure around substituted words) from a related paragraph that
   * shares the story's key words in another sentence.
   */
  surface: Int32Array;
  /** Exact-duplicate key: 64-bit hash (16 hex digits) of the normalised text. */
  key: string;
}

/** FNV-1a 32-bit: stable across runs, fast on short strings. */
export function hashString32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * 64-bit hash of a string as 16 hex digits (two independent 32-bit FNV-1a-style
 * lanes, murmur-finalised): exact-duplicate keys and cluster ids. At a million
 * distinct paragraphs the chance of any collision is about 3 in 100 million.
 */
export function hash64Hex(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x2f3a8b7d;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  const fmix = (h: number) => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return (h >>> 0).toString(16).padStart(8, '0');
  };
  return fmix(h1 ^ s.length) + fmix(h2);
}

/** Lowercase, strip diacritics, unify digit groupings; keeps letters, digits and spaces. */
export function normaliseText(text: string): string {
  // NFKD and mark removal only on the runs outside ASCII (most English text has
  // few: curly quotes, dashes). Equivalent to normalising the whole text: ASCII
  // characters decompose to themselves and never reorder with combining marks.
  const folded = NON_ASCII.test(text) ? text.replace(NON_ASCII_RUNS, foldRun) : text;
  const lowered = folded
    .toLowerCase()
    .replace(/(\d)[,.\u00a0\u202f'’](?=\d{3}\b)/g, '$1')
    .replace(/[’'](s|t|re|ve|ll|d|m)\b/g, '$1');
  // In ASCII, \p{L} after lowercasing is a-z and \p{N} is 0-9; the ASCII class is several times faster.
  return (NON_ASCII.test(lowered) ? lowered.replace(/[^\p{L}\p{N}]+/gu, ' ') : lowered.replace(/[^a-z0-9]+/g, ' ')).trim();
}

const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_RUNS = /[^\x00-\x7f]+/g;
const foldRun = (run: string) => run.normalize('NFKD').replace(/\p{M}+/gu, '');

export class FeatureExtractor {
  private readonly tokenCache = new Map<string, number>();
  private readonly functionCache = new Map<string, number>();

  /**
   * `synonymClasses: false` stems words without mapping them to WordNet
   * classes (the benchmark's ablation: how much of the recall on spun copies
   * the lexicon buys). Token ids then differ from the default recipe.
   */
  constructor(
    private readonly wn: WordNet = getWordNet(),
    private readonly opts: { synonymClasses?: boolean } = {},
  ) {}

  /**
   * What a worker thread needs to build an extractor giving the same ids
   * (src/dedup/parallel.ts), or null when the lexicon is not a plain WordNet
   * loaded from a folder (a test double): then extraction stays on this thread.
   */
  get workerConfig(): { dictDir: string; synonymClasses: boolean } | null {
    return this.wn.constructor === WordNet ? { dictDir: this.wn.dictDir, synonymClasses: this.opts.synonymClasses !== false } : null;
  }

  /** Token id of one normalised word, or null for a function word. */
  tokenId(word: string): number | null {
    const cached = this.tokenCache.get(word);
    if (cached !== undefined) return cached === 0 ? null : cached;
    let id: number | null = null;
    if (!STOPWORDS.has(word)) {
      // Numbers: no synonyms, no stems; leading zeros dropped ("07" = "7").
      const cls = /^\d+$/.test(word) ? word.replace(/^0+(?=\d)/, '') : stemmer(/^[a-z]+$/.test(word) && this.opts.synonymClasses !== false ? this.wn.synonymClass(word) : word);
      // Content ids keep the sign bit clear (function words set it, see `surface`).
      id = hashString32(cls) & 0x7fffffff || 1;
    }
    // The cache bounds itself: a dump has a vocabulary, not an unbounded stream (typos aside).
    if (this.tokenCache.size > 2_000_000) this.tokenCache.clear();
    this.tokenCache.set(word, id ?? 0);
    return id;
  }

  /** Id of a function word in `surface` sequences (sign bit set, so never equal to a content id). */
  private functionId(word: string): number {
    let id = this.functionCache.get(word);
    if (id === undefined) this.functionCache.set(word, (id = hashString32(word) | 0x80000000));
    return id;
  }

  extract(text: string): ParagraphFeatures {
    const norm = normaliseText(text);
    const words = norm ? norm.split(' ') : [];
    const surface = new Int32Array(words.length);
    // Content ids are the surface ids without the sign bit set, in order.
    let content = 0;
    for (let i = 0; i < words.length; i++) {
      const id = this.tokenId(words[i]!);
      if (id !== null) content++;
      surface[i] = id ?? this.functionId(words[i]!);
    }
    const tokens = new Int32Array(content);
    for (let i = 0, j = 0; j < content; i++) if (surface[i]! >= 0) tokens[j++] = surface[i]!;
    const key = hash64Hex(norm);
    return { words: words.length, tokens, surface, key };
  }
}
