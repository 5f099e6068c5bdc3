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

const TOKEN_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*|&/gu;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const start = m.index;
    out.push({ text: m[0], lower: m[0].toLowerCase().replace(/’/g, "'"), start, end: start + m[0].length });
  }
  return out;
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
