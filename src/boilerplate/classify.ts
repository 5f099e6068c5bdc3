/**
 * Text-level boilerplate classifier: decides for each block of a document
 * whether it is article text, boilerplate (with a reason code) or ambiguous.
 *
 * Three layers, most certain first:
 * 1. Line rules. A block is cut into lines and every line is tested against
 *    the phrase knowledge (data/boilerplate/<lang>.json) and against shapes
 *    that need no language: separator rules, lone punctuation debris, bare
 *    URLs and handles, "<verb> to <Name> at <email>" contact lines, captions
 *    ending in a bracketed photo credit, breadcrumb trails. A block goes when
 *    every line has a reason; a block with some boilerplate lines and some
 *    prose stays (with a flag).
 * 2. Block features (jusText-like): length, stop-word density for the
 *    block's language, sentence punctuation, URL/handle/email share,
 *    capitalisation. They grade each remaining block good / near-good / short
 *    / bad.
 * 3. Context: the article is the span from the first to the last good block.
 *    Short or bad blocks inside it are headings, list items, captions of the
 *    article and stay; bad blocks outside it are page chrome (menus, footers,
 *    teaser lists) and go when the aggressiveness allows. Ambiguous blocks stay
 *    with a `possible-boilerplate` flag.
 *
 * `aggressiveness` (0..1) is the one knob: 0 removes only what a rule names,
 * the default removes rule matches plus clear chrome outside the article,
 * 1 also removes weak blocks inside it.
 */
import { Buffer } from 'node:buffer';
import type { BlockKind } from '../core/types.ts';
import {
  guessStopwordLanguage,
  guessStopwordLanguageOfScans,
  isSpaceCode,
  knowledge,
  letterClass,
  MARK_ASCII_ALNUM,
  MARK_CRUMB,
  MARK_AT,
  MARK_DIGIT,
  MARK_NON_ASCII,
  lineShape,
  matchPhrase,
  MAX_RULE_LINE,
  resetScanPools,
  scanBlock,
  stopwordDensity,
  stopwordDensityOfScan,
  termDot,
  termDotPair,
  words,
  type Knowledge,
  type LineScan,
  type PhraseRule,
} from './knowledge.ts';
import { blockVector, contentProbabilities, shippedBlockModel, type BlockContext, type BlockModel } from './block-model.ts';
import { firstPassModel, maxSumRun, probabilitySpan, type SpanSetting } from './span-model.ts';

/** Default of the one knob (see the stage option `aggressiveness`). */
export const DEFAULT_AGGRESSIVENESS = 0.5;

export interface ClassifierInput {
  text: string;
  kind: BlockKind;
  /** ISO 639-1 language of the block, if known. */
  lang?: string | null;
}

export interface ClassifyOptions {
  aggressiveness: number;
  /** ISO 639-1 language of the document, if known (used when a block has none). */
  lang?: string | null;
  /**
   * `text`: the blocks are a whole page or article as text; the article span is
   * found from the blocks. `html`: the blocks come from the DOM extraction,
   * which already chose the article.
   */
  mode?: 'text' | 'html';
  /** True when the document's title was already lifted out of the blocks (the first block is not the headline). */
  titleLifted?: boolean;
  /**
   * Learned block model for text documents (src/boilerplate/block-model.ts):
   * undefined = the shipped one, null = rules and grades alone.
   */
  blockModel?: BlockModel | null;
}

export type Decision =
  | { action: 'keep'; grade: Grade }
  | { action: 'flag'; grade: Grade; reason: string; confidence: number; detail: string }
  | { action: 'remove'; grade: Grade; reason: string; confidence: number; detail: string };

export type Grade = 'rule' | 'good' | 'near-good' | 'short' | 'bad';

/** The keep decision of each grade, one frozen object shared by all kept blocks (most of a document's blocks: no object each). */
const KEEP: Readonly<Record<Exclude<Grade, 'rule'>, Decision>> = Object.freeze({
  good: Object.freeze({ action: 'keep', grade: 'good' }),
  'near-good': Object.freeze({ action: 'keep', grade: 'near-good' }),
  short: Object.freeze({ action: 'keep', grade: 'short' }),
  bad: Object.freeze({ action: 'keep', grade: 'bad' }),
});

export interface BlockFeatures {
  chars: number;
  words: number;
  stopDensity: number | null;
  /** Ends like a sentence. */
  terminal: boolean;
  /** Shaped like a sentence: capital (or quote) first, sentence punctuation last, three words or more. */
  sentence: boolean;
  /** Share of characters in URLs, e-mail addresses and @handles. */
  linkShare: number;
  /** Share of words (tokens starting with a letter) that start with a capital letter. */
  capShare: number;
}

const URL_RE = /\b(?:https?:\/\/|www\.)\S+/giu;
const EMAIL_RE = /[\w.+-]+@[\w-]+\.[\w.-]+|\[email[\s\u00a0]*protected\]/giu;
const HANDLE_RE = /(?:^|\s)@\w{2,}/gu;
const SOCIAL_HOSTS = /(?:twitter|x|facebook|fb|instagram|linkedin|youtube|youtu|t\.me|telegram|tiktok|pinterest|whatsapp|wa\.me|vk|xing|threads)\.(?:com|me|be|net)|t\.me\//i;

