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
  caseSensitive: z.array(z.string()).default([]),
  contactVerbs: z.array(z.string()).default([]),
});

export interface PhraseRule {
  reason: string;
  lang: string;
  source: string;
  re: RegExp;
}

export interface Knowledge {
  rules: PhraseRule[];
  languages: string[];
}

/** Trailing punctuation and markers that do not change what a line is ("Leave a Reply:", "Required fields are marked *"). */
export const TRAILING_NOISE = /[\s.:!?*…»›>|–—-]+$/u;

export function loadKnowledge(dir = KNOWLEDGE_DIR): Knowledge {
  const rules: PhraseRule[] = [];
  const languages: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const where = path.join(dir, file);
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(where, 'utf8')));
    if (!parsed.success) throw new Error(`invalid boilerplate knowledge ${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const data = parsed.data;
    languages.push(data.lang);
    for (const [reason, patterns] of Object.entries(data.rules)) {
      const flags = data.caseSensitive.includes(reason) ? 'u' : 'iu';
      for (const source of patterns) {
        let re: RegExp;
        try {
          re = new RegExp(`^(?:${source})$`, flags);
        } catch (err) {
          throw new Error(`invalid pattern in ${where} (${reason}): ${source}: ${(err as Error).message}`);
        }
        rules.push({ reason, lang: data.lang, source, re });
      }
    }
  }
  return { rules, languages };
}

let cached: Knowledge | null = null;
export function knowledge(): Knowledge {
  cached ??= loadKnowledge();
  return cached;
}

/** Longest line the phrase rules look at: widget lines are short, prose lines are not. */
export const MAX_RULE_LINE = 300;

/** The reason of the first phrase rule matching the whole line, or null. */
export function matchPhrase(line: string, k: Knowledge = knowledge()): PhraseRule | null {
  if (line.length > MAX_RULE_LINE) return null;
  const core = line.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\s+/g, ' ').replace(TRAILING_NOISE, '').trim();
  if (!core) return null;
  for (const rule of k.rules) if (rule.re.test(core)) return rule;
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

const WORD = /[\p{L}\p{M}'’]+/gu;

export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/**
 * Share of words that are stop words: of `lang` when given and listed,
 * otherwise of whichever listed language scores highest (language unknown).
 * Returns null when no list applies (e.g. a language stopwords-iso lacks).
 */
export function stopwordDensity(ws: string[], lang?: string | null): number | null {
  if (!ws.length) return 0;
  if (lang) {
    const li = STOP_LANGS.indexOf(lang);
    if (li >= 0) {
      let n = 0;
      for (const w of ws) if (stopIndex.get(w)?.includes(li)) n++;
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
