/**
 * Which characters can a regular expression's match start with? A conservative
 * reading of a pattern's source, used to test a line only against the phrase
 * patterns that can match it: with a few hundred whole-line patterns, most of
 * the time went into alternatives that fail on the line's first character.
 *
 * Conservative means: the answer is a set that contains every possible first
 * UTF-16 code unit of a non-empty match, or null ("any") whenever the pattern
 * uses something this reader does not model (character escapes such as \d or
 * \p{…}, `.`, negated or escaped classes, lookaround, anchors, back references).
 * A null answer only costs speed, never a match.
 */

/** The first code units a non-empty match can start with, or null for "could be any". */
export function firstChars(source: string): Set<number> | null {
  return read(source)?.first ?? null;
}

/**
 * The first two code units of every match at least two units long, each pair as
 * `first << 16 | second` (pairKey), or null for "could be any". "([Bb]y|BY) \\p{Lu}…" → By, by, BY
 * (and pairs that cannot occur, as long as every one that can is there). A line of two or more
 * units that starts with none of them cannot match.
 */
export function firstPairs(source: string): Set<number> | null {
  // As in lengthBounds: an astral literal reads as two units of two atoms.
  if (/[\ud800-\udfff]/.test(source)) return null;
  return read(source)?.pairs ?? null;
}

/** The key firstPairs gives the units a, b. */
export function pairKey(a: number, b: number): number {
  return (a << 16) | b;
}

/** Past this many pairs a set is read as "any" (a test would turn few lines away). */
const MAX_PAIRS = 4096;

/**
 * Text that every match of the pattern ends with ('' when none is known): "(\\S+ )?bloggers?
 * likes? this" ends with " this". A whole-line pattern whose first character can be anything
 * is tried only on lines that end with its suffix.
 */
export function literalSuffix(source: string): string {
  return read(source)?.suffix ?? '';
}

/**
 * Bounds on the length (UTF-16 units) of every match: [min, max], max Infinity when
 * unbounded; [0, Infinity] for a pattern this reader does not model. A whole-line pattern
 * cannot match a line outside them, so the line need not be tested at all.
 */
export function lengthBounds(source: string): [number, number] {
  // The reader takes a pattern's astral literal as two units, quantifying only the second: not a bound under /u.
  if (/[\ud800-\udfff]/.test(source)) return [0, Infinity];
  const r = read(source);
  return r ? [r.min, r.max] : [0, Infinity];
}

/**
 * Texts one of which every match contains (each at least `minLength` units), or null when the
 * reader finds none: "(we|i) (may|might) earn (a )?(commission|money)" → [" earn "] (the longest sure text); "(commission|compensation)"
 * → both. A line containing none of them cannot match, so an unanchored pattern need not run on it.
 */
export function requiredTexts(source: string, minLength = 3): string[] | null {
  // As in lengthBounds: an astral literal reads as two units, and a quantifier would split it.
  if (/[\ud800-\udfff]/.test(source)) return null;
  const r = read(source)?.required;
  return r && r.every((t) => t.length >= minLength) ? r : null;
}

