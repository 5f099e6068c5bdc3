/**
 * Detector 1 (and the gazetteer half of detector 3): n-grams that equal a
 * gazetteer entry after one or more of its words were replaced by a synonym —
 * "Wall Avenue Journal" (street → avenue), "Point out Section" (state → point
 * out, department → section), "electricity-sharing" (power → electricity).
 *
 * Kinds: `spun-expression` for names, titles and compounds;
 * `collocation-anomaly` for collocations (lower confidence: a collocation
 * has legitimate paraphrases, a name has none).
 *
 * Guards against false alarms on clean text:
 * - only substitutions count: a text equal to the entry, to another entry or
 *   to a listed legitimate variant is never flagged;
 * - names must look like names: every content word capitalised, and the match
 *   must not be part of a longer proper name (a capitalised word right before
 *   or after it), so "State Office of Rural Health" is not "State Department";
 * - collocations only count spinner-table substitutions, not WordNet ones
 *   ("peace negotiations" is a legitimate way to say "peace talks");
 * - words of a match are separated by spaces or one hyphen only (never across
 *   a sentence or clause boundary).
 */
import { clampConfidence, type Detection } from './detection.ts';
import { FUNCTION_WORDS, isRareSubstitute, wordFrequency, type ArtifactLexicon, type GazetteerEntry, type Substitute } from './lexicon.ts';
import { isCapitalized, TokenScan, wordHash, type Token } from './tokens.ts';

interface Substitution {
  entryWord: string;
  textWords: string;
  source: Substitute['source'];
}

interface EntryMatch {
  entry: GazetteerEntry;
  firstToken: number;
  lastToken: number;
  substitutions: Substitution[];
  /** Whether the first text word of each entry word is capitalised (for names). */
  unitCapitalized: boolean[];
}

const BASE_CONFIDENCE: Record<GazetteerEntry['type'], { spinner: number; wordnet: number }> = {
  name: { spinner: 0.85, wordnet: 0.75 },
  title: { spinner: 0.75, wordnet: 0.6 },
  compound: { spinner: 0.75, wordnet: 0.6 },
  collocation: { spinner: 0.6, wordnet: 0 },
};

/**
 * First word → second word → entries that can start with those two words (as
 * written or substituted), and the same keys as bit sets of word hashes
 * (`wordHash`), so that the scan looks up the maps only where both bits are
 * set (55,000 of the 2.8 million tokens of the bench:io dump, 46,000 of them
 * real expression starts) instead of at every token.
 */
interface StartIndex {
  byWords: Map<string, Map<string, GazetteerEntry[]>>;
  firstBits: Uint32Array;
  pairBits: Uint32Array;
}
const indexes = new WeakMap<ArtifactLexicon, StartIndex>();

/** Bits per set: the shipped index has 1,700 first words and 28,000 pairs; 2^21 bits keeps false hits rare. */
const BIT_SET_BITS = 1 << 21;
const pairHash = (first: number, second: number): number => {
  const x = Math.imul(first, 0x9e3779b1) ^ second;
  return (x ^ (x >>> 16)) & (BIT_SET_BITS - 1);
};
const setBit = (bits: Uint32Array, h: number) => {
  const b = h & (BIT_SET_BITS - 1);
  bits[b >>> 5]! |= 1 << (b & 31);
};
const hasBit = (bits: Uint32Array, h: number): boolean => {
  const b = h & (BIT_SET_BITS - 1);
  return (bits[b >>> 5]! & (1 << (b & 31))) !== 0;
};
/** Per entry and word position: first word of a substitute → the substitutes starting with it. */
const alternatives = new WeakMap<GazetteerEntry, Map<string, Substitute[]>[]>();

