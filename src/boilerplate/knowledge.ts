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
import { firstChars, firstPairs, lengthBounds, literalSuffix, pairKey, requiredTexts } from './first-chars.ts';
import { CANNOT_FOLD, GATE_MIN_TEXT, TextGate } from './text-gate.ts';
import { LEXICAL_BUCKETS } from './lexical.ts';

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
  /** Characters a match can start with (null: any), see first-chars.ts. */
  first: Set<number> | null;
  /** The first two characters of a match of two or more (pairKey; null: any), see first-chars.ts. */
  pairs: Set<number> | null;
  /** Text every match ends with ('' when none is known), see first-chars.ts. */
  suffix: string;
  /** Fewest and most UTF-16 units a match can have (0 and Infinity when not known), see first-chars.ts. */
  minLength: number;
  maxLength: number;
}

export interface Knowledge {
  rules: PhraseRule[];
  languages: string[];
  /** One alternation per reason and case mode, in file order (the first that matches names the line). */
  combined: Array<{ reason: string; re: RegExp; caseSensitive: boolean; rules: PhraseRule[] }>;
  /**
   * The `combined` groups of each case mode and flags, in the order of their first groups;
   * matchPhrase keeps the first-match order across them (PhraseRun.order).
   */
  runs: PhraseRun[];
  /** Patterns found anywhere in a short line ("… All Rights Reserved. 87990cbe…"). */
  contains: PhraseRule[];
  /** Which contains-rules a line can match, by the gate's texts it holds. */
  containsGating: RuleGating;
  /**
   * The texts the contains-rules and the case-insensitive whole-line rules require
   * (first-chars.ts `requiredTexts`), in one gate read once per line (null: no rule requires
   * any). A rule can match only a line holding one of its texts: most lines hold none.
   */
  gate: TextGate | null;
  /** Shortest text a contains-rule can match: shorter lines are not tested (most dump lines are short). */
  containsMinLength: number;
  /** How a line holding none of the gate's texts must start to be tried at all. */
  hitless: HitlessStarts;
}

/**
 * How a line of two or more that holds none of the gate's texts (four lines in five) must start
 * for a rule to match it: as one of the rules no gate text stands for (the runs' ungated
 * patterns) can. Lower-cased for the case-insensitive runs, as written for the case-sensitive
 * ones; null: any start. Most such lines start otherwise and are done after the gate, without a
 * pass over the runs.
 */
export interface HitlessStarts {
  lower: StartSet | null;
  asWritten: StartSet | null;
}

/**
 * Starts of matches: their first two characters (pairKey), or for patterns whose second is not
 * known, their first. Those of ASCII characters also in tables (Set lookups cost ~1.5 % of the
 * text-dump pass, one or two per line).
 */
interface StartSet {
  pairs: Set<number>;
  firsts: Set<number>;
  /** 1 at a << 7 | b for each pair of ASCII units a, b in `pairs`. */
  asciiPairs: Uint8Array;
  /** 1 at a for each ASCII unit a in `firsts`. */
  asciiFirsts: Uint8Array;
}

/** The phrase groups of one case mode and flags. */
export interface PhraseRun {
  caseSensitive: boolean;
  groups: Knowledge['combined'];
  /** Index in `combined` of each of the groups (the first-match order, which runs interleave). */
  order: number[];
  /** The run's patterns in first-match order (its groups' rules, group after group). */
  patterns: PhraseRule[];
  /** Index in `groups` of each pattern's group. */
  groupOfPattern: Int32Array;
  /**
   * Which patterns a line can match: by the gate's texts it holds (the case-insensitive runs,
   * whose subject is the lower-cased line the gate reads), and by its first character.
   */
  gating: RuleGating;
}

/**
 * Which of a list of rules a line can match, by the gate's texts it holds: the rules that
 * require no text the gate knows (`ungated`) and, per gate text, the rules that require it
 * (`byText`, by TextGate id). Indexes into the list, ascending.
 */
export interface RuleGating {
  rules: readonly PhraseRule[];
  ungated: number[];
  byText: number[][];
  /** `ungated` narrowed to the rules that can start with an ASCII character, by its code (filled on first use). */
  ungatedByFirst: Array<number[] | undefined>;
  /** Per ASCII character, 1 for each rule that can start with it, 0 for the others (filled on first use). */
  startsWith: Array<Uint8Array | undefined>;
}

/**
 * Trailing punctuation and markers that do not change what a line is ("Leave a Reply:", "Required
 * fields are marked *"), and leading ones: by UTF-16 unit, bit 1 trailing, bit 2 leading.
 */
const TRAILING_NOISE = 1;
const LEADING_NOISE = 2;
const NOISE = (() => {
  const t = new Uint8Array(0x2040);
  for (const ch of ' \t\u00a0.:!?*…»›>|–—-') t[ch.charCodeAt(0)]! |= TRAILING_NOISE;
  for (const ch of ' \t\u00a0-–—•·*|>»›(') t[ch.charCodeAt(0)]! |= LEADING_NOISE;
  return t;
})();
const CURLY = /[\u2018\u2019\u201c\u201d]/g;
const SPACES = /\s{2,}|[\t\u00a0]/g;

/** Straight quotes, single spaces, no trailing punctuation. */
export function normalizeLine(line: string): string {
  let s = line;
  if (CURLY.test(s)) s = s.replace(CURLY, (c) => (c === '\u2018' || c === '\u2019' ? "'" : '"'));
  CURLY.lastIndex = 0;
  return stripNoise(s.replace(SPACES, ' ').trim());
}

/**
 * The last step of normalizeLine on a trimmed line, and all of it on a trimmed line without
 * curly quotes, tabs, no-break spaces or whitespace runs (MARK_RESHAPE clear): its
 * expressions would change nothing there, and this runs on nearly every short line.
 */
