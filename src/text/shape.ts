/**
 * Shape features of a line or block of text (case, punctuation, length) that
 * segmentation, reflow and metadata use to tell headings, prose fragments and
 * labels apart. Script-neutral where possible: letters are `\p{L}`, case is
 * `\p{Lu}`/`\p{Ll}`; for scripts without case (CJK, Arabic …) the case-based
 * tests answer false, which makes the callers conservative (no join, no
 * heading guess).
 */

/** Closing quotes and brackets that may follow sentence punctuation: `end.”` `end?)` */
const CLOSERS = `"'”’»›)\\]}`;
/** Openers that may precede the first letter: `“The` `(and` `¿Qué`. */
const OPENERS = `"'“‘„‚«‹(\\[{¿¡*•·–—\\-`;

/** Ends with sentence-final punctuation (. ! ? … and CJK 。！？) or : ; optionally followed by closers. */
const TERMINAL_END = new RegExp(`[.!?…。！？:;][${CLOSERS}]*$`, 'u');
/** Ends with a comma or a character that leaves the clause open: `,` `(` `–` `—` `-` `&` `/`. */
const OPEN_END = /[,，、(–—\-&/]$/u;
const FIRST_LETTER = new RegExp(`^[${OPENERS}\\s]*(\\p{L})`, 'u');
const URL_OR_EMAIL_LINE = /^(?:(?:https?:\/\/|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$/iu;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}'’._-]*/gu;

/**
 * The last characters of a text, trailing whitespace dropped. End-anchored
 * regexes are tested on this tail: tested on a whole megabyte-long block they
 * would scan it from every starting position.
 */
function tail(text: string): string {
  return text.slice(-64).trimEnd();
}

export function endsWithTerminal(text: string): boolean {
  return TERMINAL_END.test(tail(text));
}

export function endsOpen(text: string): boolean {
  return OPEN_END.test(tail(text));
}

/** Case of the first letter after leading quotes/brackets/bullets: 'upper', 'lower' or 'none' (digit first, caseless script, no letter). */
export function initialCase(text: string): 'upper' | 'lower' | 'none' {
  const m = FIRST_LETTER.exec(text);
  const ch = m?.[1];
  if (!ch) return 'none';
  // A digit before the first letter (`2021 was…`) means the block does not start with that letter.
  const before = text.slice(0, m.index + m[0].length - ch.length);
  if (/\p{N}/u.test(before)) return 'none';
  if (/\p{Lu}|\p{Lt}/u.test(ch)) return 'upper';
  if (/\p{Ll}/u.test(ch)) return 'lower';
  return 'none';
}

export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

export function wordCount(text: string): number {
  return words(text).length;
}

/** The whole line is one URL or e-mail address. */
export function isUrlOrEmailLine(line: string): boolean {
  return URL_OR_EMAIL_LINE.test(line.trim());
}

/** The text starts with a URL or e-mail address (a link label's target, not prose). */
export function startsWithUrlOrEmail(text: string): boolean {
  const first = text.trim().split(/\s/u, 1)[0] ?? '';
  return URL_OR_EMAIL_LINE.test(first);
}

export function isSingleLine(text: string): boolean {
  return !text.includes('\n');
}

/** Every cased letter is uppercase (and there are at least a few letters): `US ENVOY … RESIGNS`. */
export function isAllCaps(text: string): boolean {
  const upper = text.match(/\p{Lu}/gu)?.length ?? 0;
  const lower = text.match(/\p{Ll}/gu)?.length ?? 0;
  return upper >= 4 && lower === 0;
}

export interface HeadingLimits {
  /** Longest heading in words. */
  maxWords: number;
  /** Longest heading in characters. */
  maxChars: number;
}

export const DEFAULT_HEADING_LIMITS: HeadingLimits = { maxWords: 20, maxChars: 160 };

/**
 * A line that could be a heading or a headline: one short line, starting with
 * an uppercase letter (or a digit), with no sentence-final punctuation or
 * comma at its end, and not a bare URL. Whether it *is* a heading depends on
 * its neighbours (see the segment stage).
 */
export function isHeadingShaped(text: string, limits: HeadingLimits = DEFAULT_HEADING_LIMITS): boolean {
  const t = text.trim();
  if (!t || !isSingleLine(t) || t.length > limits.maxChars) return false;
  const n = wordCount(t);
  if (n === 0 || n > limits.maxWords) return false;
  if (endsWithTerminal(t) || endsOpen(t) || isUrlOrEmailLine(t)) return false;
  if (!/\p{L}/u.test(t)) return false;
  const c = initialCase(t);
  return c === 'upper' || (c === 'none' && /^\p{N}/u.test(t));
}

/** Running prose: ends with sentence punctuation and has at least `minWords` words. */
export function isProse(text: string, minWords = 6): boolean {
  return endsWithTerminal(text) && !/[:;][^\p{L}\p{N}]*$/u.test(tail(text)) && wordCount(text) >= minWords;
}

/** Narrowest wrap width anyone hard-wraps prose at; shorter lines are structure (labels, lists, addresses). */
export const MIN_WRAP_WIDTH = 40;
/** Widest wrap width treated as a hard wrap; a longer line is a paragraph on its own line. */
export const MAX_WRAP_WIDTH = 100;

/**
 * Do these lines look like one paragraph hard-wrapped at a fixed width? The
 * longest line is between MIN_WRAP_WIDTH and MAX_WRAP_WIDTH characters, and at
 * (nearly) every line end the next line's first word would not have fitted on
 * the line: that is why the line was broken. One paragraph per line (what many
 * scrapers write) fails the test: its lines end where the paragraphs end.
 */
export function looksHardWrapped(lines: readonly string[]): boolean {
  if (lines.length < 2) return false;
  const width = lines.reduce((max, l) => Math.max(max, l.length), 0);
  if (width < MIN_WRAP_WIDTH || width > MAX_WRAP_WIDTH) return false;
  let wrapped = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const nextWord = lines[i + 1]!.trimStart().split(/\s/u, 1)[0] ?? '';
    if (lines[i]!.trimEnd().length + 1 + nextWord.length > width) wrapped++;
  }
  return wrapped >= 0.75 * (lines.length - 1);
}
