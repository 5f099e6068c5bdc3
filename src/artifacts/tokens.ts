/**
 * Word tokens with character offsets, the unit every detector works on.
 *
 * A token is a run of letters/digits, optionally with an inner apostrophe
 * ("don't", "Biden’s"), or a lone ampersand (so "Dow Jones & Company" is four
 * tokens). Offsets index the string the tokens came from, so a detector can
 * report the exact span it saw.
 */

export interface Token {
  /** The token as written. */
  text: string;
  /** Lowercased text, with the curly apostrophe folded to a straight one. */
  lower: string;
  start: number;
  end: number;
}

/** A token without its lowercase form: what the name pass reads (names are compared as written or folded). */
export type SpanToken = Pick<Token, 'text' | 'start' | 'end'>;

const TOKEN_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*|&/gu;

/** The tokenizer's definition as a regular expression (kept for the property test that checks `tokenize` against it). */
export function tokenizeWithRegex(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) out.push(makeToken(m[0], m.index));
  return out;
}

function makeToken(raw: string, start: number): Token {
  const lower = raw.toLowerCase();
  return { text: raw, lower: lower.includes('’') ? lower.replace(/’/g, "'") : lower, start, end: start + raw.length };
}

const LETTER = /\p{L}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Length in code units of the letter (or letter/digit) starting at `i`, 0 if none. ASCII is decided without a regex. */
function wordCharLength(text: string, i: number, digits: boolean): number {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (digits && c >= 48 && c <= 57) ? 1 : 0;
  const cp = text.codePointAt(i)!;
  const ch = String.fromCodePoint(cp);
  return (digits ? LETTER_OR_DIGIT : LETTER).test(ch) ? ch.length : 0;
}

const notCapitalOrNonAscii = (c: number): boolean => c < 128 && !(c >= 65 && c <= 90);

/** Set by `tokenEnd`: whether the token it scanned is ASCII without capitals (its lowercase form is itself). */
let scannedTokenPlain = false;

/**
 * End (exclusive) of the token that starts at `start` with a letter or digit
 * `firstLength` code units long, as TOKEN_RE matches it; sets
 * `scannedTokenPlain`. The one scanning loop of `tokenize` and `scanNameTokens`
 * (`TokenScan` reads ASCII words without it and hands over at an apostrophe or
 * a non-ASCII character).
 */
function tokenEnd(text: string, start: number, firstLength: number): number {
  const n = text.length;
  let plain = notCapitalOrNonAscii(text.charCodeAt(start));
  let i = start + firstLength;
  for (;;) {
    if (i >= n) break;
    let len = wordCharLength(text, i, true);
    if (len > 0) {
      plain &&= notCapitalOrNonAscii(text.charCodeAt(i));
      i += len;
      continue;
    }
    const c = text.charCodeAt(i);
    // An inner apostrophe joins letters ("don't", "Biden’s"); after it, letters only.
    if ((c === 39 || c === 0x2019) && i + 1 < n && wordCharLength(text, i + 1, false) > 0) {
      plain &&= c === 39;
      i++;
      while (i < n && (len = wordCharLength(text, i, false)) > 0) {
        plain &&= notCapitalOrNonAscii(text.charCodeAt(i));
        i += len;
      }
      // The regex allows only letters after an apostrophe, then possibly another apostrophe group.
      const next = i < n ? text.charCodeAt(i) : 0;
      if ((next === 39 || next === 0x2019) && i + 1 < n && wordCharLength(text, i + 1, false) > 0) continue;
      break;
    }
    break;
  }
  scannedTokenPlain = plain;
  return i;
}

/**
 * Tokens of a text: the same result as `tokenizeWithRegex` (property-tested),
 * written as a character scanner because every detector tokenizes every
 * paragraph and the regex version dominated the artifact stages' run time.
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  // One lowercasing of the whole text instead of one per token, when it keeps every offset (it nearly always
  // does) and no capital sigma is present (its lowercase depends on the letters around it, not the token).
  let lowered: string | null = text.toLowerCase();
  if (lowered.length !== n || text.includes('Σ')) lowered = null;
  else if (lowered.includes('’')) lowered = lowered.replace(/’/g, "'");
  let i = 0;
  while (i < n) {
    const len = wordCharLength(text, i, true);
    if (len === 0) {
      if (text.charCodeAt(i) === 38) out.push(makeToken('&', i));
      i++;
      continue;
    }
    const start = i;
    i = tokenEnd(text, start, len);
    if (!lowered) out.push(makeToken(text.slice(start, i), start));
    else {
      const raw = text.slice(start, i);
      out.push({ text: raw, lower: scannedTokenPlain ? raw : lowered.slice(start, i), start, end: i });
    }
  }
  return out;
}

/**
 * Hash of a token's lowercase form (`Token.lower`): FNV-1a over its UTF-16
 * code units, cut to 30 bits. `TokenScan` computes the same value while
 * scanning, without making the lowercase string.
 */