function stripNoise(s: string): string {
  const noise = NOISE;
  let end = s.length;
  for (let c = s.charCodeAt(end - 1); end > 0 && c < 0x2040 && (noise[c]! & TRAILING_NOISE) !== 0; c = s.charCodeAt(end - 1)) end--;
  // Leading bullets and dashes ("- Anzeige -", "» Weiterlesen") do not change what a line is either.
  let start = 0;
  for (let c = s.charCodeAt(0); start < end && c < 0x2040 && (noise[c]! & LEADING_NOISE) !== 0; c = s.charCodeAt(start)) start++;
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
        const [minLength, maxLength] = lengthBounds(source);
        rules.push({ reason, lang: data.lang, source, re, caseSensitive, first: firstChars(source), pairs: firstPairs(source), suffix: literalSuffix(source), minLength, maxLength });
      }
    }
    for (const [reason, patterns] of Object.entries(data.containsRules)) {
      for (const source of patterns) {
        try {
          const [minLength, maxLength] = lengthBounds(source);
          contains.push({ reason, lang: data.lang, source, re: new RegExp(source, /\\[pP]\{/.test(source) ? 'u' : ''), caseSensitive: false, first: null, pairs: null, suffix: '', minLength, maxLength });
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
  // The groups by subject: case-insensitive rules read the lower-cased line, case-sensitive ones the line as written.
  const runsByMode = new Map<string, { caseSensitive: boolean; groups: Knowledge['combined']; order: number[] }>();
  combined.forEach((group, at) => {
    const mode = `${group.caseSensitive}\u0000${group.re.flags}`;
    let run = runsByMode.get(mode);
    if (!run) runsByMode.set(mode, (run = { caseSensitive: group.caseSensitive, groups: [], order: [] }));
    run.groups.push(group);
    run.order.push(at);
  });
  // One gate for the texts of every rule it can serve: the contains-rules and the case-insensitive runs.
  const gatedLists = [contains, ...[...runsByMode.values()].filter((r) => !r.caseSensitive).map((r) => r.groups.flatMap((g) => g.rules))];
  const required = new Map<PhraseRule, string[] | null>(gatedLists.flat().map((r) => [r, requiredTexts(r.source, GATE_MIN_TEXT)]));
  const texts = [...required.values()].flatMap((t) => t ?? []);
  const gate = texts.length ? new TextGate(texts, stopWordPieceCommonness(languages)) : null;
  const runs: PhraseRun[] = [...runsByMode.values()].map((r) => {
    const patterns = r.groups.flatMap((g) => g.rules);
    return {
      caseSensitive: r.caseSensitive,
      groups: r.groups,
      order: r.order,
      patterns,
      groupOfPattern: Int32Array.from(r.groups.flatMap((g, gi) => g.rules.map(() => gi))),
      // Case-sensitive rules are not in `required`: all ungated, narrowed by first character only.
      gating: gatingOf(patterns, required, gate),
    };
  });
  const containsGating = gatingOf(contains, required, gate);
  const containsMinLength = contains.reduce((m, r) => Math.min(m, r.minLength), Infinity);
  return { rules, languages, combined, runs, contains, containsGating, gate, containsMinLength, hitless: hitlessStarts(runs, containsGating) };
}

function hitlessStarts(runs: readonly PhraseRun[], containsGating: RuleGating): HitlessStarts {
  // A contains-rule may match anywhere in the line: nothing to tell from its start.
  if (containsGating.ungated.length) return { lower: null, asWritten: null };
  const starts = (patterns: PhraseRule[]): StartSet | null => {
    const set: StartSet = { pairs: new Set(), firsts: new Set(), asciiPairs: new Uint8Array(128 * 128), asciiFirsts: new Uint8Array(128) };
    for (const p of patterns) {
      if (p.pairs !== null) for (const pair of p.pairs) set.pairs.add(pair);
      else if (p.first !== null) for (const c of p.first) set.firsts.add(c);
      else return null;
    }
    for (const pair of set.pairs) {
      const a = pair >>> 16;
      const b = pair & 0xffff;
      if (a < 128 && b < 128) set.asciiPairs[(a << 7) | b] = 1;
    }
    for (const c of set.firsts) if (c < 128) set.asciiFirsts[c] = 1;
    return set;
  };
  const ungated = (caseSensitive: boolean) => runs.filter((r) => r.caseSensitive === caseSensitive).flatMap((r) => r.gating.ungated.map((at) => r.patterns[at]!));
  return { lower: starts(ungated(false)), asWritten: starts(ungated(true)) };
}

/** Whether a start set holds a line starting with units a, b. */
function startsAs(set: StartSet, a: number, b: number): boolean {
  if (a < 128) {
    if (set.asciiFirsts[a] === 1) return true;
    if (b < 128) return set.asciiPairs[(a << 7) | b] === 1;
    return set.pairs.has(pairKey(a, b));
  }
  return set.pairs.has(pairKey(a, b)) || set.firsts.has(a);
}

/** Whether a line (its core, and the core lower-cased when that was needed) starts as HitlessStarts asks: two or more units. */
function mayStartHitless(h: HitlessStarts, core: string, lower: string | null): boolean {
  if (h.asWritten === null || startsAs(h.asWritten, core.charCodeAt(0), core.charCodeAt(1))) return true;
  if (h.lower === null) return true;
  if (lower !== null) return startsAs(h.lower, lower.charCodeAt(0), lower.charCodeAt(1));
  const a = LOWER_UNIT[core.charCodeAt(0)]!;
  const b = LOWER_UNIT[core.charCodeAt(1)]!;
  // 0: no one-unit lower case of its own; the runs lower-case the line to tell.
  return a === 0 || b === 0 || startsAs(h.lower, a, b);
}

/**
 * Which of `rules` a line can match, by the gate's texts it holds. A rule's required text that
 * the gate dropped for holding a shorter one is filed under that one (a line holding the
 * longer holds the shorter).
 */
function gatingOf(rules: readonly PhraseRule[], required: Map<PhraseRule, string[] | null>, gate: TextGate | null): RuleGating {
  const ungated: number[] = [];
  const byText: number[][] = (gate?.texts ?? []).map(() => []);
  rules.forEach((r, i) => {
    const texts = gate ? required.get(r) : null;
    if (!texts) {
      ungated.push(i);
      return;
    }
    for (const t of texts) {
      const id = gate!.texts.findIndex((u) => t.includes(u));
      if (id < 0) throw new Error(`text gate: no gate text for "${t}"`);
      if (!byText[id]!.includes(i)) byText[id]!.push(i);
    }
  });
  return { rules, ungated, byText, ungatedByFirst: [], startsWith: [] };
}

/**
 * How common a three-character piece is in text of the phrase files' languages, estimated from
 * their stop words (their most frequent words): a piece with a space (a word's end or start,
 * " to", "n d") is common in any line, and of the others a piece frequent inside stop words is
 * more common than one that is not ("der" against "wsl"); left ties go to pieces of rarer
 * letters. The gate files each text under its least common piece.
 */
function stopWordPieceCommonness(languages: readonly string[]): (piece: string) => number {
  const pieces = new Map<string, number>();
  const letters = new Map<string, number>();
  let letterTotal = 0;
  for (const lang of languages) {
    for (const w of STOPWORDS_ISO[lang] ?? []) {
      const word = w.toLowerCase();
      for (let i = 0; i + 3 <= word.length; i++) {
        const piece = word.slice(i, i + 3);
        pieces.set(piece, (pieces.get(piece) ?? 0) + 1);
      }
      for (const ch of word) letters.set(ch, (letters.get(ch) ?? 0) + 1);
      letterTotal += word.length;
    }
  }
  return (piece) => {
    if (/\s/.test(piece)) return 1e9;
    let letterShare = 0;
    for (const ch of piece) letterShare += (letters.get(ch) ?? 0) / Math.max(1, letterTotal);
    return (pieces.get(piece) ?? 0) + letterShare;
  };
}

let cached: Knowledge | null = null;
export function knowledge(): Knowledge {
  cached ??= loadKnowledge();
  return cached;
}

/** Longest line the phrase rules look at: widget lines are short, prose lines are not. */
export const MAX_RULE_LINE = 250;

/** The gate's answers for the line matchPhrase is on (TextGate.find); a full buffer reads as "any text". */
const gateHits = new Int32Array(64);
/** matchPhrase's gate answer when it is not known which texts the line holds: every rule is a candidate. */
const ANY_TEXT = -2;
/** Candidate rules of the line (indexes into a rule list), and per index the call that last took it (no repeats). */
let candidates = new Int32Array(64);
let takenIn = new Int32Array(0);
let gatherCall = 0;

/**
 * The reason of the first phrase rule matching the whole line, or null. `marks`: the line's
 * LineScan.marks when known, for a trimmed line (they spare normalizeLine's expressions and the
 * lower-casing where they would change nothing).
 *
 * The gate (Knowledge.gate) reads the line once, lower-casing as it reads, and names the rule
 * texts it holds; only the rules requiring one of them, and the few that require none, are
 * tried, each on its own, in first-match order. Most lines hold no rule text at all: then no
 * expression runs and the line is not even lower-cased.
 */
export function matchPhrase(line: string, k: Knowledge = knowledge(), marks = -1): PhraseRule | null {
  if (line.length > MAX_RULE_LINE) return null;
  const core = marks >= 0 && (marks & MARK_RESHAPE) === 0 ? stripNoise(line) : normalizeLine(line);
  if (!core) return null;
  const isLower = marks >= 0 && (marks & MARK_UPPER) === 0;
  let lower: string | null = isLower ? core : null;
  let hits = ANY_TEXT;
  if (k.gate !== null) {
    // Capitals, if any, only ASCII ones (most lines): the gate keys them without a fold table.
    hits = isLower ? k.gate.find(core, null, gateHits) : marks >= 0 && (marks & MARK_WIDE_UPPER) === 0 ? k.gate.findAsciiCase(core, LOWER_UNIT, gateHits) : k.gate.find(core, LOWER_UNIT, gateHits);
    if (hits === CANNOT_FOLD) {
      lower = core.toLowerCase();
      hits = k.gate.find(lower, null, gateHits);
    }
    if (hits === gateHits.length) hits = ANY_TEXT;
  }
  // No gate text: only the ungated rules can match, and the line does not start as any of them does.
  if (hits === 0 && core.length >= 2 && !mayStartHitless(k.hitless, core, lower)) return null;
  // Every unit has a one-unit lower case unless the line was lower-cased above: same length.
  const length = lower === null ? core.length : lower.length;
  if (length <= MAX_CONTAINS_LINE && length >= k.containsMinLength) {
    const n = gatherCandidates(k.containsGating, hits, -1);
    if (n > 0) {
      lower ??= core.toLowerCase();
      for (let c = 0; c < n; c++) {
        const r = k.contains[candidates[c]!]!;
        if (r.re.test(lower)) return r;
      }
    }
  }
  // A run reports the first of its patterns that matches; a run whose first group comes later in
  // `combined` than a hit already found cannot name the line, nor can any run after it.
  const runs = k.runs;
  let hit: PhraseRule | null = null;
  let hitOrder = Infinity;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r]!;
    if (run.order[0]! > hitOrder) break;
    let first: number;
    let subjectLength: number;
    if (run.caseSensitive) {
      first = core.charCodeAt(0);
      subjectLength = core.length;
    } else {
      // The lower-cased line's first unit, without lower-casing the line (0: lower-case it).
      first = lower === null ? LOWER_UNIT[core.charCodeAt(0)]! : lower.charCodeAt(0);
      if (first === 0) {
        lower = core.toLowerCase();
        first = lower.charCodeAt(0);
      }
      subjectLength = lower === null ? length : lower.length;
    }
    const n = gatherCandidates(run.gating, hits, first);
    for (let c = 0; c < n; c++) {
      const at = candidates[c]!;
      const p = run.patterns[at]!;
      if (subjectLength < p.minLength || subjectLength > p.maxLength) continue;
      const subject = run.caseSensitive ? core : (lower ??= core.toLowerCase());
      // (ASCII first units were checked in gatherCandidates.)
      if (p.first !== null ? first >= 128 && !p.first.has(first) : p.suffix !== '' && !subject.endsWith(p.suffix)) continue;
      if (!p.re.test(subject)) continue;
      // The first in first-match order: the run's answer.
      const order = run.order[run.groupOfPattern[at]!]!;
      if (order < hitOrder) {
        hit = p;
        hitOrder = order;
      }
      break;
    }
  }
  return hit;
}

/**
 * The rules of a gating's list that a line holding the gate's texts gateHits[0, hits) can
 * match, into `candidates` in ascending order; returns their number. hits ANY_TEXT: every rule.
 * `first`: the subject's first unit when known (-1 otherwise); rules that cannot start with an
 * ASCII one are left out here, from lists made once per character (others by the caller).
 */
function gatherCandidates(g: RuleGating, hits: number, first: number): number {
  const size = g.rules.length;
  const starts = first >= 0 && first < 128 ? (g.startsWith[first] ??= Uint8Array.from(g.rules, (r) => (r.first?.has(first) ?? true ? 1 : 0))) : null;
  if (hits === ANY_TEXT) {
    // Which texts the line holds is not known: every rule is a candidate.
    if (size > candidates.length) candidates = new Int32Array(size * 2);
    let n = 0;
    for (let at = 0; at < size; at++) if (starts === null || starts[at] === 1) candidates[n++] = at;
    return n;
  }
  const ungated = first >= 0 && first < 128 ? (g.ungatedByFirst[first] ??= ungatedStartingWith(g, first)) : g.ungated;
  let n = ungated.length;
  if (hits === 0) {
    if (n > candidates.length) candidates = new Int32Array(n * 2);
    for (let c = 0; c < n; c++) candidates[c] = ungated[c]!;
    return n;
  }
  if (takenIn.length < size) takenIn = new Int32Array(size * 2);
  // Call numbers stay unique while they fit the table's integers; then the table starts over.
  if (++gatherCall === 0x3fffffff) {
    takenIn.fill(0);
    gatherCall = 1;
  }
  const call = gatherCall;
  if (n + hits * 4 > candidates.length) candidates = new Int32Array((n + hits * 4) * 2);
  for (let c = 0; c < n; c++) {
    candidates[c] = ungated[c]!;
    takenIn[ungated[c]!] = call;
  }
  for (let h = 0; h < hits; h++) {
    const list = g.byText[gateHits[h]!]!;
    for (let j = 0; j < list.length; j++) {
      const at = list[j]!;
      if (takenIn[at] === call || (starts !== null && starts[at] === 0)) continue;
      takenIn[at] = call;
      if (n === candidates.length) {
        const grown = new Int32Array(n * 2);
        grown.set(candidates);
        candidates = grown;
      }
      // Insertion in order (a line holds a few rule texts: short lists).
      let k = n++;
      while (k > 0 && candidates[k - 1]! > at) {
        candidates[k] = candidates[k - 1]!;
        k--;
      }
      candidates[k] = at;
    }
  }
  return n;
}

/** The ungated rules that can start with `first`. */
function ungatedStartingWith(g: RuleGating, first: number): number[] {
  return g.ungated.filter((at) => g.rules[at]!.first?.has(first) ?? true);
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


/**
 * The language whose stop words cover most of `ws` (a whole document's words),
 * or null when none covers at least 10 % — then the text is in a language
 * without a list and densities are not meaningful.
 */
export function guessStopwordLanguage(blockWords: string[][]): string | null {
  return guessStopwordLanguageOfScans(blockWords.map(scanOfWords));
}

/**
 * Word separators, by UTF-16 code unit: whitespace, ASCII punctuation and digits, common
 * typographic marks — the class [\s\d!-&(-/:-@[-`{-~\u00a0-\u00bf\u2000-\u2018\u201a-\u206f\u3000-\u303f]
 * as a table (a hand-written scan allocates nothing but the words; this runs on every line).
 * The apostrophes ' and ’ are not separators: "don't" is one word.
 */
const SEPARATOR_LIMIT = 0x3040;
const IS_SEPARATOR = (() => {
  const t = new Uint8Array(SEPARATOR_LIMIT);
  const mark = (from: number, to = from) => t.fill(1, from, to + 1);
  for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f]) mark(c);
  mark(0x30, 0x39);
  mark(0x21, 0x26);
  mark(0x28, 0x2f);
  mark(0x3a, 0x40);
  mark(0x5b, 0x60);
  mark(0x7b, 0x7e);
  mark(0xa0, 0xbf);
  mark(0x2000, 0x2018);
  mark(0x201a, 0x206f);
  mark(0x3000, 0x303f);
  return t;
})();

