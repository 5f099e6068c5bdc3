/**
 * Generator of machine-translation debris with gold spans, for the benchmark
 * and tests: each sample is one clean paragraph with one injected defect of a
 * known kind, made the way MT output shows it (a closing quote lost and the
 * next word glued on, a lost quote plus a missing space, a full stop inside a
 * clause, quotes of the wrong direction, a possessive turned plural). The
 * patterns are the detectors' own targets, so this measures coverage of the
 * contexts real paragraphs give, not discovery of new debris types.
 */
import { createRng, type Rng } from '../../gen/random.ts';

export type MtKind = 'glued-quote' | 'missing-space' | 'sentence-break' | 'garbled-quotes' | 'lost-apostrophe';
export const MT_KINDS_GENERATED: readonly MtKind[] = ['glued-quote', 'missing-space', 'sentence-break', 'garbled-quotes', 'lost-apostrophe'];

export interface MtSample {
  text: string;
  kind: MtKind;
  start: number;
  end: number;
}

const SURNAMES = ['Halvorsen', 'Marquez', 'Okonjo', 'Brandt', 'Tavares', 'Lindqvist', 'Moreau', 'Castellano', 'Novak', 'Pereira'];

function glue(rng: Rng, text: string): MtSample | null {
  const spots = [...text.matchAll(/(?<= )(\p{Ll}{3,}) (of|the|and|in|to|for|with|on) (?=\p{L})/gu)];
  if (spots.length === 0) return null;
  const m = rng.pick(spots);
  const before = text.slice(0, m.index);
  const lastSpace = before.trimEnd().lastIndexOf(' ');
  const quoteAt = lastSpace < 0 ? 0 : lastSpace + 1;
  const glued = m[1]! + m[2]![0]!.toUpperCase() + m[2]!.slice(1);
  const out = `${text.slice(0, quoteAt)}“${text.slice(quoteAt, m.index)}${glued} ${text.slice(m.index + m[0].length)}`;
  const start = quoteAt + 1 + (m.index - quoteAt);
  return { text: out, kind: 'glued-quote', start, end: start + glued.length };
}

function missingSpace(rng: Rng, text: string): MtSample | null {
  const spots = [...text.matchAll(/ (\p{Ll}{2,} \p{Ll}{2,})\. (?=\p{Lu}\p{L}+)/gu)];
  if (spots.length === 0) return null;
  const m = rng.pick(spots);
  const lastWordStart = m.index + 1 + m[1]!.lastIndexOf(' ') + 1;
  const out = `${text.slice(0, m.index)} “${m[1]}.${text.slice(m.index + m[0].length)}`;
  const start = lastWordStart + 1;
  const rest = out.slice(start);
  const end = start + (/^\p{L}+\.\p{L}+/u.exec(rest)?.[0].length ?? 0);
  return { text: out, kind: 'missing-space', start, end };
}

function sentenceBreak(rng: Rng, text: string): MtSample | null {
  const spots = [...text.matchAll(/(?<= )(the|a|its|their|this) (\p{Ll}{4,}) (\p{Ll}{3,})(?= )/gu)];
  if (spots.length === 0) return null;
  const m = rng.pick(spots);
  const at = m.index + m[1]!.length + 1 + m[2]!.length;
  const out = `${text.slice(0, at)}.${text.slice(at)}`;
  const start = m.index + m[1]!.length + 1;
  return { text: out, kind: 'sentence-break', start, end: at + 2 + m[3]!.length };
}

function garbledQuotes(rng: Rng, text: string): MtSample | null {
  const word = rng.pick(['planned', 'expected', 'agreed', 'necessary', 'possible']);
  const sentence = `“The talks went as ${word}“, an official said.`;
  const out = `${text} ${sentence}`;
  const start = text.length + 1 + sentence.indexOf(word);
  return { text: out, kind: 'garbled-quotes', start, end: start + word.length + 1 };
}

function lostApostrophe(rng: Rng, text: string): MtSample | null {
  const name = rng.pick(SURNAMES);
  const prefix = `${name} spoke to reporters on Monday. Officials said ${name} had been briefed. `;
  const wrong = `${name}s`;
  const tail = ` announcement surprised many observers.`;
  const out = `${prefix}${wrong}${tail} ${text}`;
  return { text: out, kind: 'lost-apostrophe', start: prefix.length, end: prefix.length + wrong.length };
}

const MAKERS: Record<MtKind, (rng: Rng, text: string) => MtSample | null> = {
  'glued-quote': glue,
  'missing-space': missingSpace,
  'sentence-break': sentenceBreak,
  'garbled-quotes': garbledQuotes,
  'lost-apostrophe': lostApostrophe,
};

export function generateMtSamples(paragraphs: readonly string[], perKind: number, seed: number): MtSample[] {
  const rng = createRng(seed);
  const out: MtSample[] = [];
  for (const kind of MT_KINDS_GENERATED) {
    let made = 0;
    for (let tries = 0; made < perKind && tries < perKind * 30; tries++) {
      // Paragraphs that already contain quotes would make the gold ambiguous for quote kinds.
      const p = rng.pick(paragraphs);
      if (/[“”"«»]/.test(p)) continue;
      const s = MAKERS[kind](rng, p);
      if (s && s.end > s.start) {
        out.push(s);
        made++;
      }
    }
  }
  return out;
}
