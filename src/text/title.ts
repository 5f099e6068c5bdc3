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

/** Letters and digits only, lowercased: `St.Galler Tagblatt` → `stgallertagblatt`. */
function compact(text: string): string {
  return text.normalize('NFKD').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** Host labels that name no site. */
const GENERIC_HOST_LABELS = new Set(['www', 'm', 'amp', 'mobile', 'news', 'blog', 'blogs', 'web', 'edition', 'de', 'en', 'fr', 'es', 'it']);

/** The distinctive labels of a URL's host (`www.tagblatt.ch` → [`tagblatt`]), at least 4 characters. */
function hostLabels(url: string): string[] {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return [];
  }
  const labels = host.toLowerCase().split('.');
  // Drop the top-level domain (and a second-level one such as `co` in `co.uk`).
  labels.pop();
  if (labels.length > 1 && (labels[labels.length - 1]!.length <= 3 && ['co', 'com', 'org', 'net', 'gov', 'ac'].includes(labels[labels.length - 1]!))) labels.pop();
  return labels.map((l) => l.replace(/[^a-z0-9]/gu, '')).filter((l) => l.length >= 4 && !GENERIC_HOST_LABELS.has(l));
}

/** `Headline | Site`, `Headline - Site`, `Headline – Site`, `Headline :: Site`: the last segment after a spaced separator. */
const SITE_SUFFIX = /^(.*\S)\s+(?:\||-|–|—|::|·|•)\s+([^|–—·•]{2,60})$/u;

/**
 * Split a site-name suffix off a title field, when the suffix names the site
 * the page came from: its compacted form and one of the URL host's labels
 * contain each other (`| St.Galler Tagblatt` on tagblatt.ch, `- Telebasel` on
 * telebasel.ch, `– Investment Watch` on investmentwatchblog.com). Without
 * that evidence the title stays whole (`Nahrungsergänzungsmittel - Das
 * dubiose Geschäft mit der Hoffnung` is one headline).
 */
export function splitSiteSuffix(title: string, url: string | null): { title: string; site: string } | null {
  if (!url) return null;
  const m = SITE_SUFFIX.exec(title.trim());
  if (!m) return null;
  const head = m[1]!;
  const site = m[2]!.trim();
  const key = compact(site);
  if (key.length < 4 || words(head).length < 2) return null;
  const matches = hostLabels(url).some((label) => key.includes(label) || label.includes(key));
  return matches ? { title: head, site } : null;
}