export function isWordSeparator(code: number): boolean {
  return code < SEPARATOR_LIMIT ? IS_SEPARATOR[code] === 1 : code === 0xfeff;
}

/** Lower-cased words of a text: maximal runs of non-separator characters. */
export function words(text: string): string[] {
  const lower = text.toLowerCase();
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c < SEPARATOR_LIMIT ? IS_SEPARATOR[c] === 1 : c === 0xfeff) {
      if (start >= 0) {
        out.push(lower.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(start === 0 ? lower : lower.slice(start));
  return out;
}

// ---- stop words without word strings (the classifier's hot path) ---------------

/**
 * Every listed stop word in an open-addressing table keyed by an FNV-1a hash of its
 * characters, with the languages that list it as a 64-bit mask (two 32-bit halves):
 * a line's stop words are found while its characters are scanned, no word string is built.
 * A slot's hash, length and language mask sit side by side in one Int32Array (stride
 * SLOT_WIDTH), so a probe touches one cache line; the word itself is read only to confirm a
 * hit. (Separate arrays cost a cache miss each: about half of the scan's time.)
 */
const STOP_TABLE_SIZE = 1 << 16;
const STOP_MASK = STOP_TABLE_SIZE - 1;
const SLOT_WIDTH = 4;
/** Per slot: [FNV-1a hash, word length + 1 (0 = empty slot), languages 0–31, languages 32–63]. */
const stopTable = new Int32Array(STOP_TABLE_SIZE * SLOT_WIDTH);
const stopTableWord: Array<string | undefined> = new Array<string | undefined>(STOP_TABLE_SIZE);
// stopSlot spells STOP_MASK and SLOT_WIDTH as literals (0xffff, << 2): module constants cost a load per use in its loop.
if (STOP_MASK !== 0xffff || SLOT_WIDTH !== 4) throw new Error('stopSlot assumes a 65,536-slot table of stride 4');
if (STOP_LANGS.length > 64 || stopIndex.size > STOP_TABLE_SIZE / 2) throw new Error('stop-word table too small for the stopwords-iso lists');

function fnv(text: string, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

for (const [word, langs] of stopIndex) {
  const h = fnv(word, 0, word.length);
  let slot = h & STOP_MASK;
  while (stopTableWord[slot] !== undefined) slot = (slot + 1) & STOP_MASK;
  const at = slot * SLOT_WIDTH;
  stopTableWord[slot] = word;
  stopTable[at] = h;
  stopTable[at + 1] = word.length + 1;
  for (const li of langs) {
    if (li < 32) stopTable[at + 2]! |= 1 << li;
    else stopTable[at + 3]! |= 1 << (li - 32);
  }
}

/** Table slot of the stop word lower[from, to) (with `fold`, of its characters lower-cased by LOWER_UNIT), or -1. */
function stopSlot(lower: string, from: number, to: number, h: number, fold = false): number {
  const table = stopTable;
  const len = to - from;
  for (let slot = h & 0xffff; ; slot = (slot + 1) & 0xffff) {
    const at = slot << 2;
    const stored = table[at + 1]!;
    if (stored === 0) return -1;
    if (table[at] !== h || stored !== len + 1) continue;
    const w = stopTableWord[slot]!;
    let k = 0;
    if (fold) {
      const lowerUnit = LOWER_UNIT;
      while (k < len && w.charCodeAt(k) === lowerUnit[lower.charCodeAt(from + k)]) k++;
    } else while (k < len && w.charCodeAt(k) === lower.charCodeAt(from + k)) k++;
    if (k === len) return slot;
  }
}

/** Words of a text (as `words()` splits them) and where its stop words are. */
export interface WordScan {
  words: number;
  /**
   * Pairs [index of the word in the text, stop-table slot], one per stop word, at
   * stops[stopsFrom, stopsEnd): scanBlock writes them into a pool shared by the blocks of a
   * document (no array per line), the other scans into an array of their own.
   */
  stops: Int32Array;
  stopsFrom: number;
  stopsEnd: number;
}

/**
 * A line's word scan and the shape counts the classifier needs, from one pass over its
 * characters: whitespace-separated tokens that start with a letter (/(?:^|\s)(\S)/u, the
 * first character \p{L}), those that start with a capital (\p{Lu}), and whether a link may
 * be present ("://", "www." in any case, "@", "[").
 */
export interface LineScan extends WordScan {
  letterTokens: number;
  capitalTokens: number;
  mayLink: boolean;
  /**
   * The line's lexical terms (scanBlock only, -1 from scanLine): its words as the block model's
   * lexical features define them (src/boilerplate/lexical.ts), hashed in the same pass, at
   * termHashes()[terms, terms + termCount) until the next resetScanPools().
   */
  terms: number;
  termCount: number;
  /**
   * What the line rules' cheap gates ask (MARK_ bits), read in the same pass: a set bit
   * says the line may have the feature (or, for MARK_ASCII_ALNUM, surely has it), a clear one that
   * it surely has not. -1 when not known.
   */
  marks: number;
}

// Bits of LineScan.marks: plain constants, not an object of them (a property read in the line
// scan is an inline cache that needs type feedback; in a slow process the scan was de-optimised
// 37 times at such a read for want of it, docs/benchmarks.md).
/** An ASCII letter or digit (the line surely has a \p{L} or \p{N}). */
export const MARK_ASCII_ALNUM = 1;
/** A unit beyond ASCII (then whether it has a letter or digit is not known from MARK_ASCII_ALNUM alone). */
export const MARK_NON_ASCII = 2;
/** Something normalizeLine's expressions would change: a curly quote, a tab, a no-break space, two whitespace units in a row. */
export const MARK_RESHAPE = 4;
/** A breadcrumb or menu separator: » › > | / */
export const MARK_CRUMB = 8;
/** An ASCII digit (\d). */
export const MARK_DIGIT = 16;
/** A unit whose lower case is another unit (toLowerCase would change the line). */
export const MARK_UPPER = 32;
/** Such a unit beyond ASCII (clear: the line's only capitals are ASCII letters). */
export const MARK_WIDE_UPPER = 64;
/** An "@" or a "[" (an e-mail address, or "[email protected]", may be in the line). */
export const MARK_AT = 128;

/**
 * toLowerCase of each UTF-16 code unit whose lower case is one code unit and does not depend
 * on its neighbours; 0 where it may (U+0130 "İ" lower-cases to two units, U+03A3 "Σ" to "ς" or
 * "σ" by position, surrogate halves pair up, and NUL is 0 itself): a text holding any of these
 * is lower-cased as a whole instead. Lets the scan lower-case as it reads, without a copy.
 */
const LOWER_UNIT = (() => {
  const t = new Uint16Array(0x10000);
  for (let c = 1; c < 0x10000; c++) {
    if ((c >= 0xd800 && c <= 0xdfff) || c === 0x3a3) continue;
    const lower = String.fromCharCode(c).toLowerCase();
    if (lower.length === 1) t[c] = lower.charCodeAt(0);
  }
  return t;
})();

/**
 * The block model's lexical words (src/boilerplate/lexical.ts, the reference: hashWords and
 * isWordUnit there): per UTF-16 unit, 0 when it separates lexical words, else the unit hashed
 * for it (its lower case when that is one unit, else itself). Lexical words are runs of letters
 * (ASCII letters and units from U+00C0 outside punctuation, symbols and spaces), hashed by their
 * first TERM_MAX_UNITS units with FNV-1a, as the stop-word scan hashes its words. So for a word
 * that both definitions read the same (no apostrophe, ’, U+0080–U+009F, × or ÷ inside it, at most
 * TERM_MAX_UNITS units: most words) the scan's word hash is the term hash, at no cost per
 * character; another word's terms are hashed from its own units (hashTermsIn), and a line with a
 * unit that separates stop-scan words but not lexical ones (U+1680) gets a pass of its own
 * (hashTerms). Hashing the terms in the scan loop instead was measured slower than the separate
 * pass (the larger loop body). tests/boilerplate-fast-paths.test.ts checks every term against
 * lexical.ts on generated, seed and dev-set lines and every UTF-16 unit.
 */
const TERM_MAX_UNITS = 24;
const TERM_UNIT = (() => {
  const t = new Uint16Array(0x10000);
  for (let c = 1; c < 0x10000; c++) {
    const letter = c < 128 ? (c >= 97 && c <= 122) || (c >= 65 && c <= 90) : c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0x3000 && c <= 0x303f) && c !== 0xfeff;
    if (!letter) continue;
    const l = c >= 0xd800 && c <= 0xdfff ? '' : String.fromCharCode(c).toLowerCase();
    t[c] = l.length === 1 ? l.charCodeAt(0) : c;
  }
  return t;
})();

/** Lexical term hashes of the blocks scanned by scanBlock since the last resetScanPools (one document). */
let termPool: Int32Array = new Int32Array(1 << 14);
let termsUsed = 0;

/** Stop-word pairs of the blocks scanned by scanBlock since the last resetScanPools (WordScan.stops). */
let stopPool: Int32Array = new Int32Array(1 << 15);
let stopsUsed = 0;

/** A larger stop pool holding the first `used` entries; scans made before keep the old one, which stays valid. */
function growStopPool(used: number): Int32Array {
  const grown = new Int32Array(stopPool.length * 2);
  grown.set(stopPool.subarray(0, used));
  stopPool = grown;
  return grown;
}

/** Forgets the term hashes and stop words of the previous document (classifyBlocks calls it first). */
export function resetScanPools(): void {
  termsUsed = 0;
  stopsUsed = 0;
}

/** The term pool (read termHashes()[scan.terms …] right after scanning: it is replaced when it grows). */
export function termHashes(): Int32Array {
  return termPool;
}

/** Bucket of a term hash in a namespace (lexical.ts's bucketOf: the same mixing, the same seeds). */
function termBucket(hash: number, seed: number): number {
  let h = Math.imul(hash ^ seed, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & (LEXICAL_BUCKETS - 1);
}
const SEED_WORD = 0;
const SEED_FIRST = 0x5bd1e995;
const SEED_LAST = 0x27d4eb2f;

/**
 * The block model's lexical share of z for a scanned block (lexical.ts's lexicalDot on its text:
 * the same terms, added in the same order, so the same number), from the hashes in the term pool.
 */
export function termDot(scan: LineScan, weights: Float64Array): number {
  const count = scan.termCount;
  if (count <= 0) return 0;
  const pool = termPool;
  const from = scan.terms;
  let wordSum = 0;
  for (let k = 0; k < count; k++) wordSum += weights[termBucket(pool[from + k]!, SEED_WORD)]!;
  return wordSum / Math.sqrt(count) + weights[termBucket(pool[from]!, SEED_FIRST)]! + weights[termBucket(pool[from + count - 1]!, SEED_LAST)]!;
}

/**
 * termDot(scan, a) and termDot(scan, b) in one walk over the block's terms (each bucket found once),
 * written to out[0] and out[1]: the two passes of a two-pass block model. Same sums, same order.
 */
export function termDotPair(scan: LineScan, a: Float64Array, b: Float64Array, out: Float64Array): void {
  const count = scan.termCount;
  if (count <= 0) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  const pool = termPool;
  const from = scan.terms;
  let sumA = 0;
  let sumB = 0;
  for (let k = 0; k < count; k++) {
    const bucket = termBucket(pool[from + k]!, SEED_WORD);
    sumA += a[bucket]!;
    sumB += b[bucket]!;
  }
  const root = Math.sqrt(count);
  const first = termBucket(pool[from]!, SEED_FIRST);
  const last = termBucket(pool[from + count - 1]!, SEED_LAST);
  out[0] = sumA / root + a[first]! + a[last]!;
  out[1] = sumB / root + b[first]! + b[last]!;
}

/** Calls take(bucket, value) for each lexical term of a scanned block, as lexical.ts's forEachLexicalTerm does on its text (for tests). */
export function forEachScannedTerm(scan: LineScan, take: (bucket: number, value: number) => void): void {
  const count = scan.termCount;
  if (count <= 0) return;
  const value = 1 / Math.sqrt(count);
  for (let k = 0; k < count; k++) take(termBucket(termPool[scan.terms + k]!, SEED_WORD), value);
  take(termBucket(termPool[scan.terms]!, SEED_FIRST), 1);
  take(termBucket(termPool[scan.terms + count - 1]!, SEED_LAST), 1);
}

function pushTerm(h: number): void {
  if (termsUsed === termPool.length) {
    const grown = new Int32Array(termPool.length * 2);
    grown.set(termPool);
    termPool = grown;
  }
  termPool[termsUsed++] = h;
}

/** The lexical terms of a text in a pass of their own, into the pool; returns the index of the first. */
function hashTerms(text: string): number {
  return hashTermsIn(text, 0, text.length);
}

/** The lexical terms of text[start, end) into the pool (a range no term crosses the ends of); returns the index of the first. */
function hashTermsIn(text: string, start: number, end: number): number {
  const from = termsUsed;
  const termUnit = TERM_UNIT;
  let h = 0;
  let len = 0;
  for (let i = start; i <= end; i++) {
    const u = i < end ? termUnit[text.charCodeAt(i)]! : 0;
    if (u !== 0) {
      if (len === 0) h = 0x811c9dc5 | 0;
      if (len < TERM_MAX_UNITS) h = Math.imul(h ^ u, 0x01000193);
      len++;
    } else if (len !== 0) {
      pushTerm(h);
      len = 0;
    }
  }
  return from;
}

/** LOWER_UNIT's entry for one code unit (for tests): its lower case, or 0 when the whole text must be lower-cased. */
export function lowerCaseUnit(c: number): number {
  return LOWER_UNIT[c] ?? 0;
}

/** JavaScript's \s, by UTF-16 code unit (all its members are in the BMP). */
export function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 0xa0 && (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));
}

/**
 * Letter classes by code point: 0 = not a letter, 1 = letter (\p{L}), 2 = upper-case letter
 * (\p{Lu}). The BMP in a table filled on first use (3 + class, 0 = not looked up yet), astral
 * code points in a bounded map.
 */
const BMP_LETTER_CLASS = new Uint8Array(0x10000);
const astralLetterClass = new Map<number, number>();
const LETTER = /\p{L}/u;
const UPPER = /\p{Lu}/u;
function lookUpLetterClass(cp: number): number {
  const ch = String.fromCodePoint(cp);
  return LETTER.test(ch) ? (UPPER.test(ch) ? 2 : 1) : 0;
}
export function letterClass(cp: number): number {
  if (cp < 128) return cp >= 65 && cp <= 90 ? 2 : cp >= 97 && cp <= 122 ? 1 : 0;
  if (cp < 0x10000) {
    const v = BMP_LETTER_CLASS[cp]!;
    if (v) return v - 3;
    const found = lookUpLetterClass(cp);
    BMP_LETTER_CLASS[cp] = found + 3;
    return found;
  }
  let v = astralLetterClass.get(cp);
  if (v === undefined) {
    v = lookUpLetterClass(cp);
    if (astralLetterClass.size < 65536) astralLetterClass.set(cp, v);
  }
  return v;
}

/**
 * ASCII characters by what the line scan asks of them: word separator (IS_SEPARATOR),
 * whitespace (\s), letter, capital, may start a link ("@", "[", ".", ":"). A capital's
 * bit is 4, so `c + ((info & ASCII_UPPER) << 3)` is its lower case.
 */
const ASCII_SEPARATOR = 1;
const ASCII_SPACE = 2;
const ASCII_UPPER = 4;
const ASCII_LETTER = 8;
const ASCII_LINK_MARK = 16;
/** The rest only feed LineScan.marks (OR-ed over the line, then mapped in asciiMarks). */
const ASCII_DIGIT = 32;
const ASCII_CRUMB = 64;
const ASCII_TAB = 128;
/** A unit inside stop-scan words that separates lexical words (the apostrophe, control characters): see scanFolding. */
const ASCII_TERM_BREAK = 256;
const ASCII_AT = 512;
/**
 * A unit that continues a word with no other effect on the scan: not a separator, whitespace,
 * link mark or NUL (ASCII letters, the apostrophe, control characters). scanFolding reads runs
 * of them in a loop of its own.
 */
const ASCII_WORD = 1024;
const ASCII_INFO = (() => {
  const t = new Uint16Array(128);
  for (let c = 0; c < 128; c++) {
    if (IS_SEPARATOR[c] === 1) t[c]! |= ASCII_SEPARATOR;
    if (isSpaceCode(c)) t[c]! |= ASCII_SPACE;
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) t[c]! |= ASCII_LETTER;
    if (c >= 65 && c <= 90) t[c]! |= ASCII_UPPER;
    if (c >= 48 && c <= 57) t[c]! |= ASCII_DIGIT;
  }
  for (const ch of '@[.:') t[ch.charCodeAt(0)]! |= ASCII_LINK_MARK;
  for (const ch of '>|/') t[ch.charCodeAt(0)]! |= ASCII_CRUMB;
  for (const ch of '@[') t[ch.charCodeAt(0)]! |= ASCII_AT;
  t[9]! |= ASCII_TAB;
  for (let c = 0; c < 128; c++) if (IS_SEPARATOR[c] !== 1 && TERM_UNIT[c] === 0) t[c]! |= ASCII_TERM_BREAK;
  for (let c = 1; c < 128; c++) if ((t[c]! & (ASCII_SEPARATOR | ASCII_SPACE | ASCII_LINK_MARK)) === 0) t[c]! |= ASCII_WORD;
  return t;
})();

