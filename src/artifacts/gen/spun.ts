/**
 * Generator of spun text with gold labels, for the benchmark and tests.
 *
 * Takes clean English paragraphs, and for each sample inserts one sentence
 * holding a gazetteer entry whose words were replaced by substitutes from one
 * of three sources, recorded with the gold span:
 * - `wordnet`: single-word WordNet synonyms of the entry words. Circular in source (the
 *   detector also consults WordNet), so it tests the matcher and its guards,
 *   not the vocabulary;
 * - `spinner`: the detector's own spinner table. Fully circular: an upper bound;
 * - `held-out`: src/artifacts/gen/held-out-synonyms.json, written separately
 *   and never read by the detectors (pairs the spinner table also lists are
 *   dropped). The detector can only find these through WordNet.
 * Every third sample also inserts the entry unchanged elsewhere, which must
 * not be flagged.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getWordNet } from '../../lexicon/wordnet.ts';
import { FUNCTION_WORDS, type ArtifactLexicon, type EntryType, type GazetteerEntry } from '../lexicon.ts';
import { tokenize } from '../tokens.ts';
import { createRng, type Rng } from '../../gen/random.ts';

export type SubstituteSource = 'wordnet' | 'spinner' | 'held-out';
export const SUBSTITUTE_SOURCES: readonly SubstituteSource[] = ['wordnet', 'spinner', 'held-out'];

export interface GoldSpan {
  start: number;
  end: number;
  entry: string;
  type: EntryType;
  source: SubstituteSource;
  spun: string;
}

export interface SpunSample {
  text: string;
  gold: GoldSpan[];
  /** Entries inserted unchanged (must not be flagged). */
  clean: { start: number; end: number; entry: string }[];
}

const HELD_OUT: Record<string, string[]> = JSON.parse(
  readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'held-out-synonyms.json'), 'utf8'),
) as Record<string, string[]>;

const TEMPLATES: Record<'name' | 'lower', string[]> = {
  name: [
    'According to the {X}, the figures were revised on Tuesday.',
    'A spokesperson for the {X} declined to comment on the report.',
    'The {X} said the review would be published next week.',
    'Officials at the {X} did not respond to a request for comment.',
  ],
  lower: [
    'Observers noted the {X} in their report on Tuesday.',
    'The {X} came up again during the meeting, several people said.',
    'Analysts said the {X} would remain a central issue this year.',
  ],
};

function substitutesFrom(source: SubstituteSource, word: string, lex: ArtifactLexicon): string[] {
  if (source === 'spinner') return lex.spinnerSubstitutes(word).map((w) => w.join(' '));
  // Spinners swap word for word from a thesaurus; WordNet's multiword lemmas ("department of homeland security"
  // as a synonym of "department") would make strings no spinner writes, so WordNet substitutes are single words.
  if (source === 'wordnet') return getWordNet().synonyms(word).filter((s) => /^[a-z]+$/.test(s));
  const listed = new Set(lex.spinnerSubstitutes(word).map((w) => w.join(' ')));
  return (HELD_OUT[word] ?? []).filter((s) => !listed.has(s));
}

function capitalizeWords(s: string): string {
  return s.replace(/(^|[\s-])(\p{Ll})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** Spin one entry: replace 1..n of its content words. Null when the source has nothing for it. */
export function spinEntry(entry: GazetteerEntry, source: SubstituteSource, lex: ArtifactLexicon, rng: Rng): string | null {
  const words = [...entry.phrase.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*|&/gu)];
  const candidates = words
    .map((m, i) => ({ m, i, subs: FUNCTION_WORDS.has(m[0].toLowerCase()) ? [] : substitutesFrom(source, m[0].toLowerCase(), lex) }))
    .filter((s) => s.subs.length > 0);
  if (candidates.length === 0) return null;
  const slots = rng.shuffle(candidates);
  const k = 1 + (rng.next() < 0.3 && slots.length > 1 ? 1 : 0);
  const chosen = slots.slice(0, k).sort((a, b) => b.m.index - a.m.index);
  let phrase = entry.phrase;
  for (const s of chosen) {
    let sub = rng.pick(s.subs);
    if (/^\p{Lu}/u.test(s.m[0])) sub = entry.type === 'name' ? capitalizeWords(sub) : sub[0]!.toUpperCase() + sub.slice(1);
    phrase = phrase.slice(0, s.m.index) + sub + phrase.slice(s.m.index + s.m[0].length);
  }
  const key = tokenize(phrase).map((t) => t.lower).join(' ');
  if (lex.knownPhrases.has(key) || key === entry.words.join(' ')) return null;
  return phrase;
}

function insertSentence(rng: Rng, text: string, sentence: string): { text: string; offset: number } {
  const boundaries = [...text.matchAll(/[.!?] (?=\p{Lu})/gu)].map((m) => m.index + 2);
  const at = boundaries.length ? rng.pick([...boundaries, text.length]) : text.length;
  const pre = at === text.length ? `${text} ` : text.slice(0, at);
  return { text: pre + sentence + (at === text.length ? '' : ' ') + text.slice(at), offset: pre.length };
}

function fill(template: string, phrase: string): { sentence: string; at: number } {
  const at = template.indexOf('{X}');
  return { sentence: template.replace('{X}', phrase), at };
}

export function generateSpunSamples(
  paragraphs: readonly string[],
  count: number,
  lex: ArtifactLexicon,
  opts: { seed: number; types?: EntryType[]; sources?: readonly SubstituteSource[] },
): SpunSample[] {
  const rng = createRng(opts.seed);
  const types = opts.types ?? ['name', 'title', 'compound', 'collocation'];
  const sources = opts.sources ?? SUBSTITUTE_SOURCES;
  const entries = lex.entries.filter((e) => types.includes(e.type));
  const out: SpunSample[] = [];
  let attempts = 0;
  while (out.length < count && attempts < count * 50) {
    attempts++;
    const entry = rng.pick(entries);
    const source = sources[out.length % sources.length]!;
    const spun = spinEntry(entry, source, lex, rng);
    if (!spun) continue;
    const templates = TEMPLATES[entry.type === 'name' ? 'name' : 'lower'];
    const { sentence, at } = fill(rng.pick(templates), spun);
    let { text, offset } = insertSentence(rng, rng.pick(paragraphs), sentence);
    const gold: GoldSpan = { start: offset + at, end: offset + at + spun.length, entry: entry.phrase, type: entry.type, source, spun };
    const clean: SpunSample['clean'] = [];
    if (rng.next() < 1 / 3) {
      // The genuine expression, at the very end, so the gold offsets stay valid.
      const c = fill(rng.pick(templates), entry.phrase);
      const start = text.length + 1 + c.at;
      text = `${text} ${c.sentence}`;
      clean.push({ start, end: start + entry.phrase.length, entry: entry.phrase });
    }
    out.push({ text, gold: [gold], clean });
  }
  return out;
}
