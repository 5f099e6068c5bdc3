/**
 * Character classes and Unicode normalisation shared by the text stages.
 *
 * Scraped text carries invisible characters (zero-width spaces from CMS
 * editors, BOMs from concatenated files, soft hyphens from hyphenation
 * engines), C0/C1 control characters from broken encodings, and a zoo of
 * Unicode spaces. They break word matching downstream (a zero-width space
 * inside "Khalilzad" makes it a different token), so they go early.
 * Typographic quotes and dashes are meaningful and are kept as written.
 */

/**
 * Invisible characters removed outright: zero-width space / non-joiner /
 * joiner (U+200B–U+200D), word joiner (U+2060), invisible operators
 * (U+2061–U+2064), BOM / zero-width no-break space (U+FEFF), soft hyphen
 * (U+00AD), Mongolian vowel separator (U+180E, formerly a space).
 *
 * Bidirectional marks (U+200E/F, U+202A–U+202E, U+2066–U+2069) are kept: in
 * Arabic or Hebrew text with embedded numbers they decide the display order.
 *
 * Note on ZWJ/ZWNJ: they are meaningful inside Persian, Indic and emoji
 * sequences; removing them changes rendering, not the letters, which is the
 * trade-off the issue asks for (word matching across sources).
 */
export const INVISIBLE_CHARS = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/gu;

/**
 * Control characters (C0 except tab and line breaks, DEL, C1 except NEL). Tab, vertical
 * tab and form feed are treated as whitespace, not deleted, so two words they
 * separated stay two words.
 */
export const CONTROL_CHARS = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]/gu;

/**
 * Horizontal whitespace that becomes one ASCII space: tab, VT, FF, NBSP,
 * Ogham space, en/em/thin/hair… spaces (U+2000–U+200A), narrow NBSP, medium
 * mathematical space, ideographic space.
 */
export const HORIZONTAL_SPACES = /[\t\u000B\u000C \u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/gu;

/** Line breaks of any convention, including Unicode line/paragraph separators and NEL. */
export const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/u;

/**
 * A line is blank when nothing but whitespace and invisible characters is on
 * it (a line holding a lone zero-width space still separates paragraphs).
 */
const BLANK_LINE = /^[\s\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF\u0000-\u0008\u000E-\u001F\u007F-\u009F]*$/u;

export function isBlankLine(line: string): boolean {
  return BLANK_LINE.test(line);
}

const NEEDS_NORMALIZING = /[^\x21-\x7E ]| {2}|^ | $|^$/u;
const NON_ASCII = /[^\x00-\x7F]/u;

/**
 * Normalise one block's text: NFC; invisible and control characters removed;
 * every run of horizontal whitespace → one space; each line trimmed; empty
 * lines dropped. Line breaks inside the block are kept as single `\n`
 * because the reflow stage decides whether they were a scraper's hard wrap
 * (joined) or real structure such as a label followed by a URL (kept).
 */
export function normalizeBlockText(text: string): string {
  // Fast path (most lines of English text): printable ASCII, single spaces, no
  // leading or trailing space is already normal.
  if (!NEEDS_NORMALIZING.test(text)) return text;
  const composed = NON_ASCII.test(text) ? text.normalize('NFC') : text;
  const cleaned = composed.replace(INVISIBLE_CHARS, '').replace(CONTROL_CHARS, '');
  const lines: string[] = [];
  for (const line of cleaned.split(LINE_BREAK)) {
    const collapsed = line.replace(HORIZONTAL_SPACES, ' ').trim();
    if (collapsed) lines.push(collapsed);
  }
  return lines.join('\n');
}

/** Offsets of each line of `text`, with the line break that ends it excluded. */
export interface LineSpan {
  text: string;
  start: number;
  end: number;
}

export function splitLines(text: string): LineSpan[] {
  const out: LineSpan[] = [];
  const breaks = new RegExp(LINE_BREAK.source, 'gu');
  let start = 0;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    out.push({ text: text.slice(start, m.index), start, end: m.index });
    start = m.index + m[0].length;
  }
  out.push({ text: text.slice(start), start, end: text.length });
  return out;
}
