/**
 * Does a string contain any of a fixed set of texts? The first test the contains-rules run
 * behind (src/boilerplate/knowledge.ts): every such rule requires one of a few texts
 * (first-chars.ts `requiredTexts`), and a line holding none of them cannot match.
 *
 * A table of the texts' first three characters, read at every position of the line, then a
 * `startsWith` check of the texts that begin there. The same texts as one regular expression
 * alternation (a hundred of them) made the dev-set dump pass slower, not faster: V8 tries the
 * alternatives one after the other at every position, and the allocations of its matcher
 * doubled the garbage collector's time. The table costs a few loads per character.
 */

/** Texts must be at least this long (the table reads three characters). */
export const GATE_MIN_TEXT = 3;

const TABLE_BITS = 16;
const TABLE_MASK = (1 << TABLE_BITS) - 1;

function trigramKey(a: number, b: number, c: number): number {
  return (Math.imul(a, 961) + Math.imul(b, 31) + c) & TABLE_MASK;
}

export class TextGate {
  /** Index (1-based) into `starts` of the texts whose first three characters hash to the slot; 0: none. */
  private readonly table = new Uint16Array(1 << TABLE_BITS);
  private readonly starts: string[][] = [[]];
  readonly texts: readonly string[];

  constructor(texts: Iterable<string>) {
    const unique = [...new Set(texts)];
    for (const t of unique) if (t.length < GATE_MIN_TEXT) throw new Error(`text gate: "${t}" is shorter than ${GATE_MIN_TEXT} characters`);
    // A line holding "newsletter an" holds "newsletter": the longer text adds nothing.
    this.texts = unique.filter((t) => !unique.some((u) => u !== t && t.includes(u)));
    for (const t of this.texts) {
      const key = trigramKey(t.charCodeAt(0), t.charCodeAt(1), t.charCodeAt(2));
      let at = this.table[key]!;
      if (at === 0) {
        at = this.starts.push([]) - 1;
        this.table[key] = at;
      }
      this.starts[at]!.push(t);
    }
  }

  /** Whether `s` contains one of the texts. */
  test(s: string): boolean {
    const n = s.length;
    if (n < GATE_MIN_TEXT) return false;
    const table = this.table;
    let a = s.charCodeAt(0);
    let b = s.charCodeAt(1);
    for (let i = 2; i < n; i++) {
      const c = s.charCodeAt(i);
      const at = table[trigramKey(a, b, c)]!;
      if (at !== 0) {
        for (const t of this.starts[at]!) if (s.startsWith(t, i - 2)) return true;
      }
      a = b;
      b = c;
    }
    return false;
  }
}