function entryAlternatives(lex: ArtifactLexicon, entry: GazetteerEntry): Map<string, Substitute[]>[] {
  let alts = alternatives.get(entry);
  if (alts) return alts;
  alts = entry.words.map((w) => {
    const byFirst = new Map<string, Substitute[]>();
    for (const s of lex.substitutes(w)) {
      // Collocations are paraphrased legitimately with true synonyms: only spinner swaps count (see file comment).
      if (entry.type === 'collocation' && s.source !== 'spinner') continue;
      const list = byFirst.get(s.words[0]!);
      if (list) list.push(s);
      else byFirst.set(s.words[0]!, [s]);
    }
    return byFirst;
  });
  alternatives.set(entry, alts);
  return alts;
}

function startIndex(lex: ArtifactLexicon): StartIndex {
  const cached = indexes.get(lex);
  if (cached) return cached;
  const idx = new Map<string, Map<string, GazetteerEntry[]>>();
  const add = (first: string, second: string, e: GazetteerEntry) => {
    const bySecond = idx.get(first) ?? idx.set(first, new Map()).get(first)!;
    const list = bySecond.get(second);
    if (!list) bySecond.set(second, [e]);
    else if (!list.includes(e)) list.push(e);
  };
  for (const e of lex.entries) {
    const alts = entryAlternatives(lex, e);
    // What may follow a one-word first unit: the entry's second word as written or substituted.
    const seconds = [e.words[1]!, ...alts[1]!.keys()];
    for (const second of seconds) add(e.words[0]!, second, e);
    for (const list of alts[0]!.values()) {
      for (const sub of list) {
        if (sub.words.length > 1) add(sub.words[0]!, sub.words[1]!, e);
        else for (const second of seconds) add(sub.words[0]!, second, e);
      }
    }
  }
  const firstBits = new Uint32Array(BIT_SET_BITS / 32);
  const pairBits = new Uint32Array(BIT_SET_BITS / 32);
  for (const [first, bySecond] of idx) {
    const h = wordHash(first);
    setBit(firstBits, h);
    for (const second of bySecond.keys()) setBit(pairBits, pairHash(h, wordHash(second)));
  }
  const built: StartIndex = { byWords: idx, firstBits, pairBits };
  indexes.set(lex, built);
  return built;
}

/** Text between two tokens of one match: spaces, or a single hyphen (compounds). */
function joinable(text: string, a: Token, b: Token): boolean {
  const gap = text.slice(a.end, b.start);
  return /^ {1,2}$/.test(gap) || gap === '-' || gap === '‑';
}

interface MatchState {
  lex: ArtifactLexicon;
  text: string;
  tokens: TokenScan;
  first: number;
  entry: GazetteerEntry;
  alts: Map<string, Substitute[]>[];
  subs: Substitution[];
  caps: boolean[];
}

/** Depth-first match of entry word `j` at token `k`; returns the last token index or -1. A plain function (no closure): it runs for every candidate. */
function matchFrom(st: MatchState, j: number, k: number): number {
  const { entry, tokens, text } = st;
  if (j === entry.words.length) return k - 1;
  const tok = tokens.token(k);
  if (!tok) return -1;
  if (k > st.first && !joinable(text, tokens.token(k - 1)!, tok)) return -1;
  const w = entry.words[j]!;
  if (tok.lower === w) {
    st.caps.push(isCapitalized(tok.text));
    const r = matchFrom(st, j + 1, k + 1);
    if (r >= 0) return r;
    st.caps.pop();
  }
  const candidates = st.alts[j]!.get(tok.lower);
  if (!candidates) return -1;
  for (const s of candidates) {
    const n = s.words.length;
    if (k + n > tokens.count) continue;
    let ok = true;
    for (let m = 1; m < n && ok; m++) {
      const t = tokens.token(k + m)!;
      ok = t.lower === s.words[m] && joinable(text, tokens.token(k + m - 1)!, t);
    }
    if (!ok) continue;
    st.subs.push({ entryWord: w, textWords: tokenRange(tokens, k, k + n).map((t) => t.text).join(' '), source: s.source });
    st.caps.push(isCapitalized(tok.text));
    const r = matchFrom(st, j + 1, k + n);
    if (r >= 0) return r;
    st.subs.pop();
    st.caps.pop();
  }
  return -1;
}