/** LineScan.marks from the OR of the ASCII_INFO entries of a line's ASCII units. */
function asciiMarks(acc: number): number {
  return (
    (acc & (ASCII_LETTER | ASCII_DIGIT) ? MARK_ASCII_ALNUM : 0) |
    (acc & ASCII_TAB ? MARK_RESHAPE : 0) |
    (acc & ASCII_CRUMB ? MARK_CRUMB : 0) |
    (acc & ASCII_DIGIT ? MARK_DIGIT : 0) |
    (acc & ASCII_UPPER ? MARK_UPPER : 0) |
    (acc & ASCII_AT ? MARK_AT : 0)
  );
}

/**
 * Stop words of one to three ASCII letters, by the letters themselves: index
 * SHORT_BASE[length] + Σ (letter − 'a')·26^k, entry = table slot + 1 (0: not a stop word).
 * About half of all words are this short, and most stop-word hits are: they are answered by
 * one read of a 36 KB array, exactly, without hashing, probing the 1 MB table or comparing.
 */
const SHORT_BASE = [0, 0, 26, 26 + 26 * 26];
const SHORT_STOP = new Uint16Array(26 + 26 * 26 + 26 * 26 * 26);
/** shortStop's answer for a word that is not one to three ASCII letters (findStop then hashes it). */
const NOT_SHORT = -2;
for (let slot = 0; slot < STOP_TABLE_SIZE; slot++) {
  const w = stopTableWord[slot];
  if (w === undefined || w.length > 3 || !/^[a-z]+$/.test(w)) continue;
  let idx = SHORT_BASE[w.length]!;
  for (let k = 0, mul = 1; k < w.length; k++, mul *= 26) idx += (w.charCodeAt(k) - 97) * mul;
  SHORT_STOP[idx] = slot + 1;
}