export function wordHash(lower: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < lower.length; i++) h = Math.imul(h ^ lower.charCodeAt(i), FNV_PRIME);
  return h & HASH_MASK;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;
const HASH_MASK = 0x3fffffff;

/**
 * The tokens of one text as offsets and lowercase-form hashes (`wordHash`):
 * the same tokens as `tokenize` (property-tested), without a string or an
 * object per token; `token(k)` makes the `Token` that `tokenize` gives at
 * index k, on demand. For detectors that look up every token but use only a
 * few: making every token's strings and looking them up in a map cost more
 * than the rest of the spun-expression detector. ASCII words are read and
 * hashed in one loop; at an apostrophe or a non-ASCII character the
 * tokenizer's loop (`tokenEnd`) decides where the token ends. One instance is
 * reused from text to text.
 */
export class TokenScan {
  text = '';
  count = 0;
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  hashes = new Int32Array(256);
  private tokens: (Token | undefined)[] = [];
  /** The text lowercased as `tokenize` lowercases it (null: per token), made on first need. */
  private lowered: string | null | undefined;

  /** Scan `text`; returns this. */
  scan(text: string): this {
    this.text = text;
    this.lowered = undefined;
    this.tokens = [];
    const n = text.length;
    let count = 0;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      const start = i;
      if (c < 128) {
        if (!isAsciiAlnum(c)) {
          if (c === 38) count = this.push(count, i, i + 1, AMPERSAND_HASH);
          i++;
          continue;
        }
        // ASCII fast path: letters and digits, hashed as they are read (capitals shifted to lowercase).
        let h = FNV_OFFSET;
        let d = c;
        for (;;) {
          h = Math.imul(h ^ (d >= 65 && d <= 90 ? d + 32 : d), FNV_PRIME);
          if (++i >= n) break;
          d = text.charCodeAt(i);
          if (!isAsciiAlnum(d)) break;
        }
        // An apostrophe or a non-ASCII character may continue the token: the tokenizer's loop decides.
        if (i >= n || (d < 128 && d !== 39)) {
          count = this.push(count, start, i, h & HASH_MASK);
          continue;
        }
        i = tokenEnd(text, start, 1);
      } else {
        const len = wordCharLength(text, i, true);
        if (len === 0) {
          i++;
          continue;
        }
        i = tokenEnd(text, start, len);
      }
      count = this.push(count, start, i, this.hashOf(start, i));
    }
    this.count = count;
    return this;
  }

  /** `wordHash` of the lowercase form of the token at [start, end), without making it unless it has non-ASCII letters. */
  private hashOf(start: number, end: number): number {
    const text = this.text;
    let h = FNV_OFFSET;
    for (let k = start; k < end; k++) {
      let c = text.charCodeAt(k);
      if (c >= 128) {
        if (c !== 0x2019) return wordHash(this.lowerOf(start, end));
        c = 39; // the curly apostrophe folds to a straight one (as in `tokenize`)
      } else if (c >= 65 && c <= 90) c += 32;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    return h & HASH_MASK;
  }

  private push(count: number, start: number, end: number, hash: number): number {
    if (count === this.starts.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.hashes = grow(this.hashes);
    }
    this.starts[count] = start;
    this.ends[count] = end;
    this.hashes[count] = hash;
    return count + 1;
  }

  /** `Token.lower` of the token at [start, end), as `tokenize` computes it. */
  private lowerOf(start: number, end: number): string {
    const raw = this.text.slice(start, end);
    // ASCII letters (and the curly apostrophe) lowercase alone the same as in the whole text.
    if (isAsciiOrApostrophe(raw)) return makeToken(raw, start).lower;
    if (this.lowered === undefined) {
      const lowered = this.text.toLowerCase();
      this.lowered = lowered.length !== this.text.length || this.text.includes('Σ') ? null : lowered.includes('’') ? lowered.replace(/’/g, "'") : lowered;
    }
    return this.lowered === null ? makeToken(raw, start).lower : this.lowered.slice(start, end);
  }

  /** The token at index k (the `tokenize` token), or undefined past either end. */
  token(k: number): Token | undefined {
    if (k < 0 || k >= this.count) return undefined;
    let t = this.tokens[k];
    if (!t) {
      const start = this.starts[k]!;
      const end = this.ends[k]!;
      const raw = this.text.slice(start, end);
      t = { text: raw, lower: isPlainLower(raw) ? raw : this.lowerOf(start, end), start, end };
      this.tokens[k] = t;
    }
    return t;
  }
}

const AMPERSAND_HASH = wordHash('&');

const isAsciiAlnum = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);

