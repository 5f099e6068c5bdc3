/**
 * Detector 2: cross-document name consistency. Documents that tell the same
 * story are grouped (shared near-duplicate clusters, or several shared
 * distinctive capitalised words); within a group, mentions of one surname
 * whose given names cannot name the same person (not a known short form,
 * transliteration variant or initial) yet look like a garbled spelling of it
 * (most letters shared) are flagged on the minority spelling, with the
 * majority spelling as suggestion and the document counts as evidence:
 * "Jalam Khalilzad" where four other documents write "Zalmay Khalilzad".
 *
 * Different people with one surname ("Joe Biden", "Hunter Biden") share few
 * letters in their given names and are left alone; so are names whose words
 * also occur lowercase in the corpus (see extractNameMentions).
 */
import { clampConfidence } from './detection.ts';
import { extractNameMentions, foldName, letterOverlap, type GivenNameEquivalence, type NameMention } from './names.ts';
import { scanNameTokens, startsUpper, type SpanToken } from './tokens.ts';

export interface NameDocInput {
  id: string;
  /** Texts of the kept blocks, in order. */
  blocks: string[];
  /** Near-duplicate cluster ids of the blocks (null when none). */
  clusters: (string | null)[];
}

export interface NameVariantFlag {
  doc: string;
  block: number;
  start: number;
  end: number;
  confidence: number;
  suggestion: string;
  evidence: string;
}

export interface NameVariantOptions {
  /** Distinctive words two documents must share to be one story (besides shared clusters). */
  minSharedWords: number;
  /** Minimum documents spelling the majority form. */
  minMajorityDocs: number;
  /** The majority must be this many times as frequent (in documents) as the flagged spelling. */
  majorityRatio: number;
  /** Minimum letter overlap (Dice of letter multisets) between the two given names. */
  minLetterOverlap: number;
}

export const DEFAULT_NAME_VARIANT_OPTIONS: NameVariantOptions = {
  minSharedWords: 3,
  minMajorityDocs: 2,
  majorityRatio: 2,
  minLetterOverlap: 0.6,
};

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]!]!;
      x = this.parent[x]!;
    }
    return x;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** /^\p{Lu}\p{Ll}{2,}/u, decided without the pattern when the first three characters are ASCII (runs for every capitalised token of the run). */
export function startsWithCapitalAndTwoLower(w: string): boolean {
  const c = w.charCodeAt(0);
  if (c < 128) {
    if (!(c >= 65 && c <= 90) || w.length < 3) return false;
    const a = w.charCodeAt(1);
    const b = w.charCodeAt(2);
    if (a < 128 && b < 128) return a >= 97 && a <= 122 && b >= 97 && b <= 122;
  }
  return /^\p{Lu}\p{Ll}{2,}/u.test(w);
}

const SENTENCE_OPENERS = new Set(['.', '!', '?', ':', '"', '“']);
const WHITESPACE = /\s/;

/** /[.!?:"“]\s?$/ on the two characters before `start`: the word opens a sentence or a quotation. */
function opensSentence(text: string, start: number): boolean {
  const last = text.charAt(start - 1);
  if (SENTENCE_OPENERS.has(last)) return true;
  return start >= 2 && WHITESPACE.test(last) && SENTENCE_OPENERS.has(text.charAt(start - 2));
}

/** Capitalised words that are not sentence-initial: candidate entity words of a document. */
function entityWords(text: string, tokens: SpanToken[], into: Set<string>): void {
  for (const t of tokens) {
    if (!startsUpper(t.text) || !startsWithCapitalAndTwoLower(t.text)) continue;
    if (t.start === 0 || opensSentence(text, t.start)) continue;
    // Without a possessive 's (a token never ends in an apostrophe).
    const w = t.text;
    const possessive = w.length > 2 && w.charCodeAt(w.length - 1) === 115 && (w[w.length - 2] === "'" || w[w.length - 2] === '’');
    into.add(possessive ? w.slice(0, -2) : w);
  }
}

/** What the name-variant pass keeps of one document (small: no text). */
export interface PreparedNameDoc {
  id: string;
  clusters: (string | null)[];
  /** Candidate mentions per block, before the common-word filter (which needs the whole run). */
  mentions: { block: number; mention: NameMention }[];
  entities: Set<string>;
}

/**
 * Extract what the pass needs from one document, and add its lowercase words to
 * `lowercase` (words seen lowercase anywhere in the run are common words, not
 * names). Mentions and entity words are made of capitalised tokens only, so
 * one scan (`scanNameTokens`) gives those tokens and the lowercase words without
 * tokenizing the document in full: a name run broken by a lowercase word or a
 * number is broken just the same by the text between two capitalised tokens.
 */
