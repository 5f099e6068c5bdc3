/**
 * Hashed lexical features of the text-dump block model (src/boilerplate/block-model.ts).
 *
 * Boilerplate has a vocabulary that carries across sites and languages ("share",
 * "newsletter", "kommentare", "anzeige", "lesen sie auch", "subscribe") better than
 * shape features do. A block's lower-cased words (runs of letters) are hashed into
 * LEXICAL_BUCKETS buckets in three namespaces: every word (weighted 1/√words, so a long
 * paragraph does not outvote its shape), its first word and its last word (weight 1:
 * "Share …", "… comments"). The model holds one weight per bucket; no word list is
 * stored, and a word never seen in training lands in a bucket whose weight is small.
 *
 * The words are hashed as the characters are read (FNV-1a over the lower-cased UTF-16
 * units, as the stop-word scan does): no word strings, no arrays per block.
 */

/** Buckets of the hash (a power of two). */
export const LEXICAL_BUCKETS = 4096;
const MASK = LEXICAL_BUCKETS - 1;

/** Seeds of the three namespaces: the same word as any word, as the first word, as the last word. */
const SEED_WORD = 0;
const SEED_FIRST = 0x5bd1e995;
const SEED_LAST = 0x27d4eb2f;

/** Words this long or longer are hashed only by their first MAX_WORD units (URLs, glued debris). */
const MAX_WORD = 24;

function bucketOf(hash: number, seed: number): number {
  // Mix the namespace in and spread the low bits (FNV's low bits alone are weak).
  let h = Math.imul(hash ^ seed, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & MASK;
}

/** Whether a UTF-16 unit belongs to a word: ASCII letters, and every unit ≥ 0xC0 outside punctuation, symbols and spaces. */
function isWordUnit(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  if (c < 0xc0) return false;
  if (c === 0xd7 || c === 0xf7) return false;
  // General punctuation, spaces, currency and symbols, CJK punctuation, BOM.
  if (c >= 0x2000 && c <= 0x2bff) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  return c !== 0xfeff;
}

/**
 * Per UTF-16 unit: 0 when it separates words, else its lower case (itself when the lower case
 * is not one unit, and for surrogate halves). One table read per character in the hot loop.
 */
const WORD_LOWER = (() => {
  const t = new Uint16Array(0x10000);
  for (let c = 1; c < 0x10000; c++) {
    if (!isWordUnit(c)) continue;
    const l = c >= 0xd800 && c <= 0xdfff ? '' : String.fromCharCode(c).toLowerCase();
    t[c] = l.length === 1 ? l.charCodeAt(0) : c;
  }
  return t;
})();

/** FNV-1a hashes of the words of the text last passed to hashWords (reused: no array per block). */
let hashes = new Int32Array(256);

/** Hashes the lower-cased words of a text into `hashes`; returns how many there are. */
function hashWords(text: string): number {
  // The table through a local: V8 re-reads a module binding on every use inside a loop.
  const wordLower = WORD_LOWER;
  const n = text.length;
  let count = 0;
  let h = 0;
  let len = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? wordLower[text.charCodeAt(i)]! : 0;
    if (c !== 0) {
      if (len === 0) h = 0x811c9dc5 | 0;
      if (len < MAX_WORD) h = Math.imul(h ^ c, 0x01000193);
      len++;
      continue;
    }
    if (len === 0) continue;
    if (count === hashes.length) {
      const grown = new Int32Array(count * 2);
      grown.set(hashes);
      hashes = grown;
    }
    hashes[count++] = h;
    len = 0;
  }
  return count;
}

/**
 * Calls `take(bucket, value)` for each lexical term of a block text: every word (value
 * 1/√words), then the first and the last word (value 1). A text without a word calls nothing.
 */
export function forEachLexicalTerm(text: string, take: (bucket: number, value: number) => void): void {
  const count = hashWords(text);
  if (count === 0) return;
  const words = hashes.slice(0, count);
  const value = 1 / Math.sqrt(count);
  for (const h of words) take(bucketOf(h, SEED_WORD), value);
  take(bucketOf(words[0]!, SEED_FIRST), 1);
  take(bucketOf(words[count - 1]!, SEED_LAST), 1);
}

/**
 * Σ weights[bucket]·value over the lexical terms of a text (the model's lexical share of z):
 * the same sum as over forEachLexicalTerm, without a callback (this runs on every graded
 * block of every text document).
 */
export function lexicalDot(text: string, weights: Float64Array): number {
  const count = hashWords(text);
  if (count === 0) return 0;
  const words = hashes;
  let wordSum = 0;
  for (let k = 0; k < count; k++) wordSum += weights[bucketOf(words[k]!, SEED_WORD)]!;
  return wordSum / Math.sqrt(count) + weights[bucketOf(words[0]!, SEED_FIRST)]! + weights[bucketOf(words[count - 1]!, SEED_LAST)]!;
}
