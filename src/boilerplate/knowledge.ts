/**
 * Boilerplate phrase knowledge, kept as data: data/boilerplate/<lang>.json
 * holds whole-line patterns per reason code (comment forms, share and follow
 * prompts, "Related Articles", cookie notices …) for one language. Every file
 * is loaded and every pattern applies to every document: a German cookie
 * notice on an English site is still a cookie notice. Stop-word lists come
 * from the stopwords-iso package (58 languages), which also covers languages
 * that have no phrase file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const KNOWLEDGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/boilerplate');

const fileSchema = z.strictObject({
  lang: z.string().regex(/^[a-z]{2}$/),
  note: z.string().optional(),
  rules: z.record(z.string().regex(/^[a-z-]+$/), z.array(z.string().min(1))),
  containsRules: z.record(z.string().regex(/^[a-z-]+$/), z.array(z.string().min(1))).default({}),
  caseSensitive: z.array(z.string()).default([]),
  contactVerbs: z.array(z.string()).default([]),
});

export interface PhraseRule {
  reason: string;
  /** Matched against the line as written; otherwise against the lower-cased line. */
  caseSensitive: boolean;
  lang: string;
  source: string;
  re: RegExp;
}

export interface Knowledge {
  rules: PhraseRule[];
  languages: string[];
  /** One alternation per reason and case mode: a line is tested against ~25 regular expressions instead of every pattern. */
  combined: Array<{ reason: string; re: RegExp; caseSensitive: boolean; rules: PhraseRule[] }>;
  /** Patterns found anywhere in a short line ("… All Rights Reserved. 87990cbe…"). */
  contains: PhraseRule[];
  containsAny: RegExp | null;
}

/** Trailing punctuation and markers that do not change what a line is ("Leave a Reply:", "Required fields are marked *"). */
const TRAILING_NOISE = new Set([...' \t\u00a0.:!?*…»›>|–—-']);
const LEADING_NOISE = new Set([...' \t\u00a0-–—•·*|>»›(']);
const CURLY = /[\u2018\u2019\u201c\u201d]/g;
const SPACES = /\s{2,}|[\t\u00a0]/g;

/** Straight quotes, single spaces, no trailing punctuation. */
export function normalizeLine(line: string): string {
  let s = line;
  if (CURLY.test(s)) s = s.replace(CURLY, (c) => (c === '\u2018' || c === '\u2019' ? "'" : '"'));
  CURLY.lastIndex = 0;
  s = s.replace(SPACES, ' ').trim();
  let end = s.length;
  while (end > 0 && TRAILING_NOISE.has(s[end - 1]!)) end--;
  // Leading bullets and dashes ("- Anzeige -", "» Weiterlesen") do not change what a line is either.
  let start = 0;
  while (start < end && LEADING_NOISE.has(s[start]!)) start++;
  return start === 0 && end === s.length ? s : s.slice(start, end).trim();
}

/** The learned block model's file in the knowledge folder (src/boilerplate/block-model.ts), not a phrase file. */
export const BLOCK_MODEL_FILE = 'block-model.json';

/** Longest line the contains-rules look at. */
const MAX_CONTAINS_LINE = 250;

export function loadKnowledge(dir = KNOWLEDGE_DIR): Knowledge {
  const rules: PhraseRule[] = [];
  const contains: PhraseRule[] = [];
  const languages: string[] = [];
  // Phrase files are named by language (en.json, de.json …); block-model.json beside them is the learned model.
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== BLOCK_MODEL_FILE).sort()) {
    const where = path.join(dir, file);
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(where, 'utf8')));
    if (!parsed.success) throw new Error(`invalid boilerplate knowledge ${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const data = parsed.data;
    languages.push(data.lang);
    for (const [reason, patterns] of Object.entries(data.rules)) {
      // Case-insensitive rules are matched against the lower-cased line: V8's
      // Unicode case folding (/iu) is several times slower than a plain match.
      const caseSensitive = data.caseSensitive.includes(reason);
      // The 'u' flag (needed only for \p{…} classes) also slows matching down.
      for (const source of patterns) {
        let re: RegExp;
        const flags = /\\[pP]\{/.test(source) ? 'u' : '';
        try {
          re = new RegExp(`^(?:${source})$`, flags);
        } catch (err) {
          throw new Error(`invalid pattern in ${where} (${reason}): ${source}: ${(err as Error).message}`);
        }
        rules.push({ reason, lang: data.lang, source, re, caseSensitive });
      }
    }
    for (const [reason, patterns] of Object.entries(data.containsRules)) {
      for (const source of patterns) {
        try {
          contains.push({ reason, lang: data.lang, source, re: new RegExp(source, /\\[pP]\{/.test(source) ? 'u' : ''), caseSensitive: false });
        } catch (err) {
          throw new Error(`invalid pattern in ${where} (containsRules.${reason}): ${source}: ${(err as Error).message}`);
        }
      }
    }
  }
  const groups = new Map<string, PhraseRule[]>();
  for (const r of rules) {
    const key = `${r.reason}\u0000${r.caseSensitive}\u0000${r.re.flags}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const combined = [...groups.values()].map((g) => ({
    reason: g[0]!.reason,
    re: new RegExp(`^(?:${g.map((r) => `(?:${r.source})`).join('|')})$`, g[0]!.re.flags),
    caseSensitive: g[0]!.caseSensitive,
    rules: g,
  }));
  const containsAny = contains.length ? new RegExp(contains.map((r) => `(?:${r.source})`).join('|'), contains.some((r) => r.re.flags) ? 'u' : '') : null;
  return { rules, languages, combined, contains, containsAny };
}