function read(source: string): Info | null {
  try {
    const p = new Reader(source);
    const r = p.alternation();
    if (p.i !== source.length) return null;
    return r;
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

class Unsupported extends Error {}

interface Info {
  /** null = any character. */
  first: Set<number> | null;
  /** Can match the empty string. */
  nullable: boolean;
  /** The one string every match is, or null when matches can differ. */
  exact: string | null;
  /** A string every match ends with ('' when none is known). */
  suffix: string;
  /** Fewest and most UTF-16 units a match can have (a class, an escape or `.` may match a surrogate pair under /u: up to 2). */
  min: number;
  max: number;
  /** Texts one of which every match contains, longest first known; null when none is known. */
  required: string[] | null;
  /** The first two units of the matches of two or more units (pairKey; null: any). */
  pairs: Set<number> | null;
  /** Whether a match can be one unit long (true when not known). */
  one: boolean;
}

/** The shortest of a required-text choice: the one a gate can count on (longer texts are rarer). */
function weakest(texts: string[] | null): number {
  return texts ? Math.min(...texts.map((t) => t.length)) : 0;
}

/** Of two required-text choices of one sequence, the one whose shortest text is longer (then: fewer texts). */
function stronger(a: string[] | null, b: string[] | null): string[] | null {
  const wa = weakest(a);
  const wb = weakest(b);
  if (wa !== wb) return wa > wb ? a : b;
  return a && b ? (b.length < a.length ? b : a) : (a ?? b);
}

/** Longest common suffix of two strings. */
function commonSuffix(a: string, b: string): string {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n ? a.slice(a.length - n) : '';
}

/** What a character class, a class escape or `.` tells: its first characters (null: any), nothing of its text. */
function oneOf(first: Set<number> | null): Info {
  // "Any" may be a surrogate pair under /u: two units of one atom, whose pair is not known.
  return { first, nullable: false, exact: null, suffix: '', min: 1, max: 2, required: null, pairs: first ? new Set() : null, one: true };
}

function literal(ch: string): Info {
  return { first: new Set([ch.charCodeAt(0)]), nullable: false, exact: ch, suffix: ch, min: 1, max: 1, required: [ch], pairs: new Set(), one: true };
}

function union(a: Set<number> | null, b: Set<number> | null): Set<number> | null {
  if (!a || !b) return null;
  return new Set([...a, ...b]);
}

/** Pair sets united; "any" past MAX_PAIRS. */
function unionPairs(a: Set<number> | null, b: Set<number> | null): Set<number> | null {
  const u = union(a, b);
  return u && u.size > MAX_PAIRS ? null : u;
}

/** The pairs of a unit from `firsts` followed by one from `seconds` (null: any). */
function productPairs(firsts: Set<number> | null, seconds: Set<number> | null): Set<number> | null {
  if (firsts?.size === 0 || seconds?.size === 0) return new Set();
  if (!firsts || !seconds || firsts.size * seconds.size > MAX_PAIRS) return null;
  const out = new Set<number>();
  for (const a of firsts) for (const b of seconds) out.add(pairKey(a, b));
  return out;
}

/** Escaped characters that stand for themselves. */
const LITERAL_ESCAPES = new Set([...'.\\/()[]{}|?*+^$-\'"#&,:;<>=!@%~` ']);
const MAX_CLASS_RANGE = 256;
const DIGITS = Array.from({ length: 10 }, (_, d) => 48 + d);

class Reader {
  i = 0;
  constructor(private readonly s: string) {}

  private peek(): string | undefined {
    return this.s[this.i];
  }

  alternation(): Info {
    let info = this.sequence();
    while (this.peek() === '|') {
      this.i++;
      const next = this.sequence();
      info = {
        first: union(info.first, next.first),
        nullable: info.nullable || next.nullable,
        exact: info.exact !== null && info.exact === next.exact ? info.exact : null,
        suffix: commonSuffix(info.suffix, next.suffix),
        min: Math.min(info.min, next.min),
        max: Math.max(info.max, next.max),
        // A match takes one branch: it contains one of the texts some branch requires.
        required: info.required && next.required ? [...new Set([...info.required, ...next.required])] : null,
        pairs: unionPairs(info.pairs, next.pairs),
        one: info.one || next.one,
      };
    }
    return info;
  }

  private sequence(): Info {
    let first: Set<number> | null = new Set();
    // Until a non-nullable atom, every atom's first characters can start the sequence.
    let open = true;
    // The match so far as one fixed string (null once an atom varies), and what it ends with.
    let exact: string | null = '';
    let suffix = '';
    let min = 0;
    let max = 0;
    // The best required-text choice so far, and the fixed text of the current run of fixed atoms.
    let required: string[] | null = null;
    let run = '';
    // The first two units of the sequence so far when it has two or more, and whether it can have
    // one (a unit of `first`) or none (`open`): the next atom then supplies the second or both.
    let pairs: Set<number> | null = new Set();
    let one = false;
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) {
      const atom = this.quantified();
      if (one) pairs = unionPairs(pairs, productPairs(first, atom.first));
      if (open) pairs = unionPairs(pairs, atom.pairs);
      one = (one && atom.nullable) || (open && atom.one);
      min += atom.min;
      max += atom.max;
      if (atom.exact !== null) run += atom.exact;
      else {
        if (run) required = stronger(required, [run]);
        run = '';
        required = stronger(required, atom.required);
      }
      if (open) {
        first = union(first, atom.first);
        if (!atom.nullable) open = false;
      }
      if (atom.exact !== null) {
        suffix += atom.exact;
        if (exact !== null) exact += atom.exact;
      } else {
        suffix = atom.suffix;
        exact = null;
      }
    }
    if (run) required = stronger(required, [run]);
    return { first, nullable: open, exact, suffix, min, max, required, pairs, one };
  }

  private quantified(): Info {
    const atom = this.atom();
    const q = this.peek();
    let min = 1;
    let max = 1;
    if (q === '?' || q === '*') {
      min = 0;
      max = q === '?' ? 1 : Infinity;
      this.i++;
    } else if (q === '+') {
      max = Infinity;
      this.i++;
    } else if (q === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
      if (!m) throw new Unsupported();
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
      this.i += m[0].length;
    } else return atom;
    if (this.peek() === '?') this.i++;
    // Repeated at least once, a match ends as the atom's last repetition does; optional, it may be absent.
    return {
      first: atom.first,
      nullable: atom.nullable || min === 0,
      exact: null,
      suffix: min > 0 ? atom.suffix : '',
      min: atom.min * min,
      // 0 × Infinity is NaN: an atom that matches nothing repeated any number of times still matches nothing.
      max: atom.max === 0 ? 0 : atom.max * max,
      required: min > 0 ? atom.required : null,
      // Repeated, a one-unit repetition can be followed by another.
      pairs: max >= 2 && atom.one ? unionPairs(atom.pairs, productPairs(atom.first, atom.first)) : atom.pairs,
      one: atom.one,
    };
  }

  private atom(): Info {
    const c = this.s[this.i++];
    if (c === undefined) throw new Unsupported();
    if (c === '(') {
      if (this.s.startsWith('?:', this.i)) this.i += 2;
      else if (this.peek() === '?') {
        const named = /^\?<([A-Za-z_$][\w$]*)>/.exec(this.s.slice(this.i));
        if (!named) throw new Unsupported(); // lookaround
        this.i += named[0].length;
      }
      const inner = this.alternation();
      if (this.s[this.i++] !== ')') throw new Unsupported();
      return inner;
    }
    if (c === '[') return oneOf(this.charClass());
    if (c === '\\') {
      const e = this.s[this.i++];
      if (e === undefined) throw new Unsupported();
      if (LITERAL_ESCAPES.has(e)) return literal(e);
      if (e === 'd') return oneOf(new Set(DIGITS));
      // Word boundaries consume nothing.
      if (e === 'b' || e === 'B') return { first: new Set(), nullable: true, exact: '', suffix: '', min: 0, max: 0, required: null, pairs: new Set(), one: false };
      if (e === 'w' || e === 'W' || e === 's' || e === 'S' || e === 'D') return oneOf(null);
      if (e === 'p' || e === 'P') {
        const m = /^\{[\w=]+\}/.exec(this.s.slice(this.i));
        if (!m) throw new Unsupported();
        this.i += m[0].length;
        return oneOf(null);
      }
      throw new Unsupported();
    }
    if (c === '.') return oneOf(null);
    if (c === '^' || c === '$' || c === ')' || c === '|' || c === '?' || c === '*' || c === '+' || c === '{') throw new Unsupported();
    // A literal character (an astral one starts with its high surrogate, as the subject does, and its low one is the next literal).
    return literal(c);
  }

  /** A class of literal characters and small ranges; negated classes, class escapes (\\w …) and wide ranges read as "any". */
  private charClass(): Set<number> | null {
    let any = false;
    if (this.peek() === '^') {
      any = true;
      this.i++;
    }
    const out = new Set<number>();
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) throw new Unsupported();
      if (c === ']') return any ? null : out;
      let from: number;
      if (c === '\\') {
        const e = this.s[this.i++];
        if (e === undefined) throw new Unsupported();
        if (e === 'p' || e === 'P') {
          const m = /^\{[\w=]+\}/.exec(this.s.slice(this.i));
          if (!m) throw new Unsupported();
          this.i += m[0].length;
          any = true;
          continue;
        }
        if (!LITERAL_ESCAPES.has(e)) {
          // \w, \d, \s, \u…: too wide or not modelled; the class can start anything.
          if (!/[wWdDsSbBtnrfv]/.test(e)) throw new Unsupported();
          any = true;
          continue;
        }
        from = e.charCodeAt(0);
      } else from = c.charCodeAt(0);
      if (from >= 0xd800 && from <= 0xdfff) throw new Unsupported();
      if (this.peek() === '-' && this.s[this.i + 1] !== ']' && this.s[this.i + 1] !== undefined) {
        this.i++;
        const t = this.s[this.i++]!;
        if (t === '\\' || t === '[') throw new Unsupported();
        const to = t.charCodeAt(0);
        if (to < from || (to >= 0xd800 && to <= 0xdfff)) throw new Unsupported();
        if (to - from > MAX_CLASS_RANGE) any = true;
        else for (let x = from; x <= to; x++) out.add(x);
      } else out.add(from);
    }
  }
}