/**
 * Table slot of the stop word text[from, to) (1 to 3 units, any case), -1 when it is not one,
 * NOT_SHORT when a unit is not an ASCII letter. `c | 32` lower-cases an ASCII letter and is
 * in a–z for ASCII letters only.
 */
function shortStop(text: string, from: number, to: number): number {
  const table = SHORT_STOP;
  const a = text.charCodeAt(from) | 32;
  if (a < 97 || a > 122) return NOT_SHORT;
  let idx = a - 97;
  if (to - from >= 2) {
    const b = text.charCodeAt(from + 1) | 32;
    if (b < 97 || b > 122) return NOT_SHORT;
    idx += 26 + (b - 97) * 26;
    if (to - from === 3) {
      const c = text.charCodeAt(from + 2) | 32;
      if (c < 97 || c > 122) return NOT_SHORT;
      idx += 26 * 26 + (c - 97) * 676;
    }
  }
  return table[idx]! - 1;
}

/**
 * Stop-word pre-filter: one bit per value of a word hash's high 20 bits (the table slot comes
 * from the low 16), set for every listed word. 128 KB: with the ~19,000 listed words about 2 %
 * of its bits are set, so about 98 in 100 words that are not stop words are turned away
 * without touching the 1 MB table (whose probes miss the cache). An 8 KB filter on the high
 * 16 bits let a quarter of them through and cost more than it saved in misses.
 */