const MAY_LINK = /:\/\/|www\.|@|\[email/i;
const SENTENCE_START = /^\s*["“„«'‘(]?\p{Lu}/u;

/** Index of the last character that is not whitespace, -1 if none. */
function lastNonSpace(text: string): number {
  let e = text.length - 1;
  while (e >= 0 && isSpaceCode(text.charCodeAt(e))) e--;
  return e;
}

/**
 * What a block's last character tells, by UTF-16 unit (a table read, not a set look-up: this
 * runs on every block): TERMINAL, it ends like a sentence or a quotation (/[.!?…:;"”»)\]]\s*$/);
 * SENTENCE_END, a sentence's own end; CLOSING, a closing mark that may follow one.
 */
const TERMINAL = 1;
const SENTENCE_END = 2;
const CLOSING = 4;
const END_MARKS = (() => {
  const t = new Uint8Array(0x2027);
  const mark = (chars: string, bit: number) => {
    for (const ch of chars) t[ch.charCodeAt(0)]! |= bit;
  };
  mark('.!?…:;"”»)]', TERMINAL);
  mark('.!?…', SENTENCE_END);
  mark('"”»’)', CLOSING);
  return t;
})();
/** END_MARKS bits of a UTF-16 unit (0 for -1, no character). */
function endMarks(c: number): number {
  return c >= 0 && c < 0x2027 ? END_MARKS[c]! : 0;
}

export function blockFeatures(text: string, lang?: string | null, ws: string[] = words(text)): BlockFeatures {
  return withStopDensity(shapeFeatures(text, ws.length), stopwordDensity(ws, lang));
}

/** Every block feature but the stop-word density (which depends on the document's language). */
type ShapeFeatures = Omit<BlockFeatures, 'stopDensity'>;

function withStopDensity(f: ShapeFeatures, stopDensity: number | null): BlockFeatures {
  return { chars: f.chars, words: f.words, stopDensity, terminal: f.terminal, sentence: f.sentence, linkShare: f.linkShare, capShare: f.capShare };
}

function shapeFeatures(text: string, wordCount: number): ShapeFeatures {
  const f = { chars: 0, words: 0, terminal: false, sentence: false, linkShare: 0, capShare: 0 };
  writeShape(f, text, wordCount, lineShape(text));
  return f;
}

/**
 * The shape features from a line scan's counts (tokens that start with a letter, with a
 * capital, whether a link may be present: LineScan), plus what only the line's ends tell,
 * written into `out` (the block facts hold them themselves: no object of their own).
 */
function writeShape(out: ShapeFeatures, text: string, wordCount: number, counts: Pick<LineScan, 'letterTokens' | 'capitalTokens' | 'mayLink'>): void {
  const rawWords = counts.letterTokens;
  const caps = counts.capitalTokens;
  const mayLink = counts.mayLink;
  let linkChars = 0;
  if (mayLink && MAY_LINK.test(text)) for (const re of [URL_RE, EMAIL_RE, HANDLE_RE]) for (const m of text.matchAll(re)) linkChars += m[0].trim().length;
  const e = lastNonSpace(text);
  const last = e >= 0 ? text.charCodeAt(e) : -1;
  const marks = endMarks(last);
  const sentenceEnd = (marks & SENTENCE_END) !== 0 || ((marks & CLOSING) !== 0 && e > 0 && (endMarks(text.charCodeAt(e - 1)) & SENTENCE_END) !== 0);
  out.chars = text.length;
  out.words = wordCount;
  out.terminal = (marks & TERMINAL) !== 0;
  out.sentence = wordCount >= 3 && sentenceEnd && SENTENCE_START.test(text);
  out.linkShare = text.length ? Math.min(1, linkChars / text.length) : 0;
  out.capShare = rawWords ? caps / rawWords : 0;
}

// ---- line rules -------------------------------------------------------------

/** A rule of repeated symbols (`_____`, `-----`, `* * *`, `=====`). */
const SEPARATOR = /^([_\-=*~#.·•—–+])(?:\s*\1){2,}[\s_\-=*~#.·•—–+]*$/u;
const HAS_ALNUM = /[\p{L}\p{N}]/u;
const BARE_URL = /^(?:https?:\/\/|www\.)\S+$/iu;
const BARE_HANDLE = /^@\w{2,}$/u;
const NAME = String.raw`\p{Lu}[\p{L}.'’-]+(?:\s+\p{Lu}[\p{L}.'’-]+){0,3}`;
const ADDRESS = String.raw`(?:[\w.+-]+@[\w-]+\.[\w.-]+|\[email[\s\u00a0]*protected\])`;
/** "<verb> to <Name> at <address>": "Write to Vivian Salama at …", also when a spinner replaced the verb. */
const CONTACT = new RegExp(String.raw`^\p{L}+(?:\s\p{L}+)?\s+(?:to|an|à|a)\s+${NAME}(?:\s+(?:and|und|et|y|e)\s+${NAME})?\s+(?:at|unter|à|en|em|a)\s+${ADDRESS}\.?$`, 'u');
/** "Email the author at x@y.z", "Contact: x@y.z" */
const CONTACT_LOOSE = new RegExp(String.raw`^[\p{L}\s]{0,40}:?\s*${ADDRESS}\.?$`, 'u');
/** Caption ending in a bracketed credit: "… in Kabul. [Alexander Zemlianichenko/AP Photo]", "(AP Photo/Rahmat Gul)". */
const CREDIT_END = /(?:\[[^[\]]{2,80}\/[^[\]]{1,60}\]|\((?:AP|AFP|Reuters|EPA|Getty|dpa|Photo|Foto|Image|Bild|Crédit|Credit)[^()]{0,80}\)|\((?:[^()]{2,60}\/(?:AP|AFP|Reuters|EPA|Getty Images|dpa|Shutterstock|iStock)[^()]{0,20})\))\s*$/u;
/** A date (and time) alone on a line, with an optional label: "23.10.2018", "11 Jan 2019", "Publiziert: 03.04.2020, 12:35", "October 19, 2021". */
export const DATELINE = /^(?:[\p{L} ]{1,20}:\s*)?(?:\p{L}{2,10}\.?,?\s+)?(?:\d{1,2}\.?\s*(?:\d{1,2}\.|\p{L}{3,10}\.?)\s*\d{2,4}|\d{4}-\d{2}-\d{2}|\p{L}{3,10}\.?\s+\d{1,2},\s*\d{4})(?:(?:,|\s)\s*\d{1,2}[:.]\d{2}(?:\s*(?:uhr|h|am|pm|a\.m\.|p\.m\.))?)?$/iu;
const MAY_BREADCRUMB = /[»›>|/]/;
/** Every date shape of DATELINE has a digit: a cheap gate for its costly Unicode test. */
const HAS_DIGIT = /\d/;
/**
 * What a DATELINE match can end with: the date's or the time's last digit, or the end of a time
 * suffix ("uhr", "h", "am", "pm", "a.m.", "p.m.", any case; none of r, h, m has another
 * case-insensitive match under /iu). A line ending otherwise is not a dateline.
 */
export function mayEndDateline(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 114 || c === 82 || c === 104 || c === 72 || c === 109 || c === 77;
}
/** "Home » News » World", "Start > Politik > Ausland". */
const BREADCRUMB = /^[^»›>|/\n]{1,40}(?:\s+[»›>|/]\s+[^»›>|/\n]{1,80}){2,}$/u;

export interface LineVerdict {
  reason: string;
  detail: string;
}

/** The verdicts of the shape rules, one frozen object each (verdicts are read, never changed: no object per matching line). */
const shapeVerdict = (reason: string, detail: string): LineVerdict => Object.freeze({ reason, detail });
const SEPARATOR_LINE = shapeVerdict('separator', 'rule of repeated symbols');
const DEBRIS_LINE = shapeVerdict('debris', 'no letter or digit');
const SOCIAL_LINK_LINE = shapeVerdict('follow', 'social profile link');
const URL_LINE = shapeVerdict('url', 'bare link');
const HANDLE_LINE = shapeVerdict('follow', 'bare @handle');
const CONTACT_LINE = shapeVerdict('contact', '"<verb> to <name> at <address>" contact line');
const CONTACT_ADDRESS_LINE = shapeVerdict('contact', 'contact address line');
const CREDIT_LINE = shapeVerdict('caption-credit', 'ends with a photo credit');
const BREADCRUMB_LINE = shapeVerdict('breadcrumb', 'trail of short items separated by » › >');
const NAVIGATION_LINE = shapeVerdict('navigation', 'row of short items separated by | or /');
const DATELINE_LINE = shapeVerdict('dateline', 'date or time alone on a line');
const LINK_LIST = shapeVerdict('link-list', 'only bare links');

/**
 * The rule naming a line, or null. `marks`: the line's LineScan.marks when known (its cheap
 * character gates, read in the line scan, answer the gate expressions here).
 */
export function lineVerdict(line: string, k: Knowledge = knowledge(), marks = -1): LineVerdict | null {
  const t = line.trim();
  if (!t) return null;
  // Cheap character tests gate the shape rules: this runs on every line of every page.
  const known = marks >= 0;
  const hasAlnum = known && (marks & MARK_ASCII_ALNUM) !== 0 ? true : known && (marks & MARK_NON_ASCII) === 0 ? false : HAS_ALNUM.test(t);
  if (!hasAlnum) return SEPARATOR.test(t) ? SEPARATOR_LINE : DEBRIS_LINE;
  if (t.length > 400) return null;
  const c0 = t.charCodeAt(0);
  if ((c0 === 104 || c0 === 119 || c0 === 72 || c0 === 87) && BARE_URL.test(t)) {
    return SOCIAL_HOSTS.test(t) ? SOCIAL_LINK_LINE : URL_LINE;
  }
  if (c0 === 64 && BARE_HANDLE.test(t)) return HANDLE_LINE;
  if (t.length <= 200 && (!known || (marks & MARK_AT) !== 0) && (t.includes('@') || t.includes('[email'))) {
    if (CONTACT.test(t)) return CONTACT_LINE;
    if (t.length <= 120 && CONTACT_LOOSE.test(t)) return CONTACT_ADDRESS_LINE;
  }
  const last = t[t.length - 1];
  if ((last === ']' || last === ')') && CREDIT_END.test(t)) return CREDIT_LINE;
  if (t.length > MAX_RULE_LINE) return null;
  if ((known ? (marks & MARK_CRUMB) !== 0 : MAY_BREADCRUMB.test(t)) && BREADCRUMB.test(t)) {
    return /[»›>]/.test(t) ? BREADCRUMB_LINE : NAVIGATION_LINE;
  }
  if (t.length <= 60 && mayEndDateline(t.charCodeAt(t.length - 1)) && (known ? (marks & MARK_DIGIT) !== 0 : HAS_DIGIT.test(t)) && DATELINE.test(t)) {
    return DATELINE_LINE;
  }
  const rule = matchPhrase(t, k, marks);
  return rule ? phraseVerdict(rule) : null;
}

/**
 * `make(key)` frozen and kept per key object: verdicts and decisions are read, never changed, and
 * a dump names the same few dozen rules on many lines, so each gets one object, not one per line.
 */
function frozenPerKey<K extends object, V extends object>(make: (key: K) => V): (key: K) => Readonly<V> {
  const made = new WeakMap<K, Readonly<V>>();
  return (key) => {
    let v = made.get(key);
    if (!v) made.set(key, (v = Object.freeze(make(key))));
    return v;
  };
}

/** The verdict naming a phrase rule. */
const phraseVerdict = frozenPerKey((rule: PhraseRule): LineVerdict => ({ reason: rule.reason, detail: `${rule.lang} phrase /${rule.source}/` }));

/** No rule verdict, shared (most blocks). */
const NO_VERDICT: { verdict: LineVerdict | null; partial: LineVerdict | null } = Object.freeze({ verdict: null, partial: null });
/** blockRuleVerdict's answer for a block every line of which `v` names. */
const wholeBlockVerdict = frozenPerKey((v: LineVerdict) => ({ verdict: v, partial: null }));

/** The removal of a block a rule names. */
const ruleRemoval = frozenPerKey((v: LineVerdict): Decision => ({ action: 'remove', grade: 'rule', reason: v.reason, confidence: 0.95, detail: v.detail }));

/** Reason for a whole block when every line is boilerplate; bare links take the reason of their neighbours. */
export function blockRuleVerdict(text: string, k: Knowledge = knowledge(), marks = -1): { verdict: LineVerdict | null; partial: LineVerdict | null } {
  if (!text.includes('\n')) {
    // One line (every block of a text dump): the same answer without splitting. The block's marks are the line's.
    const v = lineVerdict(text, k, marks);
    if (!v) return NO_VERDICT;
    return wholeBlockVerdict(v.reason === 'url' ? LINK_LIST : v);
  }
  const lines = text.split('\n').filter((l) => l.trim());
  const verdicts = lines.map((l) => lineVerdict(l, k));
  const named = verdicts.find((v) => v && v.reason !== 'url') ?? verdicts.find((v) => v) ?? null;
  if (lines.length && verdicts.every((v) => v)) return wholeBlockVerdict(named!.reason === 'url' ? LINK_LIST : named!);
  return { verdict: null, partial: named };
}

// ---- grading ----------------------------------------------------------------

/** jusText's thresholds, adapted: stop-word lists here are larger, so densities run higher. */
const LENGTH_LOW = 70;
const LENGTH_HIGH = 200;
const STOP_LOW = 0.3;
const STOP_HIGH = 0.36;

export function grade(f: BlockFeatures, kind: BlockKind): Exclude<Grade, 'rule'> {
  if (f.linkShare > 0.5) return 'bad';
  // Menus and footers are runs of capitalised items without a sentence end ("Terms | Privacy | Contact Us").
  if (!f.terminal && f.capShare > 0.6 && f.words >= 4 && kind !== 'heading') return f.chars < LENGTH_LOW ? 'short' : 'bad';
  const stop = f.stopDensity;
  if (f.chars < LENGTH_LOW) {
    if (kind === 'heading') return 'short';
    if (stop !== null && stop >= STOP_HIGH && f.terminal && f.words >= 6) return 'near-good';
    // A short sentence ("He said he would stay.") is prose even when it is too short to prove it.
    return f.sentence && (stop === null || stop >= 0.2) ? 'near-good' : 'short';
  }
  if (stop === null) {
    // No stop-word list for this language: judge by shape alone.
    if (f.chars >= LENGTH_HIGH && f.terminal) return 'good';
    return f.terminal ? 'near-good' : 'bad';
  }
  if (stop >= STOP_HIGH) return f.chars >= LENGTH_HIGH || f.terminal ? 'good' : 'near-good';
  if (stop >= STOP_LOW) return 'near-good';
  return f.terminal && f.chars >= LENGTH_HIGH && f.capShare < 0.5 ? 'near-good' : 'bad';
}

// ---- per-block facts, shared by the repeated lines of a document -------------------

/**
 * What the classifier knows about a block's text before it knows the document: rule verdicts,
 * words, shape. The object is also the block's line scan (words, stop words, shape counts and
 * the lexical terms of the block model in the term pool of this document: scanBlock writes
 * them into it) and its BlockFeatures (shape fields written by writeShape, stopDensity under
 * the first language asked, `featuresLang`): one object per block text instead of four
 * (allocation showed up in the profile). `words` is the same count in both.
 */
interface BlockFacts extends BlockFeatures, LineScan {
  rule: { verdict: LineVerdict | null; partial: LineVerdict | null };
  /** The language stopDensity was computed for (blocks of a document mostly share it); NO_LANGUAGE_YET before; never set when a rule removes the block (it is never graded). */
  featuresLang: string | null | typeof NO_LANGUAGE_YET;
  /** isSectionLabel of the text: -1 not asked yet, else 0 or 1 (both the rules and the block model ask). */
  sectionLabel: number;
  /** The block's text as a sequential string (sequentialCopy): what every later read of it uses. */
  text: string;
}

/**
 * Text dumps repeat lines within a page (menus, footers, share rows: a quarter of the dev-set
 * dump lines), so the facts of a block text are computed once per document. Only texts of up to
 * 80 characters are looked up: chrome repeats, prose rarely does, and hashing longer ones costs
 * more than it saves (same-process A/B on the dev-set dumps: 80 about 8 % faster than 200, 40
 * and 80 within noise, no reuse at all the slowest). Nothing is kept between documents: a cache across them (40 % of the dev-set
 * lines recur across pages) held its entries long enough for the garbage collector to copy and
 * promote them, and cost more than it saved (same-process A/B: ~1.3x faster without it).
 */
const FACTS_REUSE_MAX_CHARS = 80;

function blockFacts(text: string, k: Knowledge, seen: Map<string, BlockFacts>): BlockFacts {
  if (text.length > FACTS_REUSE_MAX_CHARS) return computeFacts(text, k);
  let f = seen.get(text);
  if (!f) seen.set(text, (f = computeFacts(text, k)));
  return f;
}

/**
 * The text as a sequential string of its own. A line cut from a larger text by split() or
 * slice() is, in V8, a "sliced string" (a view into its parent) as soon as it has 13 or more
 * units; every character read, expression run and comparison on it then goes through the view
 * (its parent's kind and the offset are looked up again at each access), which made the whole
 * classifier about 1.4x slower on the dev-set dumps than on the same lines as sequential strings.
 * One copy through a reused buffer (UTF-16 units both ways: exact, lone surrogates included)
 * costs far less than that. Shorter strings are never sliced (V8 copies them).
 */
export function sequentialCopy(text: string): string {
  if (text.length < SLICED_MIN_LENGTH) return text;
  const bytes = 2 * text.length;
  if (copyBuffer.length < bytes) copyBuffer = Buffer.allocUnsafe(2 * bytes);
  if (UNITS_DIRECT) {
    (copyBuffer as UnitBuffer).ucs2Write(text, 0, bytes);
    return (copyBuffer as UnitBuffer).ucs2Slice(0, bytes);
  }
  copyBuffer.write(text, 0, bytes, 'utf16le');
  return copyBuffer.toString('utf16le', 0, bytes);
}
/**
 * Node's per-encoding Buffer methods, which write() and toString() call after checking their
 * arguments (a third of the copy's cost). Not in Node's documentation, so used only where present.
 */
type UnitBuffer = Buffer & { ucs2Write(text: string, offset: number, length: number): number; ucs2Slice(start: number, end: number): string };
const UNITS_DIRECT = typeof (Buffer.prototype as Partial<UnitBuffer>).ucs2Write === 'function' && typeof (Buffer.prototype as Partial<UnitBuffer>).ucs2Slice === 'function';
/** V8's SlicedString::kMinLength: shorter substrings are copied. */
const SLICED_MIN_LENGTH = 13;
let copyBuffer = Buffer.allocUnsafe(1 << 14);

const EMPTY_STOPS = new Int32Array(0);
/** BlockFacts.featuresLang before any language was asked. */
const NO_LANGUAGE_YET = Symbol('no language yet');

function computeFacts(block: string, k: Knowledge): BlockFacts {
  const text = sequentialCopy(block);
  const f: BlockFacts = {
    words: 0,
    stops: EMPTY_STOPS,
    stopsFrom: 0,
    stopsEnd: 0,
    letterTokens: 0,
    capitalTokens: 0,
    mayLink: false,
    terms: -1,
    termCount: 0,
    marks: -1,
    chars: 0,
    stopDensity: null,
    terminal: false,
    sentence: false,
    linkShare: 0,
    capShare: 0,
    rule: NO_VERDICT,
    featuresLang: NO_LANGUAGE_YET,
    sectionLabel: -1,
    text,
  };
  scanBlock(text, f);
  const rule = blockRuleVerdict(text, k, f.marks);
  if (rule.verdict || rule.partial) f.rule = rule;
  if (!rule.verdict) writeShape(f, text, f.words, f);
  return f;
}

/**
 * The block's features under a stop-word language: the facts object itself for the first
 * language asked (the repeats of its text share it), a copy for another one.
 */
function factsFeatures(f: BlockFacts, lang: string | null): BlockFeatures {
  if (f.featuresLang === NO_LANGUAGE_YET) {
    f.stopDensity = stopwordDensityOfScan(f, lang);
    f.featuresLang = lang;
  }
  return f.featuresLang === lang ? f : withStopDensity(f, stopwordDensityOfScan(f, lang));
}

function factsSectionLabel(f: BlockFacts): boolean {
  if (f.sectionLabel < 0) f.sectionLabel = !mayBeSectionLabel(f) ? 0 : isSectionLabel(f.text) ? 1 : 0;
  return f.sectionLabel === 1;
}

/**
 * False when the line scan already tells that isSectionLabel is false (most short blocks): a
 * token starts with a letter that is no capital (the scan counts tokens as isSectionLabel splits
 * them), more than four tokens start with a capital, or the text has a digit.
 */
function mayBeSectionLabel(f: BlockFacts): boolean {
  return f.letterTokens === f.capitalTokens && f.capitalTokens <= 4 && (f.marks < 0 || (f.marks & MARK_DIGIT) === 0);
}

// ---- classification ---------------------------------------------------------

/**
 * The classifier's own copy of its input blocks, all of one shape. Callers hand in blocks of
 * many shapes (a text dump's `{ text, kind }`; HTML extraction's blocks with source positions,
 * owners and link counts, in several property orders), and every `block.text` / `.kind` /
 * `.lang` read in the classifier and the block model then sees them all: in a process that
 * classifies HTML pages too (the pipeline, the bench's text pass after its HTML pass), those
 * reads turned polymorphic and the text-dump pass ran 10–15 % slower than in a process that
 * had seen text dumps only.
 */
function uniformBlocks(input: readonly ClassifierInput[]): ClassifierInput[] {
  const out = new Array<ClassifierInput>(input.length);
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    out[i] = { text: b.text, kind: b.kind, lang: b.lang };
  }
  return out;
}

export function classifyBlocks(input: ClassifierInput[], opts: ClassifyOptions): Decision[] {
  const blocks = uniformBlocks(input);
  const k = knowledge();
  const aggr = Math.min(1, Math.max(0, opts.aggressiveness));
  const n = blocks.length;
  const out = new Array<Decision | null>(n).fill(null);
  const grades = new Array<Exclude<Grade, 'rule'> | null>(n).fill(null);
  const partials = new Array<LineVerdict | null>(n).fill(null);
  const features = new Array<BlockFeatures | null>(n).fill(null);

  const seen = new Map<string, BlockFacts>();
  // The lexical terms of this document's blocks go into the term pool as they are scanned.
  resetScanPools();
  const facts = new Array<BlockFacts>(n);
  for (let i = 0; i < n; i++) facts[i] = blockFacts(blocks[i]!.text, k, seen);
  const docLang = opts.lang ?? guessStopwordLanguageOfScans(facts);
  for (let i = 0; i < n; i++) {
    const b = blocks[i]!;
    const f = facts[i]!;
    const verdict = f.rule.verdict;
    if (verdict) {
      out[i] = ruleRemoval(verdict);
      continue;
    }
    partials[i] = f.rule.partial;
    const features_i = (features[i] = factsFeatures(f, b.lang ?? docLang));
    grades[i] = grade(features_i, b.kind);
  }

  const mode = opts.mode ?? 'text';
  const [first, last] = articleSpan(blocks, grades, mode);

  blocks.forEach((b, i) => {
    if (out[i]) return;
    const g = grades[i]!;
    const inside = first >= 0 && i >= first && i <= last;
    const isLeadingTitle = i === 0 && !opts.titleLifted;
    // Section label ("Asia World") between the headline and the article: short, every word capitalised, no sentence shape.
    if (first >= 0 && i < first && !isLeadingTitle && aggr >= SECTION_LABEL_AT && b.kind !== 'heading' && factsSectionLabel(facts[i]!)) {
      out[i] = { action: 'remove', grade: g, reason: 'breadcrumb', confidence: 0.7, detail: 'section label before the article text' };
      return;
    }
    if ((g === 'good' || g === 'near-good') && !inside && first >= 0 && aggr >= OUTSIDE_PROSE_AT && !isLeadingTitle) {
      out[i] = { action: 'remove', grade: g, reason: 'outside-main', confidence: 0.4, detail: 'prose-like block away from the article text' };
      return;
    }
    if (g === 'good' || g === 'near-good') {
      out[i] = partials[i]
        ? { action: 'flag', grade: g, reason: partials[i]!.reason, confidence: 0.3, detail: `contains a boilerplate line (${partials[i]!.detail})` }
        : KEEP[g];
      return;
    }
    if (!inside && !isLeadingTitle && g === 'bad' && aggr >= (mode === 'html' ? HTML_BAD_AT : OUTSIDE_BAD_AT) && first >= 0) {
      out[i] = { action: 'remove', grade: g, reason: 'outside-main', confidence: 0.6, detail: 'low-content block outside the article text' };
      return;
    }
    if (!inside && !isLeadingTitle && g === 'short' && aggr >= (mode === 'html' ? HTML_SHORT_AT : OUTSIDE_SHORT_AT) && first >= 0) {
      out[i] = { action: 'remove', grade: g, reason: 'outside-main', confidence: 0.5, detail: 'short block outside the article text' };
      return;
    }
    if (inside && g === 'bad' && aggr >= INSIDE_BAD_AT) {
      out[i] = { action: 'remove', grade: g, reason: 'low-content', confidence: 0.5, detail: 'low-content block inside the article text' };
      return;
    }
    if (g === 'bad' || partials[i]) {
      const reason = partials[i]?.reason ?? 'low-content';
      out[i] = { action: 'flag', grade: g, reason, confidence: g === 'bad' ? 0.4 : 0.25, detail: partials[i]?.detail ?? 'few stop words, no sentence shape' };
      return;
    }
    out[i] = KEEP[g];
  });
  // HTML documents never use the model (nor load it).
  const model = mode !== 'text' ? null : opts.blockModel === undefined ? shippedBlockModel() : opts.blockModel;
  if (model && blocks.length) {
    applyBlockModel(model, blocks, out as Decision[], { features, grades, partials, span: [first, last], aggr, titleLifted: !!opts.titleLifted, facts });
  }
  return out as Decision[];
}

/**
 * The learned block model decides the graded blocks of text documents: every block that
 * no rule names (phrases, shapes, section labels) goes when its probability of being
 * article text falls below the model's threshold scaled by the aggressiveness, and stays
 * otherwise, even where the grade-and-span heuristic would have cut it (it then stays
 * flagged). Rule removals are never undone. 0 removes nothing, and the threshold grows
 * with the knob, so the knob stays monotonic. A sentence-shaped prose block is never cut
 * inside the article span; outside it, below OUTSIDE_PROSE_AT, only when the model is surer
 * (its lower `proseThreshold`: comments, teasers and bios after the article read as prose),
 * as losing prose is worse than keeping a boilerplate line.
 * Held-out, this beats the heuristic alone by about 0.01 F1 on the dev set (docs/boilerplate.md).
 */
function applyBlockModel(
  model: BlockModel,
  blocks: ClassifierInput[],
  out: Decision[],
  s: {
    features: Array<BlockFeatures | null>;
    grades: Array<Exclude<Grade, 'rule'> | null>;
    partials: Array<LineVerdict | null>;
    span: [number, number];
    aggr: number;
    titleLifted: boolean;
    facts: BlockFacts[];
  },
): void {
  const threshold = Math.min(0.99, (model.threshold * s.aggr) / DEFAULT_AGGRESSIVENESS);
  if (threshold <= 0) return;
  // Never above `threshold`, so crossing OUTSIDE_PROSE_AT (where prose outside takes `threshold`) only adds removals.
  const proseThreshold = Math.min(threshold, (model.proseThreshold * s.aggr) / DEFAULT_AGGRESSIVENESS);
  const ctx = blockContext(blocks, out, s);
  const lexical = lexicalWeights(model);
  // Two passes when the model has a span part: the first pass's probabilities choose the article span (src/boilerplate/span-model.ts).
  const firstPass = firstPassModel(model);
  const firstLexical = firstPass ? lexicalWeights(firstPass) : null;
  // The lexical shares of z from the terms hashed in the line scan (no second pass over the blocks' text); both passes' in one walk.
  const firstShare = new Float64Array(firstPass ? blocks.length : 0);
  if (lexical) {
    const share = new Float64Array(blocks.length);
    const pair = new Float64Array(2);
    for (let i = 0; i < share.length; i++) {
      if (!s.features[i]) continue;
      if (firstLexical) {
        termDotPair(s.facts[i]!, lexical, firstLexical, pair);
        share[i] = pair[0]!;
        firstShare[i] = pair[1]!;
      } else share[i] = termDot(s.facts[i]!, lexical);
    }
    ctx.lexicalShare = share;
  } else if (firstLexical) {
    for (let i = 0; i < firstShare.length; i++) if (s.features[i]) firstShare[i] = termDot(s.facts[i]!, firstLexical);
  }
  // The removals' details under each threshold, written once per threshold (not per removal).
  const details = modelRemovalDetails(threshold);
  const proseDetails = modelRemovalDetails(proseThreshold);
  if (firstPass) s.span = ctx.span = modelSpan(firstPass, model.span!, ctx, s.features, firstShare);
  // After modelSpan's first pass the input matrix already holds the blocks' own features.
  const probabilities = contentProbabilities(model, ctx, firstPass !== null);
  const [first, last] = s.span;
  out.forEach((d, i) => {
    if (d.action === 'remove' && !(d.grade !== 'rule' && (d.reason === 'outside-main' || d.reason === 'low-content'))) return;
    if (d.action === 'remove') out[i] = { action: 'flag', grade: d.grade, reason: d.reason, confidence: 0.3, detail: `${d.detail}; kept by the block model` };
    if (i === 0 && !s.titleLifted) return;
    const f = s.features[i]!;
    const outside = first >= 0 && (i < first || i > last);
    const prose = f.sentence && (d.grade === 'good' || d.grade === 'near-good');
    if (prose && !outside) return;
    const cut = prose && s.aggr < OUTSIDE_PROSE_AT ? proseThreshold : threshold;
    const p = probabilities[i]!;
    if (p >= cut) return;
    out[i] = {
      action: 'remove',
      grade: d.grade,
      reason: outside ? 'outside-main' : 'low-content',
      confidence: Math.round((1 - p) * 100) / 100,
      detail: modelRemovalDetail(cut === threshold ? details : proseDetails, p, prose),
    };
  });
}

/** The detail of a block-model removal: probability and threshold as written with two decimals. */
function modelRemovalText(probability: string, cut: string, prose: boolean): string {
  return `block model: probability of article text ${probability} < ${cut}${prose ? ' (prose outside the article)' : ''}`;
}

/**
 * The details of the block model's removals under one threshold, made once and kept per
 * threshold text (formatting one per removal cost ~1 % of a text document's classification, and
 * the removals share a few hundred texts): texts[2k] for a probability that rounds to k/100,
 * texts[2k + 1] the same for prose.
 */
interface ModelRemovalDetails {
  cut: string;
  texts: string[];
}
const modelRemovalDetailsByCut = new Map<string, ModelRemovalDetails>();
function modelRemovalDetails(threshold: number): ModelRemovalDetails {
  const cut = threshold.toFixed(2);
  let d = modelRemovalDetailsByCut.get(cut);
  if (!d) {
    const texts: string[] = [];
    for (let k = 0; k <= 100; k++) texts.push(modelRemovalText((k / 100).toFixed(2), cut, false), modelRemovalText((k / 100).toFixed(2), cut, true));
    modelRemovalDetailsByCut.set(cut, (d = { cut, texts }));
  }
  return d;
}

/** modelRemovalText(p.toFixed(2), …) for a probability p (0 ≤ p ≤ 1), from the texts made once. */
function modelRemovalDetail(d: ModelRemovalDetails, p: number, prose: boolean): string {
  // toFixed(2) writes the k/100 nearest p (never a tie: k + 0.5 hundredths is no binary fraction);
  // Math.round(100 p) is that k unless 100 p lies within float error of a half, where toFixed decides.
  const hundredths = 100 * p;
  const k = Math.round(hundredths);
  if (Math.abs(Math.abs(hundredths - k) - 0.5) < 1e-6) return modelRemovalText(p.toFixed(2), d.cut, prose);
  return d.texts[2 * k + (prose ? 1 : 0)]!;
}

/** The article span from the first pass's probabilities (`share`: its lexical share of each block, from the terms hashed in the line scan; zeros when it has no lexical weights). */
function modelSpan(firstPass: BlockModel, setting: SpanSetting, ctx: BlockContext, features: Array<BlockFeatures | null>, share: Float64Array): [number, number] {
  const p = contentProbabilities(firstPass, { ...ctx, span: [-1, -1], lexicalShare: share });
  return probabilitySpan(p, features, ctx.blocks, setting);
}

const lexicalWeightsCache = new WeakMap<BlockModel, Float64Array>();
function lexicalWeights(model: BlockModel): Float64Array | null {
  if (!model.lexical) return null;
  let w = lexicalWeightsCache.get(model);
  if (!w) lexicalWeightsCache.set(model, (w = Float64Array.from(model.lexical)));
  return w;
}

function blockContext(
  blocks: ClassifierInput[],
  out: Array<Decision | null>,
  s: { features: Array<BlockFeatures | null>; grades: Array<Exclude<Grade, 'rule'> | null>; partials: Array<LineVerdict | null>; span: [number, number]; facts?: BlockFacts[] },
): BlockContext {
  const facts = s.facts;
  const n = blocks.length;
  const grades = new Array<Grade>(n);
  const partial = new Array<boolean>(n);
  const sectionLabel = new Array<boolean>(n);
  for (let i = 0; i < n; i++) {
    const d = out[i];
    grades[i] = d?.grade === 'rule' ? 'rule' : s.grades[i] ?? 'bad';
    partial[i] = s.partials[i] !== null;
    const text = blocks[i]!.text;
    sectionLabel[i] = text.length <= 40 && (facts ? factsSectionLabel(facts[i]!) : isSectionLabel(text));
  }
  return { blocks, features: s.features, grades, partial, span: s.span, sectionLabel };
}

/**
 * Feature vectors of the learned block model for a text document, one per block (null for
 * blocks a rule removes, which the model is never asked about). Used by scripts/train-blocks.ts.
 */
export function blockModelVectors(blocks: ClassifierInput[], opts: Omit<ClassifyOptions, 'blockModel' | 'mode' | 'aggressiveness'>): Array<number[] | null> {
  const ctx = blockModelContext(blocks, opts);
  return blocks.map((_, i) => (ctx.features[i] ? blockVector(ctx, i) : null));
}

/** The block model's inputs for a text document, built from the plain definitions (training and tests). */
export function blockModelContext(blocks: ClassifierInput[], opts: Omit<ClassifyOptions, 'blockModel' | 'mode' | 'aggressiveness'>): BlockContext {
  const decisions = classifyBlocks(blocks, { ...opts, aggressiveness: 0, mode: 'text', blockModel: null });
  const blockWords = blocks.map((b) => words(b.text));
  const docLang = documentLanguage(blockWords, opts.lang);
  const features = blocks.map((b, i) => (decisions[i]!.grade === 'rule' ? null : blockFeatures(b.text, b.lang ?? docLang, blockWords[i])));
  const grades = blocks.map((b, i) => (features[i] ? grade(features[i]!, b.kind) : null));
  const partials = blocks.map((b, i) => (features[i] ? blockRuleVerdict(b.text).partial : null));
  return blockContext(blocks, decisions, { features, grades, partials, span: articleSpan(blocks, grades, 'text') });
}

/** Aggressiveness from which short blocks outside the article go (text documents). */
const OUTSIDE_SHORT_AT = 0.5;
/** Aggressiveness from which prose-like blocks outside the article go (comments, teasers). */
const OUTSIDE_PROSE_AT = 0.7;
/** Aggressiveness from which a section label between headline and article goes ("Asia World"). */
const SECTION_LABEL_AT = 0.3;
/** Aggressiveness from which low-content blocks outside the article go. */
const OUTSIDE_BAD_AT = 0.3;
/** In HTML documents the DOM already cut the page chrome; what it kept at the edges is mostly article matter (lists, tables, notes). */
const HTML_BAD_AT = 0.7;
/** In HTML documents short blocks at the edges are usually the article's own title and dateline. */
const HTML_SHORT_AT = 0.8;
/** Aggressiveness from which low-content blocks inside the article go. */
const INSIDE_BAD_AT = 0.9;

/**
 * The article: the run of blocks with the highest prose balance (maximum-sum
 * subarray, as in Body Text Extraction): good blocks count their length,
 * near-good half of it, short and bad blocks and rule matches count against.
 * Returns [-1, -1] when no block is prose.
 */
export function articleSpan(blocks: ClassifierInput[], grades: Array<Exclude<Grade, 'rule'> | null>, mode: 'text' | 'html'): [number, number] {
  if (mode === 'html') {
    // The DOM extraction already chose the article: only trim chrome before the first and after the last good block.
    let first = grades.indexOf('good');
    let last = grades.lastIndexOf('good');
    if (first < 0) {
      first = grades.indexOf('near-good');
      last = grades.lastIndexOf('near-good');
    }
    return [first, last];
  }
  return maxSumRun(grades.length, (i) => {
    const g = grades[i];
    const len = blocks[i]!.text.length;
    // Chrome counts double against prose, so a run of menu items or teaser lines ends the article.
    return g === 'good' ? len : g === 'near-good' ? len / 2 : g === 'short' ? -2 * (Math.min(len, 40) + 10) : -2 * (len / 2 + 10);
  });
}

/** The document's stop-word language: the given one, else the list that covers its words best (null: no list fits). */
export function documentLanguage(blockWords: string[][], lang?: string | null): string | null {
  return lang ?? guessStopwordLanguage(blockWords);
}

/** Grades and article span of a document's blocks without the rules (used by the corpus stage). */
export function gradeDocument(blocks: ClassifierInput[], lang?: string | null, mode: 'text' | 'html' = 'text') {
  const blockWords = blocks.map((b) => words(b.text));
  const docLang = documentLanguage(blockWords, lang);
  const features = blocks.map((b, i) => blockFeatures(b.text, b.lang ?? docLang, blockWords[i]));
  const grades = blocks.map((b, i) => grade(features[i]!, b.kind));
  return { features, grades, span: articleSpan(blocks, grades, mode) };
}

/** 1–4 capitalised words, no digits, no sentence punctuation: "Asia World", "Politics". */
export function isSectionLabel(text: string): boolean {
  // The trimmed text, by index (no copy): this runs on every short block.
  let from = 0;
  let to = text.length;
  while (from < to && isSpaceCode(text.charCodeAt(from))) from++;
  while (to > from && isSpaceCode(text.charCodeAt(to - 1))) to--;
  if (from === to || to - from > 40) return false;
  // No digit or sentence punctuation ([\d.,;:!?"“”()]); at most four whitespace-separated words, each starting with a capital or "&".
  let count = 0;
  let afterSpace = true;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 34 || c === 0x201c || c === 0x201d || c === 40 || c === 41) return false;
    if (isSpaceCode(c)) {
      afterSpace = true;
      continue;
    }
    if (!afterSpace) continue;
    afterSpace = false;
    if (++count > 4) return false;
    if (c !== 38 && letterClass(c >= 0xd800 && c <= 0xdbff ? text.codePointAt(i)! : c) !== 2) return false;
  }
  return true;
}
