/**
 * Headline helpers for the metadata stage: comparing a line with a title,
 * splitting breadcrumbs, and recognising a site's section label glued onto a
 * headline.
 */
import { isAllCaps, words } from './shape.ts';

/** Comparison key: case, whitespace, quote and dash variants folded. */
export function titleKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’‚‛′`´]/gu, "'")
    .replace(/[“”„‟″«»]/gu, '"')
    .replace(/[‐‑‒–—―]/gu, '-')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Separators between breadcrumb items: `»` `›` `>` `|` `/` `→` `::`, each with spaces around. */
const CRUMB_SEPARATOR = /\s+(?:»|›|>|\||\/|→|::|\\)\s+/u;

/** The items of a breadcrumb line (at least three items, i.e. two separators), or null. */
export function breadcrumbItems(text: string): string[] | null {
  if (text.includes('\n')) return null;
  const items = text.split(CRUMB_SEPARATOR).map((s) => s.trim());
  return items.length >= 3 && items.every((s) => s.length > 0) ? items : null;
}

/** Words that cannot end a headline: if one precedes the label, the "label" is part of the sentence. */
const DANGLING_WORDS = new Set(['a', 'an', 'the', 'of', 'to', 'for', 'in', 'on', 'at', 'and', 'or', 'with', 'from', 'by', 'about', 'as', 'into', 'than']);

/**
 * A trailing section label: one to three capitalised words followed by
 * `news` (`… avoid Afghan collapse Taliban news`, `… World News`).
 */
const TRAILING_SECTION_LABEL = /^(.*?\S)\s+((?:\p{Lu}[\p{L}\p{M}'’.-]*\s+){1,3}[Nn]ews)$/u;

/**
 * Split a site's section label off the end of a headline. Only when the
 * headline is not all caps (case is the evidence), what remains has at least
 * `minWords` words, and it does not end in a word that needs a continuation
 * (`The end of Taliban news` stays whole).
 */
export function splitSectionLabel(title: string, minWords = 4): { title: string; label: string } | null {
  if (isAllCaps(title)) return null;
  const m = TRAILING_SECTION_LABEL.exec(title.trim());
  if (!m) return null;
  const head = m[1]!;
  const label = m[2]!;
  const headWords = words(head);
  const last = headWords[headWords.length - 1]?.toLowerCase();
  if (headWords.length < minWords || last === undefined || DANGLING_WORDS.has(last)) return null;
  return { title: head, label };
}

/** A field title that is a body line plus a site suffix: `Headline | Site`, `Headline - Site`. */
export function isTitleWithSuffix(fieldTitle: string, line: string): boolean {
  const f = titleKey(fieldTitle);
  const l = titleKey(line);
  if (!l || l.length >= f.length || !f.startsWith(l)) return false;
  return /^\s*(?:\||-|:|·|•|::)\s/u.test(f.slice(l.length));
}