const STOP_FILTER_SHIFT = 12;
const STOP_FILTER = new Int32Array(2 ** (32 - STOP_FILTER_SHIFT) / 32);
// findStop spells the shift as a literal.
if (STOP_FILTER_SHIFT !== 12) throw new Error('findStop assumes a stop-word filter on the hash bits 12-31');
for (let slot = 0; slot < STOP_TABLE_SIZE; slot++) {
  if (stopTable[slot * SLOT_WIDTH + 1] === 0) continue;
  const high = stopTable[slot * SLOT_WIDTH]! >>> STOP_FILTER_SHIFT;
  STOP_FILTER[high >>> 5]! |= 1 << (high & 31);
}

/** The words of a text as `words()` counts them, with its stop words located, without building word strings. */
export function scanWords(text: string): WordScan {
  return scanLine(text);
}

/**
 * The words, stop words and shape counts of a line in one pass. The fast pass lower-cases
 * each character as it reads it (LOWER_UNIT); a line it cannot (İ, Σ, surrogate pairs) is
 * lower-cased as a whole for the words, and its shape counted separately.
 */
export function scanLine(text: string): LineScan {
  const termsFrom = termsUsed;
  const stopsFrom = stopsUsed;
  const sc = scan(text, false, emptyScan());
  // Not a block of the document being classified: its stop words move to an array of its own.
  const stops = sc.stops.slice(sc.stopsFrom, sc.stopsEnd);
  termsUsed = termsFrom;
  stopsUsed = stopsFrom;
  return { ...sc, stops, stopsFrom: 0, stopsEnd: stops.length };
}

