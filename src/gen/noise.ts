/**
 * The noise model of the syndicated-dump generator: each function damages one
 * paragraph the way a real copy gets damaged (see docs/dedup.md).
 */
import type { WordNet } from '../lexicon/wordnet.ts';
import type { Rng } from './random.ts';

const STOP = new Set(
  ('a an the and or but if of in on at to for from by with as is are was were be been being it its this that these those ' +
    'he she they we you i his her their our your my not no so than then there here who whom which what when where why how ' +
    'has have had do does did will would can could should may might must also just about into over after before said says')
    .split(' '),
);

const WORD = /[A-Za-z]+(?:'[a-z]+)?/g;

export function isContentWord(w: string): boolean {
  return w.length >= 3 && !STOP.has(w.toLowerCase());
}

function matchCase(replacement: string, original: string): string {
  if (original === original.toUpperCase() && original.length > 1) return replacement.toUpperCase();
  if (original[0] === original[0]!.toUpperCase()) return replacement[0]!.toUpperCase() + replacement.slice(1);
  return replacement;
}

/** Re-inflect a synonym like a spinner does: copy the original's suffix, grammar be damned. */
function inflectLike(base: string, original: string, originalBase: string): string {
  if (original === originalBase) return base;
  if (original.endsWith('ing')) return base.replace(/e$/, '') + 'ing';
  if (original.endsWith('ed')) return base.endsWith('e') ? base + 'd' : base + 'ed';
  if (original.endsWith('s')) return /(s|x|z|ch|sh)$/.test(base) ? base + 'es' : base + 's';
  return base;
}

function baseOf(wn: WordNet, w: string): string {
  for (const p of ['n', 'v', 'a', 'r'] as const) {
    const b = wn.baseForms(w, p)[0];
    if (b) return b;
  }
  return w.toLowerCase();
}

const synonymMemo = new WeakMap<WordNet, Map<string, string[]>>();

function singleWordSynonyms(wn: WordNet, w: string): string[] {
  let memo = synonymMemo.get(wn);
  if (!memo) synonymMemo.set(wn, (memo = new Map()));
  const key = w.toLowerCase();
  let syns = memo.get(key);
  if (!syns) memo.set(key, (syns = wn.synonyms(key).filter((s) => /^[a-z]+$/.test(s) && s !== key)));
  return syns;
}

/**
 * Spinner: replace `rate` of the content words (those that have a WordNet
 * synonym; capitalised words too, which is how "Wall Street Journal" becomes
 * "Wall Avenue Journal") by a synonym drawn from any of the word's senses, the
 * way article spinners do without disambiguation.
 */
export function spin(text: string, rate: number, rng: Rng, wn: WordNet): string {
  if (rate <= 0) return text;
  const matches = [...text.matchAll(WORD)];
  const content = matches.filter((m) => isContentWord(m[0]));
  const target = Math.round(rate * content.length);
  const candidates = rng.shuffle(content).filter((m) => singleWordSynonyms(wn, m[0]).length > 0).slice(0, target);
  const replace = new Map(candidates.map((m) => [m.index!, m[0]]));
  return text.replace(WORD, (w, offset: number) => {
    if (!replace.has(offset)) return w;
    const base = baseOf(wn, w);
    const syn = rng.pick(singleWordSynonyms(wn, w));
    return matchCase(inflectLike(syn, w.toLowerCase(), base), w);
  });
}

const NAME_SOUNDS: Array<[RegExp, string]> = [
  [/^Z/, 'J'], [/^J/, 'Y'], [/^C/, 'K'], [/^K/, 'C'], [/^V/, 'W'], [/^W/, 'V'], [/^Ph/, 'F'], [/^S/, 'Z'],
];

/** A mistransliterated given name ("Zalmay" → "Jalam"-style): first sound and a vowel change. */
export function mistransliterate(name: string, rng: Rng): string {
  let out = name;
  const rule = NAME_SOUNDS.find(([re]) => re.test(out));
  if (rule) out = out.replace(rule[0], rule[1]);
  const vowels = [...out.matchAll(/[aeiou]/g)];
  if (vowels.length) {
    const v = rng.pick(vowels);
    out = out.slice(0, v.index!) + rng.pick(['a', 'e', 'i', 'o', 'u'].filter((x) => x !== v[0])) + out.slice(v.index! + 1);
  }
  return out === name ? name + 'a' : out;
}

/**
 * Machine-translation round trip at `intensity` (0..1): dropped articles,
 * swapped neighbouring words, changed given names, broken quotes glued to the
 * next word, and sentences broken in two.
 */
export function mtDamage(text: string, intensity: number, rng: Rng): string {
  if (intensity <= 0) return text;
  let words = text.split(' ');
  // Dropped articles (languages without them translate back without them).
  words = words.filter((w) => !(/^(the|a|an|The|A|An)$/.test(w) && rng.chance(0.6 * intensity)));
  // Given names: a capitalised word followed by another capitalised word, not sentence-initial.
  for (let i = 1; i < words.length - 1; i++) {
    if (/^[A-Z][a-z]{2,}$/.test(words[i]!) && /^[A-Z][a-z]+/.test(words[i + 1]!) && !/[.!?]$/.test(words[i - 1]!) && rng.chance(0.5 * intensity)) {
      words[i] = mistransliterate(words[i]!, rng);
    }
  }
  // Word order: swap a few neighbouring plain words.
  const swaps = Math.round(words.length * 0.04 * intensity);
  for (let s = 0; s < swaps; s++) {
    const i = rng.int(0, Math.max(0, words.length - 2));
    if (/^[a-z]+$/.test(words[i] ?? '') && /^[a-z]+$/.test(words[i + 1] ?? '')) [words[i], words[i + 1]] = [words[i + 1]!, words[i]!];
  }
  let out = words.join(' ');
  // Broken quotes: curly quotes flattened and a closing quote glued to the next word ("phase"Of).
  if (rng.chance(0.5 * intensity)) out = out.replace(/[“”]/g, '"');
  if (rng.chance(0.5 * intensity)) out = out.replace(/(\w)(["”]) (\w)/, (_m, a: string, q: string, b: string) => a + q + b.toUpperCase());
  // A sentence broken in two mid-way.
  if (rng.chance(0.4 * intensity)) {
    const w = out.split(' ');
    if (w.length > 12) {
      const i = rng.int(4, w.length - 4);
      if (/^[a-z]+$/.test(w[i]!)) {
        w[i - 1] = w[i - 1]! + '.';
        w[i] = w[i]![0]!.toUpperCase() + w[i]!.slice(1);
        out = w.join(' ');
      }
    }
  }
  return out;
}

/** Keyboard typos: swapped, dropped or doubled letters in `rate` of the words. */
export function typos(text: string, rate: number, rng: Rng): string {
  if (rate <= 0) return text;
  return text.replace(/[A-Za-z]{4,}/g, (w) => {
    if (!rng.chance(rate)) return w;
    const i = rng.int(1, w.length - 2);
    switch (rng.int(0, 2)) {
      case 0: return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
      case 1: return w.slice(0, i) + w.slice(i + 1);
      default: return w.slice(0, i) + w[i] + w.slice(i);
    }
  });
}

/** Layout noise every copy may get: quote style, dashes, doubled spaces. */
export function formatNoise(text: string, rng: Rng): string {
  let out = text;
  if (rng.chance(0.3)) out = out.replace(/[“”]/g, '"').replace(/[‘’]/g, "'");
  if (rng.chance(0.2)) out = out.replace(/ — /g, ' - ');
  if (rng.chance(0.2)) out = out.replace(/, /g, ',  ');
  return out;
}

export function sentences(text: string): string[] {
  return text.split(/(?<=[.!?]["”’']?)\s+(?=["“]?[A-Z0-9])/).filter(Boolean);
}

/** Split a paragraph in two at the sentence boundary nearest the middle (null when it has one sentence). */
export function splitParagraph(text: string): [string, string] | null {
  const s = sentences(text);
  if (s.length < 2) return null;
  const cut = Math.max(1, Math.round(s.length / 2));
  return [s.slice(0, cut).join(' '), s.slice(cut).join(' ')];
}

/** Abridge a paragraph: keep its first sentences, at least half of them (null when it has one sentence). */
export function abridgeParagraph(text: string, rng: Rng): string | null {
  const s = sentences(text);
  if (s.length < 2) return null;
  return s.slice(0, rng.int(Math.ceil(s.length / 2), s.length - 1)).join(' ');
}