/** Tokens [from, to) of a scan (`to` within the scan). */
function tokenRange(tokens: TokenScan, from: number, to: number): Token[] {
  const out: Token[] = [];
  for (let k = from; k < to; k++) out.push(tokens.token(k)!);
  return out;
}

function matchAt(lex: ArtifactLexicon, text: string, tokens: TokenScan, i: number, entry: GazetteerEntry): EntryMatch | null {
  const st: MatchState = { lex, text, tokens, first: i, entry, alts: entryAlternatives(lex, entry), subs: [], caps: [] };
  const last = matchFrom(st, 0, i);
  if (last < 0 || st.subs.length === 0) return null;
  return { entry, firstToken: i, lastToken: last, substitutions: st.subs, unitCapitalized: st.caps };
}

function entryIsCapitalized(entry: GazetteerEntry, j: number): boolean {
  const words = entry.phrase.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*|&/gu) ?? [];
  return isCapitalized(words[j] ?? '');
}

/**
 * A common expression rephrased with true (WordNet) synonyms only: flagged only
 * with evidence that the writer meant the expression — the same document or
 * other documents of the run write it as such (see `pending`).
 */
export const NEEDS_EVIDENCE = 'only true synonyms in a common expression';

/** A WordNet substitute that is not a lemma of the replaced word's most frequent sense (see ArtifactLexicon.isDominantSense). */
function isMinorSense(lex: ArtifactLexicon, s: Substitution): boolean {
  if (s.source !== 'wordnet') return false;
  const sub = s.textWords.toLowerCase();
  // Either direction: "judge" for "justice" is the dominant sense of judge, and chief justice uses that sense.
  return !lex.isDominantSense(s.entryWord, sub) && !lex.isDominantSense(sub, s.entryWord);
}

/**
 * A spinner replaces words and keeps the punctuation, so a hyphenated entry
 * ("high-ranking") is only matched by hyphenated text ("high-superior"), not by
 * two free words ("a high rate of speed"). Entries also listed unhyphenated
 * ("power sharing") match both ways through that entry.
 */
function hyphenDropped(entry: GazetteerEntry, matched: Token[], text: string): boolean {
  if (!entry.phrase.includes('-')) return false;
  const hyphens = (entry.phrase.match(/-/g) ?? []).length;
  let found = 0;
  for (let k = 1; k < matched.length; k++) if (/[-‑]/.test(text.slice(matched[k - 1]!.end, matched[k]!.start))) found++;
  return found < hyphens;
}