/**
 * scanLine, and the line's lexical terms hashed into the term pool (LineScan.terms), written
 * into `out` (the classifier passes its per-block facts object: no scan object of its own).
 */
export function scanBlock<T extends LineScan>(text: string, out: T): T;
export function scanBlock(text: string): LineScan;
export function scanBlock(text: string, out: LineScan = emptyScan()): LineScan {
  return scan(text, true, out);
}

/** A LineScan to be written by a scan (its fields in the order the scans write them). */
function emptyScan(): LineScan {
  return { words: 0, stops: stopPool, stopsFrom: 0, stopsEnd: 0, letterTokens: 0, capitalTokens: 0, mayLink: false, terms: -1, termCount: 0, marks: -1 };
}

function scan<T extends LineScan>(text: string, terms: boolean, out: T): T {
  const from = termsUsed;
  if (scanFolding(text, true, terms, out)) return out;
  // The fast pass gave up part-way: drop the terms it took.
  termsUsed = from;
  // Folding off, the pass reads the lower-cased text as it is and cannot fail; its shape counts (of the lower-cased text) and marks are replaced below.
  scanFolding(text.toLowerCase(), false, false, out);
  const shape = lineShape(text);
  out.letterTokens = shape.letterTokens;
  out.capitalTokens = shape.capitalTokens;
  out.mayLink = shape.mayLink;
  // The terms from the text as written (TERM_UNIT folds case itself).
  const at = terms ? hashTerms(text) : -1;
  out.terms = at;
  out.termCount = terms ? termsUsed - at : 0;
  out.marks = -1;
  return out;
}

/** The shape counts of LineScan alone, per code point (the reference the fused pass is tested against). */
export function lineShape(text: string): Pick<LineScan, 'letterTokens' | 'capitalTokens' | 'mayLink'> {
  let letterTokens = 0;
  let capitalTokens = 0;
  let afterSpace = true;
  let mayLink = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 64 || c === 91 || (c === 46 && i > 0 && (text.charCodeAt(i - 1) | 32) === 119) || (c === 58 && text.charCodeAt(i + 1) === 47)) mayLink = true;
    if (isSpaceCode(c)) {
      afterSpace = true;
      continue;
    }
    if (!afterSpace) continue;
    afterSpace = false;
    const cls = letterClass(c >= 0xd800 && c <= 0xdbff ? text.codePointAt(i)! : c);
    if (cls) {
      letterTokens++;
      if (cls === 2) capitalTokens++;
    }
  }
  return { letterTokens, capitalTokens, mayLink };
}

/** Table slot of the stop word whose characters were hashed to `h`, or -1; `fold` lower-cases text[from, to) by LOWER_UNIT as it compares. */
function findStop(text: string, from: number, to: number, h: number, fold: boolean): number {
  if (to - from <= 3) {
    const slot = shortStop(text, from, to);
    if (slot !== NOT_SHORT) return slot;
  }
  // 12: STOP_FILTER_SHIFT as a literal (a module constant costs a load per use).
  const high = h >>> 12;
  if ((STOP_FILTER[high >>> 5]! & (1 << (high & 31))) === 0) return -1;
  return stopSlot(text, from, to, h, fold);
}

/**
 * The fused pass: words and stop words (of the lower-cased text) and the shape counts (as
 * lineShape), written into `out`. With `fold`, each character is lower-cased as it is read,
 * and the answer is false (`out` then partly written) when one has no one-unit lower case;
 * without, `text` is already lower-cased. ASCII characters are classified by one small
 * table; others by LOWER_UNIT, IS_SEPARATOR and the letter-class table.
 */
function scanFolding(text: string, fold: boolean, terms: boolean, out: LineScan): boolean {
  // Module-level tables read through locals: V8 re-reads a module binding on every use inside
  // a loop (measured: the separator test alone cost ~16 ns per character, ~5 through a local).
  const asciiInfo = ASCII_INFO;
  const isSeparator = IS_SEPARATOR;
  const lowerUnit = LOWER_UNIT;
  const bmpLetterClass = BMP_LETTER_CLASS;
  const termUnit = TERM_UNIT;
  const termsFrom = termsUsed;
  // Whether the stop-scan words and the lexical words split the line differently (see below),
  // and whether the current word holds a unit that splits lexical words (an apostrophe …).
  let termsDiffer = false;
  let wordBreaks = false;
  const markNonAscii = MARK_NON_ASCII;
  const markReshape = MARK_RESHAPE;
  const markCrumb = MARK_CRUMB;
  const markUpper = MARK_UPPER;
  const markWideUpper = MARK_WIDE_UPPER;
  // Stop-word pairs go to the pool through locals (module bindings cost a load per use in the loop).
  let stops = stopPool;
  let sp = stopsUsed;
  const stopsFrom = sp;
  let count = 0;
  let start = -1;
  let h = 0;
  let letterTokens = 0;
  let capitalTokens = 0;
  let afterSpace = true;
  let mayLink = false;
  // The OR of the ASCII units' table entries, and the marks of the other units (LineScan.marks).
  let asciiSeen = 0;
  let marks = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let lower: number;
    let separator: boolean;
    if (c < 128) {
      const a = asciiInfo[c]!;
      asciiSeen |= a;
      if (a & ASCII_LINK_MARK && (c === 64 || c === 91 || (c === 46 && i > 0 && (text.charCodeAt(i - 1) | 32) === 119) || (c === 58 && text.charCodeAt(i + 1) === 47))) mayLink = true;
      if (a & ASCII_SPACE) {
        // Whitespace after whitespace (afterSpace is true at i = 0 with nothing before).
        if (afterSpace && i > 0) marks |= markReshape;
        afterSpace = true;
      } else if (afterSpace) {
        afterSpace = false;
        if (a & ASCII_LETTER) {
          letterTokens++;
          if (a & ASCII_UPPER) capitalTokens++;
        }
      }
      if (c === 0 && fold) return false;
      lower = c + ((a & ASCII_UPPER) << 3);
      separator = (a & ASCII_SEPARATOR) !== 0;
    } else {
      lower = fold ? lowerUnit[c]! : c;
      // No one-unit lower case, or a surrogate half (whose letter class needs the pair): the slow path.
      if (lower === 0) return false;
      marks |= lower === c ? markNonAscii : markNonAscii | markUpper | markWideUpper;
      // Curly quotes, no-break space; » and ›.
      if ((c >= 0x2018 && c <= 0x201d && c !== 0x201a && c !== 0x201b) || c === 0xa0) marks |= markReshape;
      else if (c === 0xbb || c === 0x203a) marks |= markCrumb;
      if (isSpaceCode(c)) {
        if (afterSpace && i > 0) marks |= markReshape;
        afterSpace = true;
      } else if (afterSpace) {
        afterSpace = false;
        let v = bmpLetterClass[c]!;
        if (v === 0) {
          letterClass(c);
          v = bmpLetterClass[c]!;
        }
        if (v > 3) {
          letterTokens++;
          if (v === 5) capitalTokens++;
        }
      }
      separator = lower < 0x3040 ? isSeparator[lower] === 1 : lower === 0xfeff;
      // A unit the two word definitions split differently (U+0080–U+009F, ×, ÷, ’ …; U+1680).
      if (termUnit[c] === 0) {
        if (!separator) wordBreaks = true;
      } else if (separator) termsDiffer = true;
    }
    if (separator) {
      if (start >= 0) {
        const slot = findStop(text, start, i, h, fold);
        if (slot >= 0) {
          if (sp + 2 > stops.length) stops = growStopPool(sp);
          stops[sp] = count;
          stops[sp + 1] = slot;
          sp += 2;
        }
        count++;
        if (terms) {
          // A word holding an apostrophe (ASCII ones are seen in asciiSeen, the bit cleared per word) or
          // too long to be hashed whole: its lexical terms from its own units.
          if (wordBreaks || (asciiSeen & ASCII_TERM_BREAK) !== 0 || i - start > TERM_MAX_UNITS) {
            hashTermsIn(text, start, i);
            wordBreaks = false;
            asciiSeen &= ~ASCII_TERM_BREAK;
          } else pushTerm(h);
        }
        start = -1;
      }
    } else {
      if (start < 0) {
        start = i;
        h = 0x811c9dc5 | 0;
      }
      h = Math.imul(h ^ lower, 0x01000193);
      // The rest of the word's plain ASCII units (most of a line's units): all the general path
      // above would do with one is note its table entry and hash it (afterSpace is false now).
      while (i + 1 < n) {
        const w = text.charCodeAt(i + 1);
        if (w >= 128) break;
        const a = asciiInfo[w]!;
        if ((a & ASCII_WORD) === 0) break;
        asciiSeen |= a;
        h = Math.imul(h ^ (w + ((a & ASCII_UPPER) << 3)), 0x01000193);
        i++;
      }
    }
  }
  if (start >= 0) {
    const slot = findStop(text, start, n, h, fold);
    if (slot >= 0) {
      if (sp + 2 > stops.length) stops = growStopPool(sp);
      stops[sp] = count;
      stops[sp + 1] = slot;
      sp += 2;
    }
    count++;
    if (terms) {
      if (wordBreaks || (asciiSeen & ASCII_TERM_BREAK) !== 0 || n - start > TERM_MAX_UNITS) hashTermsIn(text, start, n);
      else pushTerm(h);
    }
  }
  if (terms && termsDiffer) {
    // The lexical words are not the stop-scan words here: hash them in a pass of their own.
    termsUsed = termsFrom;
    hashTerms(text);
  }
  stopsUsed = sp;
  out.words = count;
  out.stops = stops;
  out.stopsFrom = stopsFrom;
  out.stopsEnd = sp;
  out.letterTokens = letterTokens;
  out.capitalTokens = capitalTokens;
  out.mayLink = mayLink;
  out.terms = terms ? termsFrom : -1;
  out.termCount = terms ? termsUsed - termsFrom : 0;
  // Without folding the text may already be lower-cased: its marks would not be the line's.
  out.marks = fold ? marks | asciiMarks(asciiSeen) : -1;
  return true;
}

