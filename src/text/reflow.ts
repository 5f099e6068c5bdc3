/**
 * Reflow: undo a scraper's splitting of one paragraph into several blocks
 * (and hard-wrapped lines inside a block), using only general evidence about
 * sentence shape — never a list of known splits.
 *
 * Two adjacent paragraph blocks A, B are joined when A does not end with
 * sentence punctuation (. ! ? … : ;) and one of these holds:
 *  1. A ends with a comma or another clause-opening character (`,` `(` `–` `&` `/`):
 *     `Zalmay Khalilzad,` + `the Biden administration’s …`;
 *  2. B starts with a lowercase letter and reads as the rest of a sentence
 *     (ends with sentence punctuation or a comma, or has at least
 *     `minContinuationWords` words), and A has at least two words:
 *     `Donald Trump’s` + `secretary of state,`. A lone unpunctuated word
 *     (`Advertisement`) is a label, and so is a short lowercase line
 *     (`nach oben`, `zur Startseite`);
 *  3. B starts uppercase but is itself visibly mid-sentence (it ends with a
 *     comma, or the block after it is a lowercase continuation as in rule 2)
 *     and A is a sentence fragment of at least `minFragmentWords` words:
 *     `… then-President` + `Donald Trump’s` (+ `secretary of state,`),
 *     `… political chief Mullah` + `Abdul Ghani Baradar` (+ `with the purpose …`).
 *
 * Never joined: headings (titles, subheadings), non-paragraph kinds (list
 * items, quotes, captions, tables), a block that ends with sentence
 * punctuation, blocks that are or start with a URL or e-mail address, and
 * blocks that still have internal line structure (a label over a URL).
 * Case rules need a cased script, so caseless scripts only join on rule 1.
 *
 * Inside a block whose lines look hard-wrapped (`looksHardWrapped`: the next
 * word would not have fitted on each line), lines are joined with a space (no
 * space after a word-final hyphen before a lowercase letter: `well-` + `known`
 * → `well-known`, the hyphen is kept) unless a line is a URL/e-mail, the next
 * line starts a list item, or the line ends a sentence well short of the
 * block's wrap width (a deliberate line break). Lines that do not look wrapped
 * are structure and keep their breaks.
 *
 * Reflow never deletes or reorders characters: only whitespace between blocks
 * and lines changes. It runs to a fixpoint, so applying it twice is the same
 * as applying it once.
 */
import type { Block } from '../core/types.ts';
import { endsOpen, endsWithTerminal, initialCase, isUrlOrEmailLine, looksHardWrapped, startsWithUrlOrEmail, wordCount } from './shape.ts';

export interface ReflowOptions {
  /** Join hard-wrapped lines inside a block. */
  joinLines: boolean;
  /** Rule 3: shortest fragment (in words) that an uppercase-initial continuation may be joined to. */
  minFragmentWords: number;
  /** Rules 2 and 3: a lowercase continuation without final punctuation or comma needs this many words. */
  minContinuationWords: number;
  /** A line ending a sentence shorter than this share of the block's longest line is a deliberate break. */
  shortLineRatio: number;
}

export const DEFAULT_REFLOW_OPTIONS: ReflowOptions = { joinLines: true, minFragmentWords: 4, minContinuationWords: 6, shortLineRatio: 0.6 };

export interface ReflowResult {
  blocks: Block[];
  /** Block joins made. */
  joins: number;
  /** Line breaks inside blocks replaced by a space. */
  lineJoins: number;
}

const LIST_ITEM_START = /^(?:[-*•·▪◦‣–—]\s|\(?\d{1,3}[.)]\s|\(?[a-z][.)]\s)/u;
const HYPHEN_WRAP = /\p{L}-$/u;

/** The separator that joins two pieces of one sentence: a space, or nothing after a hyphenated word split. */
function joinSeparator(left: string, right: string): string {
  return HYPHEN_WRAP.test(left) && initialCase(right) === 'lower' ? '' : ' ';
}

/** The text ends with a URL or e-mail address (its `/` or `-` does not leave a clause open). */
function endsWithUrlOrEmail(text: string): boolean {
  const tail = text.slice(-300);
  const last = tail.slice(tail.search(/\S+\s*$/u)).trim();
  return isUrlOrEmailLine(last);
}

function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i < 0 ? text : text.slice(0, i);
}

/** Join hard-wrapped lines inside one block's text; returns the text and how many breaks were joined. */
export function joinWrappedLines(text: string, opts: ReflowOptions = DEFAULT_REFLOW_OPTIONS): { text: string; joins: number } {
  if (!text.includes('\n')) return { text, joins: 0 };
  const lines = text.split('\n');
  // Lines that are not one hard-wrapped paragraph are structure (a label over its URL, a menu, an address).
  if (!looksHardWrapped(lines)) return { text, joins: 0 };
  // reduce, not Math.max(...): a block of 200k lines would overflow the argument stack.
  const width = lines.reduce((max, l) => Math.max(max, l.length), 0);
  let out = lines[0]!;
  let joins = 0;
  for (let i = 1; i < lines.length; i++) {
    const prev = lines[i - 1]!;
    const line = lines[i]!;
    const keepBreak =
      isUrlOrEmailLine(prev) ||
      isUrlOrEmailLine(line) ||
      LIST_ITEM_START.test(line) ||
      (endsWithTerminal(prev) && prev.length < width * opts.shortLineRatio);
    if (keepBreak) out += `\n${line}`;
    else {
      out += joinSeparator(prev, line) + line;
      joins++;
    }
  }
  return { text: out, joins };
}

function joinable(block: Block): boolean {
  return block.kind === 'paragraph' && !block.text.includes('\n');
}