export function prepareNameDoc(doc: NameDocInput, lowercase: Set<string>): PreparedNameDoc {
  const prepared: PreparedNameDoc = { id: doc.id, clusters: doc.clusters, mentions: [], entities: new Set() };
  doc.blocks.forEach((text, block) => {
    const capitalised = scanNameTokens(text, lowercase);
    entityWords(text, capitalised, prepared.entities);
    for (const mention of extractNameMentions(text, () => false, capitalised)) prepared.mentions.push({ block, mention });
  });
  return prepared;
}

/** Group documents telling one story; returns the group index of each document. */
export function storyGroups(docs: Pick<PreparedNameDoc, 'clusters' | 'entities'>[], minSharedWords: number): number[] {
  const uf = new UnionFind(docs.length);
  const byCluster = new Map<string, number>();
  docs.forEach((d, i) => {
    for (const c of d.clusters) {
      if (!c) continue;
      const first = byCluster.get(c);
      if (first === undefined) byCluster.set(c, i);
      else uf.union(first, i);
    }
  });
  // Inverted index of entity words; very frequent words (country names in a big dump) do not link stories.
  const postings = new Map<string, number[]>();
  docs.forEach((d, i) => d.entities.forEach((w) => (postings.get(w) ?? postings.set(w, []).get(w)!).push(i)));
  const cap = Math.max(20, Math.ceil(docs.length * 0.02));
  const shared = new Map<number, number>();
  for (const list of postings.values()) {
    if (list.length < 2 || list.length > cap) continue;
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const key = list[a]! * docs.length + list[b]!;
        const n = (shared.get(key) ?? 0) + 1;
        shared.set(key, n);
        if (n === minSharedWords) uf.union(list[a]!, list[b]!);
      }
    }
  }
  return docs.map((_, i) => uf.find(i));
}

interface Located extends NameMention {
  doc: number;
  block: number;
}

export function detectNameVariants(docs: NameDocInput[], eq: GivenNameEquivalence, opts: NameVariantOptions = DEFAULT_NAME_VARIANT_OPTIONS): NameVariantFlag[] {
  const lowercase = new Set<string>();
  const prepared = docs.map((d) => prepareNameDoc(d, lowercase));
  return detectPreparedNameVariants(prepared, lowercase, eq, opts);
}

export function detectPreparedNameVariants(
  docs: PreparedNameDoc[],
  lowercase: ReadonlySet<string>,
  eq: GivenNameEquivalence,
  opts: NameVariantOptions = DEFAULT_NAME_VARIANT_OPTIONS,
): NameVariantFlag[] {
  const isCommon = (w: string) => lowercase.has(w);
  const groups = storyGroups(docs, opts.minSharedWords);
  // group → surname → mentions
  const bySurname = new Map<string, Located[]>();
  docs.forEach((d, di) => {
    for (const { block, mention: m } of d.mentions) {
      if (isCommon(foldName(m.given)) || isCommon(foldName(m.surname))) continue;
      const key = `${groups[di]}\u0000${foldName(m.surname)}`;
      (bySurname.get(key) ?? bySurname.set(key, []).get(key)!).push({ ...m, doc: di, block });
    }
  });
  const out: NameVariantFlag[] = [];
  for (const mentions of bySurname.values()) {
    // Spellings of the given name → documents using them.
    const spellings = new Map<string, { given: string; docs: Set<number> }>();
    for (const m of mentions) {
      const k = foldName(m.given);
      const s = spellings.get(k) ?? spellings.set(k, { given: m.given, docs: new Set() }).get(k)!;
      s.docs.add(m.doc);
    }
    if (spellings.size < 2) continue;
    const ranked = [...spellings.values()].sort((a, b) => b.docs.size - a.docs.size || a.given.localeCompare(b.given));
    const major = ranked[0]!;
    if (major.docs.size < opts.minMajorityDocs) continue;
    // Documents that use the majority spelling or an equivalent of it.
    const supporting = new Set<number>();
    for (const s of ranked) if (eq.sameName(s.given, major.given)) s.docs.forEach((d) => supporting.add(d));
    for (const s of ranked.slice(1)) {
      if (eq.sameName(s.given, major.given)) continue;
      if (supporting.size < opts.majorityRatio * s.docs.size) continue;
      if (letterOverlap(s.given, major.given) < opts.minLetterOverlap) continue;
      const others = [...supporting].filter((d) => !s.docs.has(d)).length;
      if (others < opts.minMajorityDocs) continue;
      const surname = mentions[0]!.surname;
      for (const m of mentions) {
        if (foldName(m.given) !== foldName(s.given)) continue;
        out.push({
          doc: docs[m.doc]!.id,
          block: m.block,
          start: m.start,
          end: m.end,
          confidence: clampConfidence(0.55 + 0.35 * (others / (others + s.docs.size))),
          suggestion: `${major.given} ${m.surname}`,
          evidence: `${others} other document${others === 1 ? '' : 's'} of this story spell it ${major.given} ${surname}; ${s.given} ${surname} appears in ${s.docs.size}`,
        });
      }
    }
  }
  return out;
}