let cached: Knowledge | null = null;
export function knowledge(): Knowledge {
  cached ??= loadKnowledge();
  return cached;
}

/** Longest line the phrase rules look at: widget lines are short, prose lines are not. */
export const MAX_RULE_LINE = 250;

/** The reason of the first phrase rule matching the whole line, or null. */
export function matchPhrase(line: string, k: Knowledge = knowledge()): PhraseRule | null {
  if (line.length > MAX_RULE_LINE) return null;
  const core = normalizeLine(line);
  if (!core) return null;
  const lower = core.toLowerCase();
  if (lower.length <= MAX_CONTAINS_LINE && k.containsAny?.test(lower)) {
    const hit = k.contains.find((r) => r.re.test(lower));
    if (hit) return hit;
  }
  for (const group of k.combined) {
    const subject = group.caseSensitive ? core : lower;
    if (!group.re.test(subject)) continue;
    // Name the exact pattern for the removal's detail (only on a hit, so the cost is rare).
    return group.rules.find((r) => r.re.test(subject)) ?? null;
  }
  return null;
}

// ---- stop words -----------------------------------------------------------

const require = createRequire(import.meta.url);
const STOPWORDS_ISO = require('stopwords-iso') as Record<string, string[]>;

/** word → bit set of the languages (index into STOP_LANGS) that list it. */
const STOP_LANGS = Object.keys(STOPWORDS_ISO).sort();
const stopIndex = new Map<string, number[]>();
STOP_LANGS.forEach((lang, li) => {
  for (const w of STOPWORDS_ISO[lang] ?? []) {
    const key = w.toLowerCase();
    const list = stopIndex.get(key);
    if (list) list.push(li);
    else stopIndex.set(key, [li]);
  }
});

export function hasStopwords(lang: string): boolean {
  return STOP_LANGS.includes(lang);
}

const stopSets = new Map<string, Set<string>>(STOP_LANGS.map((l) => [l, new Set((STOPWORDS_ISO[l] ?? []).map((w) => w.toLowerCase()))]));

/**
 * The language whose stop words cover most of `ws` (a whole document's words),
 * or null when none covers at least 10 % — then the text is in a language
 * without a list and densities are not meaningful.
 */
export function guessStopwordLanguage(blockWords: string[][]): string | null {
  let total = 0;
  for (const ws of blockWords) total += ws.length;
  if (total < 5) return null;
  // A few hundred words, taken evenly over the document, tell the language as well as all of them.
  const step = Math.max(1, Math.floor(total / 600));
  const counts = new Int32Array(STOP_LANGS.length);
  let seen = 0;
  let k = 0;
  for (const ws of blockWords) {
    for (const w of ws) {
      if (k++ % step) continue;
      seen++;
      const langs = stopIndex.get(w);
      if (langs) for (const li of langs) counts[li]!++;
    }
  }
  let best = -1;
  let bestCount = 0;
  counts.forEach((c, li) => {
    if (c > bestCount) [best, bestCount] = [li, c];
  });
  return best >= 0 && bestCount >= 0.1 * seen ? STOP_LANGS[best]! : null;
}

/** Word separators: whitespace, ASCII punctuation and digits, common typographic marks (a character class is much faster than \p{L} matching). */
const NON_WORD = /[\s\d!-&(-/:-@[-`{-~\u00a0-\u00bf\u2000-\u2018\u201a-\u206f\u3000-\u303f]+/;

export function words(text: string): string[] {
  const parts = text.toLowerCase().split(NON_WORD);
  if (parts[0] === '') parts.shift();
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * Share of words that are stop words: of `lang` when given and listed,
 * otherwise (undefined or unlisted) of whichever listed language scores
 * highest. Returns null when `lang` is null (known to have no list) or no
 * list covers any word.
 */
export function stopwordDensity(ws: string[], lang?: string | null): number | null {
  if (lang === null) return null;
  if (!ws.length) return 0;
  if (lang) {
    const set = stopSets.get(lang);
    if (set) {
      let n = 0;
      for (const w of ws) if (set.has(w)) n++;
      return n / ws.length;
    }
  }
  const counts = new Map<number, number>();
  for (const w of ws) for (const li of stopIndex.get(w) ?? []) counts.set(li, (counts.get(li) ?? 0) + 1);
  let best = 0;
  for (const c of counts.values()) if (c > best) best = c;
  if (!best && !lang) return 0;
  return best ? best / ws.length : null;
}