function isAsciiOrApostrophe(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 128 && c !== 0x2019) return false;
  }
  return true;
}

/** ASCII without capitals: the token is its own lowercase form. */
function isPlainLower(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) if (!notCapitalOrNonAscii(raw.charCodeAt(i))) return false;
  return true;
}

/**
 * What the name-variant pass reads of a text, in one scan: the tokens that
 * start with an uppercase letter (names are made of them), returned without
 * their lowercase form (the pass never reads it: lowercasing a third of the
 * tokens of a dump cost a tenth of the pass), and the lowercased form of every
 * token that starts with a lowercase letter, added to `lowercase` (such words
 * are common words, not names). Equal to filtering `tokenize(text)` by
 * `startsUpper` / `startsLower` (property-tested), without a token object for
 * the lowercase words.
 */
export function scanNameTokens(text: string, lowercase: Set<string>): SpanToken[] {
  const out: SpanToken[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const len = wordCharLength(text, i, true);
    if (len === 0) {
      i++; // "&" is a token, but neither capitalised nor lowercase
      continue;
    }
    const start = i;
    i = tokenEnd(text, start, len);
    const c = text.charCodeAt(start);
    if (c < 128) {
      if (c >= 65 && c <= 90) out.push({ text: text.slice(start, i), start, end: i });
      else if (c >= 97 && c <= 122) addLower(lowercase, text.slice(start, i), start);
      continue;
    }
    const raw = text.slice(start, i);
    if (startsUpper(raw)) out.push({ text: raw, start, end: i });
    else if (startsLower(raw)) addLower(lowercase, raw, start);
  }
  return out;
}

/**
 * Adds a token's lowercase form as `tokenize` gives it: the token itself when
 * it is ASCII without capitals, otherwise the token lowercased alone (the same
 * letters as a slice of the lowercased text: only a capital sigma lowercases
 * by context, and `tokenize` lowercases per token when one is present).
 */
function addLower(lowercase: Set<string>, raw: string, start: number): void {
  lowercase.add(scannedTokenPlain ? raw : makeToken(raw, start).lower);
}

/** Lowercased word list of a phrase, as tokens of the same tokenizer. */
export function phraseWords(phrase: string): string[] {
  return tokenize(phrase).map((t) => t.lower);
}

export function isCapitalized(word: string): boolean {
  const first = word.charAt(0);
  return first !== first.toLowerCase() && first === first.toUpperCase();
}

export function isLowercaseWord(word: string): boolean {
  return /^\p{Ll}/u.test(word);
}

/** Words whose case says nothing about being part of a name ("Bank of England", "Dow Jones & Company"). */
export const NAME_CONNECTORS: ReadonlySet<string> = new Set(['of', 'the', 'and', '&', 'for', 'on', 'in', 'de', 'al', 'la', 'von', 'van', 'der', 'du', 'des', 'del', 'da', 'bin', 'ibn', 'to', 'a', 'an']);

/** Count words (tokens that contain a letter) — the unit of the false-alarm rate. */
export function countWords(text: string): number {
  let n = 0;
  for (const t of text.matchAll(TOKEN_RE)) if (/\p{L}/u.test(t[0])) n++;
  return n;
}

/** Whitespace-separated chunks of a text, counted without splitting it (densities need no exact tokens). */
export function countChunks(text: string): number {
  let n = 0;
  let inChunk = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f;
    if (space) inChunk = false;
    else if (!inChunk) {
      inChunk = true;
      n++;
    }
  }
  return n;
}

/** Occurrences of `word` in `text` as a whole word (not inside a longer word). */
export function countWordOccurrences(text: string, word: string): number {
  let n = 0;
  const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length)) {
    if (!isWordChar(text[i - 1]) && !isWordChar(text[i + word.length])) n++;
  }
  return n;
}

const LOWERCASE_LETTER = /\p{Ll}/u;
const UPPERCASE_LETTER = /\p{Lu}/u;
const OTHER = 0;
const LOWER = 1;
const UPPER = 2;

/** The case of a code point: LOWER (\p{Ll}), UPPER (\p{Lu}) or OTHER; ASCII decided without a pattern. */
function caseOf(cp: number): number {
  if (cp < 128) return cp >= 97 && cp <= 122 ? LOWER : cp >= 65 && cp <= 90 ? UPPER : OTHER;
  const ch = String.fromCodePoint(cp);
  return LOWERCASE_LETTER.test(ch) ? LOWER : UPPERCASE_LETTER.test(ch) ? UPPER : OTHER;
}

/** The code point (as a string) that ends at `end` > 0: a low surrogate after a high one is the second half of an astral one. */
export function codePointBefore(text: string, end: number): string {
  const c = text.charCodeAt(end - 1);
  const pair = c >= 0xdc00 && c <= 0xdfff && end >= 2 && (text.charCodeAt(end - 2) & 0xfc00) === 0xd800;
  return pair ? text.slice(end - 2, end) : text.charAt(end - 1);
}