/** Adds 1 to counts[li] for every language li that lists the word in this slot. */
function countSlotLangs(slot: number, counts: Int32Array): void {
  addSlotLangs(slot, counts, 1);
}

/** Adds `times` to counts[li] for every language li that lists the word in this slot. */
function addSlotLangs(slot: number, counts: Int32Array, times: number): void {
  for (let half = 0; half < 2; half++) {
    let m = stopTable[slot * SLOT_WIDTH + 2 + half]!;
    while (m) {
      const low = m & -m;
      counts[31 - Math.clz32(low) + half * 32]! += times;
      m ^= low;
    }
  }
}

/** Per stop-word slot, how often the language guess sampled it in the current document (zero between calls). */
const slotSamples = new Int32Array(STOP_TABLE_SIZE);
/** The slots with a count in slotSamples, each once. */
let sampledSlots = new Int32Array(1024);

/** The scan of words already split (and lower-cased) by `words()`. */
function scanOfWords(ws: string[]): WordScan {
  const pairs: number[] = [];
  ws.forEach((w, i) => {
    const slot = stopSlot(w, 0, w.length, fnv(w, 0, w.length));
    if (slot >= 0) pairs.push(i, slot);
  });
  return { words: ws.length, stops: Int32Array.from(pairs), stopsFrom: 0, stopsEnd: pairs.length };
}

function slotHasLang(slot: number, li: number): boolean {
  const at = slot * SLOT_WIDTH;
  return li < 32 ? ((stopTable[at + 2]! >>> li) & 1) === 1 : ((stopTable[at + 3]! >>> (li - 32)) & 1) === 1;
}

const stopLangIndex = new Map(STOP_LANGS.map((l, i) => [l, i]));

/** guessStopwordLanguage over scanned blocks (same sampling, same answer). */
export function guessStopwordLanguageOfScans(scans: WordScan[]): string | null {
  let total = 0;
  for (const sc of scans) total += sc.words;
  if (total < 5) return null;
  const step = Math.max(1, Math.floor(total / 600));
  const counts = new Int32Array(STOP_LANGS.length);
  let offset = 0;
  // The stop words at document word positions that are multiples of `step`: `next` walks the multiples (no division per stop word).
  let next = 0;
  // Occurrences are counted per slot first and spread over the slot's languages once: a document repeats its few stop words.
  const samples = slotSamples;
  let slots = sampledSlots;
  let distinct = 0;
  for (const sc of scans) {
    const st = sc.stops;
    for (let j = sc.stopsFrom; j < sc.stopsEnd; j += 2) {
      const at = offset + st[j]!;
      while (next < at) next += step;
      if (next !== at) continue;
      const slot = st[j + 1]!;
      if (samples[slot]!++ === 0) {
        if (distinct === slots.length) {
          const grown = new Int32Array(2 * distinct);
          grown.set(slots);
          sampledSlots = slots = grown;
        }
        slots[distinct++] = slot;
      }
    }
    offset += sc.words;
  }
  for (let d = 0; d < distinct; d++) {
    const slot = slots[d]!;
    addSlotLangs(slot, counts, samples[slot]!);
    samples[slot] = 0;
  }
  const seen = Math.ceil(total / step);
  let best = -1;
  let bestCount = 0;
  counts.forEach((c, li) => {
    if (c > bestCount) [best, bestCount] = [li, c];
  });
  return best >= 0 && bestCount >= 0.1 * seen ? STOP_LANGS[best]! : null;
}

/** stopwordDensity of a scanned text (same answer as on its `words()`). */
export function stopwordDensityOfScan(sc: WordScan, lang?: string | null): number | null {
  if (lang === null) return null;
  if (!sc.words) return 0;
  const st = sc.stops;
  const end = sc.stopsEnd;
  if (lang) {
    const li = stopLangIndex.get(lang);
    if (li !== undefined) {
      let n = 0;
      for (let j = sc.stopsFrom + 1; j < end; j += 2) if (slotHasLang(st[j]!, li)) n++;
      return n / sc.words;
    }
  }
  let best = 0;
  if (end > sc.stopsFrom) {
    const counts = new Int32Array(STOP_LANGS.length);
    for (let j = sc.stopsFrom + 1; j < end; j += 2) countSlotLangs(st[j]!, counts);
    for (const c of counts) if (c > best) best = c;
  }
  if (!best && !lang) return 0;
  return best ? best / sc.words : null;
}

/**
 * Share of words that are stop words: of `lang` when given and listed,
 * otherwise (undefined or unlisted) of whichever listed language scores
 * highest. Returns null when `lang` is null (known to have no list) or no
 * list covers any word.
 */
export function stopwordDensity(ws: string[], lang?: string | null): number | null {
  return stopwordDensityOfScan(scanOfWords(ws), lang);
}