/**
 * A lowercase-initial block that reads as the rest of a sentence: it ends
 * with sentence punctuation or a comma, or is long enough to be prose. Short
 * lowercase labels (`nach oben`, `to top`, `zur Startseite`, brand names such
 * as `fairkom GitLab`) are not continuations: joining them would glue
 * navigation onto text.
 */
function readsAsContinuation(block: Block, opts: ReflowOptions): boolean {
  return endsWithTerminal(block.text) || endsOpen(block.text) || wordCount(block.text) >= opts.minContinuationWords;
}

/** Does B visibly continue into the block after it (so B is mid-sentence)? */
function continuesIntoNext(b: Block, c: Block | undefined, opts: ReflowOptions): boolean {
  if (endsOpen(b.text)) return true;
  return c !== undefined && joinable(c) && !startsWithUrlOrEmail(c.text) && initialCase(c.text) === 'lower' && readsAsContinuation(c, opts);
}

/** The end of the block being built: what the join rules look at on the left side. */
interface Left {
  kind: Block['kind'];
  /** Text of the last part (the rules read its end). */
  lastText: string;
  /** Words so far (sum over the parts). */
  words: number;
  multiline: boolean;
}

function leftOf(block: Block): Left {
  return { kind: block.kind, lastText: block.text, words: wordCount(block.text), multiline: block.text.includes('\n') };
}

function decide(a: Left, b: Block, c: Block | undefined, opts: ReflowOptions): boolean {
  // A block of punctuation only (`—`, `-`) is a separator, not the start of a sentence.
  if (a.kind !== 'paragraph' || a.multiline || a.words === 0 || !joinable(b)) return false;
  if (endsWithTerminal(a.lastText)) return false;
  if (endsWithUrlOrEmail(a.lastText) || isUrlOrEmailLine(firstLine(b.text)) || startsWithUrlOrEmail(b.text)) return false;
  if (!/\p{L}|\p{N}/u.test(b.text)) return false;
  if (endsOpen(a.lastText)) return true;
  const bCase = initialCase(b.text);
  // A lone word without punctuation (`Advertisement`, `Anzeige`, `Menu`) is a label more often than the
  // start of a sentence; joining it would glue boilerplate into prose where no later stage can take it out.
  if (bCase === 'lower') return a.words >= 2 && readsAsContinuation(b, opts);
  if (bCase === 'upper' && !endsWithTerminal(b.text) && a.words >= opts.minFragmentWords) {
    return continuesIntoNext(b, c, opts);
  }
  return false;
}

/** Should `b` be appended to `a` (with `c` the block after `b`, for look-ahead)? */
export function shouldJoin(a: Block, b: Block, c: Block | undefined, opts: ReflowOptions = DEFAULT_REFLOW_OPTIONS): boolean {
  return decide(leftOf(a), b, c, opts);
}

function absorbedSeqs(block: Block): number[] {
  return (block.data?.reflowedSeqs as number[] | undefined) ?? [block.seq];
}

/** One block from consecutive parts of a split paragraph (built once per group, so long chains stay linear). */
function mergeParts(parts: Block[]): Block {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  let text = first.text;
  const flags = [...first.flags];
  const seqs = [...absorbedSeqs(first)];
  let seq = first.seq;
  let start = first.source.start;
  let end = first.source.end;
  let data: Record<string, unknown> = {};
  let previous = first.text;
  for (const part of parts.slice(1)) {
    text += joinSeparator(previous, part.text);
    previous = part.text;
    const shift = text.length;
    for (const f of part.flags) flags.push({ ...f, start: f.start + shift, end: f.end + shift });
    text += part.text;
    for (const s of absorbedSeqs(part)) seqs.push(s);
    seq = Math.min(seq, part.seq);
    start = Math.min(start, part.source.start);
    end = Math.max(end, part.source.end);
    if (part.data) data = { ...data, ...part.data };
  }
  return { ...first, seq, text, source: { start, end }, flags, data: { ...data, ...first.data, reflowedSeqs: seqs } };
}

function reflowPass(blocks: Block[], opts: ReflowOptions): ReflowResult {
  let lineJoins = 0;
  const lined = opts.joinLines
    ? blocks.map((b) => {
        // Headings and preformatted text keep their lines as written.
        if (b.kind === 'preformatted' || b.kind === 'heading' || !b.text.includes('\n') || b.flags.length) return b;
        const r = joinWrappedLines(b.text, opts);
        lineJoins += r.joins;
        return r.joins ? { ...b, text: r.text } : b;
      })
    : blocks;
  const out: Block[] = [];
  let joins = 0;
  let group: Block[] = [];
  let left: Left | null = null;
  for (let i = 0; i < lined.length; i++) {
    const b = lined[i]!;
    if (left && decide(left, b, lined[i + 1], opts)) {
      group.push(b);
      left = { kind: left.kind, lastText: b.text, words: left.words + wordCount(b.text), multiline: false };
      joins++;
      continue;
    }
    if (group.length) out.push(mergeParts(group));
    group = [b];
    left = leftOf(b);
  }
  if (group.length) out.push(mergeParts(group));
  return { blocks: out, joins, lineJoins };
}

/** Reflow to a fixpoint (each pass only removes breaks, so it terminates). */
export function reflowBlocks(blocks: Block[], opts: ReflowOptions = DEFAULT_REFLOW_OPTIONS): ReflowResult {
  let current = blocks;
  let joins = 0;
  let lineJoins = 0;
  for (;;) {
    const r = reflowPass(current, opts);
    joins += r.joins;
    lineJoins += r.lineJoins;
    current = r.blocks;
    if (r.joins === 0 && r.lineJoins === 0) return { blocks: current, joins, lineJoins };
  }
}