/** Reasons to drop a match, or null to keep it. */
function rejection(m: EntryMatch, lex: ArtifactLexicon, tokens: TokenScan, text: string): string | null {
  const { entry } = m;
  const matched = tokenRange(tokens, m.firstToken, m.lastToken + 1);
  const key = matched.map((t) => t.lower).join(' ');
  if (lex.knownPhrases.has(key)) return 'the text is itself a known expression';
  if (lex.variants.get(entry.words.join(' '))?.has(key)) return 'listed variant';
  if (m.substitutions.every((s) => FUNCTION_WORDS.has(s.entryWord))) return 'only function words differ';
  // A spinner swap, or a WordNet synonym far rarer than the word it replaced, reads as spun;
  // a common WordNet synonym is usually a writer's choice ("humanitarian assistance").
  const strong = (s: Substitution) => s.source === 'spinner' || isRareSubstitute(s.entryWord, s.textWords.toLowerCase());
  // In titles and compounds that keep one of their words, a WordNet synonym from another sense than
  // the replaced word's dominant one ("death bell" for death toll) is the spinner's sense-blindness.
  // Not in names ("National Bureau" is another name, not a spun "Home Office") and not when every word
  // was replaced: with no anchor word left, a minor sense is just another phrase ("extra power").
  const content = entry.words.filter((w) => !FUNCTION_WORDS.has(w)).length;
  const allReplaced = m.substitutions.length >= content;
  const senseBlind = (s: Substitution) => entry.type !== 'name' && !allReplaced && isMinorSense(lex, s);
  if (entry.type === 'name') {
    // Every word of a name replaced by common synonyms ("National Bureau" for "Home Office") is another name.
    if (allReplaced && !m.substitutions.some(strong)) return 'every word of the name replaced by a true synonym';
  } else if (allReplaced && m.substitutions.some(strong) && !m.substitutions.every(strong)) {
    return 'a common expression fully rephrased with true synonyms';
  }
  if (hyphenDropped(entry, matched, text)) return 'the expression is hyphenated, the text is not';
  if (entry.type === 'name') {
    for (let j = 0; j < entry.words.length; j++) {
      if (entryIsCapitalized(entry, j) && !m.unitCapitalized[j]) return 'not capitalised like a name';
    }
    const before = tokens.token(m.firstToken - 1);
    const after = tokens.token(m.lastToken + 1);
    const sentenceInitial = (t: Token) => /[.!?:;"“”«»()\[\]]\s*$/.test(text.slice(0, t.start)) || t.start === 0;
    if (before && isCapitalized(before.text) && before.lower !== 'the' && joinable(text, before, matched[0]!) && !sentenceInitial(before)) {
      return 'part of a longer proper name';
    }
    if (after && isCapitalized(after.text) && joinable(text, matched[matched.length - 1]!, after)) return 'part of a longer proper name';
    // "National Bureau of Economic Research": the name goes on after a connector.
    const after2 = tokens.token(m.lastToken + 2);
    if (after && after2 && ['of', 'for', '&'].includes(after.lower) && isCapitalized(after2.text) && !/[.!?;:,]/.test(text.slice(matched[matched.length - 1]!.end, after2.start))) {
      return 'part of a longer proper name';
    }
  } else {
    // Lowercase expressions written in Title Case mid-sentence are someone's proper name.
    const allCaps = matched.every((t) => isCapitalized(t.text) || FUNCTION_WORDS.has(t.lower));
    const first = matched[0]!;
    const sentenceStart = first.start === 0 || /[.!?:"“]\s*$/.test(text.slice(0, first.start));
    if (allCaps && matched.length > 1 && !sentenceStart) return 'a proper name, not the expression';
    if (!m.substitutions.some((s) => strong(s) || senseBlind(s))) return NEEDS_EVIDENCE;
  }
  return null;
}

export interface SpunExpressionOptions {
  /** Text of the whole document: finding the entry itself elsewhere raises confidence. */
  documentText?: string;
  /**
   * Receives matches that need corpus evidence (NEEDS_EVIDENCE) and have none in
   * the document; the corpus stage flags them when other documents write the entry.
   */
  pending?: PendingMatch[];
  /**
   * Receives the text (lowercased words joined by spaces, at most GRAM_WORDS
   * words) from every position where an expression or a spun form of one may
   * start. The corpus stage counts in how many documents an expression is
   * written from these, instead of tokenizing every document again.
   */
  grams?: string[];
}

/** Longest word sequence kept per possible expression start (entries are at most 6 words; substitutes add a few). */
export const GRAM_WORDS = 12;

export interface PendingMatch extends Detection {
  /** The gazetteer entry, lowercased words joined by spaces. */
  entryKey: string;
  /** The matched text (checked again before flagging: an auto-fix may have moved it). */
  text: string;
}

function longer(a: EntryMatch, b: EntryMatch): boolean {
  return a.lastToken > b.lastToken || (a.lastToken === b.lastToken && a.entry.words.length > b.entry.words.length);
}

/**
 * The last text lowercased and its lowercase form: the blocks of one document
 * pass the same document text, and lowercasing it for every block with a match
 * was quadratic in the document's length. Only when a match needs it.
 */
let lastLowercased = { text: '', lower: '' };
function lowercased(text: string): string {
  if (lastLowercased.text !== text) lastLowercased = { text, lower: text.toLowerCase() };
  return lastLowercased.lower;
}

/** Reused by every call (the detector is not reentrant): typed arrays grow to the longest paragraph once. */
const scan = new TokenScan();

export function detectSpunExpressions(text: string, lex: ArtifactLexicon, opts: SpunExpressionOptions = {}): Detection[] {
  const { byWords, firstBits, pairBits } = startIndex(lex);
  const tokens = scan.scan(text);
  const { hashes, count } = tokens;
  const out: Detection[] = [];
  for (let i = 0; i + 1 < count; i++) {
    const h = hashes[i]!;
    if (!hasBit(firstBits, h) || !hasBit(pairBits, pairHash(h, hashes[i + 1]!))) continue;
    const candidates = byWords.get(tokens.token(i)!.lower)?.get(tokens.token(i + 1)!.lower);
    if (!candidates) continue;
    if (opts.grams) {
      let gram = tokens.token(i)!.lower;
      for (let k = i + 1; k < i + GRAM_WORDS && k < count; k++) gram += ` ${tokens.token(k)!.lower}`;
      opts.grams.push(gram);
    }
    // Prefer a match that needs no corpus evidence, then the longest.
    let chosen: { m: EntryMatch; pending: boolean } | null = null;
    for (const entry of candidates) {
      const m = matchAt(lex, text, tokens, i, entry);
      if (!m) continue;
      const why = rejection(m, lex, tokens, text);
      if (why && why !== NEEDS_EVIDENCE) continue;
      // Writers vary their wording within one text, so only other documents count as evidence (artifacts-corpus).
      const pending = why === NEEDS_EVIDENCE;
      if (!chosen || (chosen.pending && !pending) || (chosen.pending === pending && longer(m, chosen.m))) chosen = { m, pending };
    }
    if (!chosen) continue;
    const best = chosen.m;
    const needsEvidence = chosen.pending;
    const first = tokens.token(best.firstToken)!;
    const last = tokens.token(best.lastToken)!;
    const { entry, substitutions } = best;
    const allSpinner = substitutions.every((s) => s.source === 'spinner');
    const base = BASE_CONFIDENCE[entry.type][allSpinner ? 'spinner' : 'wordnet'];
    const contentWords = entry.words.filter((w) => !FUNCTION_WORDS.has(w)).length;
    let confidence = base;
    if (substitutions.length >= contentWords && contentWords > 1) confidence -= 0.1;
    const alsoWritten = lowercased(opts.documentText ?? text).includes(entry.phrase.toLowerCase());
    if (alsoWritten) confidence += 0.1;
    if (needsEvidence) confidence = 0.55;
    const swaps = substitutions
      .map((s) => {
        const sub = s.textWords.toLowerCase();
        const how = s.source === 'spinner'
          ? 'spinner synonym'
          : isRareSubstitute(s.entryWord, sub)
            ? `rare WordNet synonym: ${wordFrequency(sub)} vs ${wordFrequency(s.entryWord)} in SUBTLEX-US`
            : entry.type !== 'name' && substitutions.length < contentWords && isMinorSense(lex, s)
              ? `WordNet synonym of a minor sense of "${s.entryWord}"`
              : 'WordNet synonym';
        return `${s.entryWord} → ${sub} (${how})`;
      })
      .join(', ');
    const detection: Detection = {
      start: first.start,
      end: last.end,
      kind: entry.type === 'collocation' ? 'collocation-anomaly' : 'spun-expression',
      confidence: clampConfidence(confidence),
      suggestion: entry.phrase,
      evidence: `"${text.slice(first.start, last.end)}" is the ${entry.type} "${entry.phrase}" with ${swaps}${alsoWritten ? `; the document also writes "${entry.phrase}"` : ''}`,
    };
    if (needsEvidence) opts.pending?.push({ ...detection, entryKey: entry.words.join(' '), text: text.slice(first.start, last.end) });
    else out.push(detection);
    i = best.lastToken;
  }
  return out;
}