const NON_ASCII = /[^\x00-\x7f]/g;

/**
 * Whether a letter of case `first` is directly followed by one of case
 * `second` (\p{Ll} = LOWER, \p{Lu} = UPPER). The debris pre-checks ask it of
 * every paragraph, and most paragraphs hold no such pair: a pattern with
 * Unicode property classes tries the classes at every position, a character
 * loop in JavaScript reads every character; here a plain ASCII pattern
 * (`asciiPair`, run natively) decides the pairs of ASCII letters, and only
 * the pairs around the few non-ASCII characters are checked one by one.
 */
function hasCasePair(text: string, first: number, second: number, asciiPair: RegExp): boolean {
  if (asciiPair.test(text)) return true;
  NON_ASCII.lastIndex = 0;
  for (let m = NON_ASCII.exec(text); m; m = NON_ASCII.exec(text)) {
    const k = m.index;
    const c = text.charCodeAt(k);
    // The second half of an astral character was checked with its first half.
    if (c >= 0xdc00 && c <= 0xdfff && k > 0 && (text.charCodeAt(k - 1) & 0xfc00) === 0xd800) continue;
    const cp = text.codePointAt(k)!;
    const current = caseOf(cp);
    if (current === second && k > 0 && caseOf(codePointBefore(text, k).codePointAt(0)!) === first) return true;
    const next = k + (cp > 0xffff ? 2 : 1);
    if (current === first && next < text.length && caseOf(text.codePointAt(next)!) === second) return true;
  }
  return false;
}

const ASCII_LOWER_UPPER = /[a-z][A-Z]/;
const ASCII_UPPER_UPPER = /[A-Z][A-Z]/;

/** The same answer as /\p{Ll}\p{Lu}/u (property-tested): a lowercase letter directly followed by an uppercase one. */
export const hasLowerUpperPair = (text: string): boolean => hasCasePair(text, LOWER, UPPER, ASCII_LOWER_UPPER);

/** The same answer as /\p{Lu}\p{Lu}/u (property-tested): two uppercase letters in a row. */
export const hasUpperPair = (text: string): boolean => hasCasePair(text, UPPER, UPPER, ASCII_UPPER_UPPER);

/** The case of the code point that starts at `i` (OTHER past the end). */
const caseAt = (text: string, i: number): number => (i < text.length ? caseOf(text.codePointAt(i)!) : OTHER);

/**
 * The same answer as /\p{Ll}\.\p{Lu}/u (property-tested): a lowercase letter, a
 * full stop and an uppercase letter in a row, checked around each full stop
 * instead of trying the property classes at every position.
 */
export function hasLowerDotUpper(text: string): boolean {
  for (let dot = text.indexOf('.'); dot >= 0; dot = text.indexOf('.', dot + 1)) {
    if (dot > 0 && caseAt(text, dot + 1) === UPPER && caseOf(codePointBefore(text, dot).codePointAt(0)!) === LOWER) return true;
  }
  return false;
}

const SENTENCE_END_AND_SPACE = /[.!?] /g;

/**
 * How many matches /(?:^|[.!?] )\p{Ll}/gu has in `text`, counted up to
 * `limit` (property-tested): sentences that start with a lowercase letter. The
 * matches cannot overlap (each ends with a letter, each starts with the text's
 * start or a sentence end), so counting the positions is counting the matches.
 */
export function lowercaseSentenceStarts(text: string, limit: number): number {
  let n = caseAt(text, 0) === LOWER ? 1 : 0;
  SENTENCE_END_AND_SPACE.lastIndex = 0;
  for (let m = SENTENCE_END_AND_SPACE.exec(text); m && n < limit; m = SENTENCE_END_AND_SPACE.exec(text)) {
    if (caseAt(text, m.index + 2) === LOWER) n++;
  }
  return Math.min(n, limit);
}

/** True when the word starts with an uppercase letter (ASCII decided without a regex). */
export function startsUpper(word: string): boolean {
  const c = word.charCodeAt(0);
  if (c < 128) return c >= 65 && c <= 90;
  return /^\p{Lu}/u.test(word);
}

/** True when the word starts with a lowercase letter (ASCII decided without a regex). */
export function startsLower(word: string): boolean {
  const c = word.charCodeAt(0);
  if (c < 128) return c >= 97 && c <= 122;
  return /^\p{Ll}/u.test(word);
}

/** Whether the text has at least `n` whitespace-separated words (stops counting at n). */
export function hasAtLeastWords(text: string, n: number): boolean {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (!space && !inWord && ++count >= n) return true;
    inWord = !space;
  }
  return false;
}
