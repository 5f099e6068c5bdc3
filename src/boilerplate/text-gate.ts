/**
 * Which of a fixed set of texts does a string contain? The first test the phrase rules run
 * behind (src/boilerplate/knowledge.ts): nearly every rule requires one of a few texts
 * (first-chars.ts `requiredTexts`), and a line holding none of a rule's texts cannot match it.
 * On the dev-set dumps four lines in five hold none of the texts of any rule.
 *
 * Each text is filed under one of its three-character pieces, the one least common in the
 * phrase languages' stop words (`commonness`, supplied by the caller), in a table read at
 * every position of the line; a hit is confirmed by comparing the text where it would sit.
 * Filing texts under their first three characters instead ("der redaktion", "ein…") sent
 * two table hits in three to a comparison that failed.
 *
 * The same texts as one regular expression alternation (a hundred of them) made the dev-set
 * dump pass slower, not faster: V8 tries the alternatives one after the other at every
 * position, and the allocations of its matcher doubled the garbage collector's time. The
 * table costs a few loads per character.
 */

/** Texts must be at least this long (the table reads three characters). */
export const GATE_MIN_TEXT = 3;

/** Three units shifted in five bits apart fill exactly 15 bits: a fourth falls off entirely. */
const TABLE_BITS = 15;
const TABLE_MASK = (1 << TABLE_BITS) - 1;

/**
 * The slot of the piece ending at a unit, rolled in unit by unit: `key = ((key << KEY_SHIFT) ^
 * (unit | KEY_CASE)) & TABLE_MASK` (after three units it is the slot of the last three: see
 * TABLE_BITS).
 */
const KEY_SHIFT = 5;
/**
 * Every unit is keyed with this bit set: an ASCII capital and its lower case differ in this bit
 * alone, so a line whose only capitals are ASCII letters is keyed without lower-casing it
 * (findAsciiCase). Other units that differ only in it share a slot: a hit is confirmed anyway.
 */
const KEY_CASE = 32;
// The search loop spells it as a literal.
if (KEY_CASE !== 32) throw new Error('text gate: find assumes KEY_CASE = 32');

/** A piece's table slot. */
function trigramKey(a: number, b: number, c: number): number {
  return (((((a | KEY_CASE) << KEY_SHIFT) ^ (b | KEY_CASE)) << KEY_SHIFT) ^ (c | KEY_CASE)) & TABLE_MASK;
}

/** ASCII lower-cased (NUL stays 0: fold tables give 0 for "cannot fold", see TextGate.find). */
const ASCII_LOWER = Uint16Array.from({ length: 128 }, (_, c) => (c >= 65 && c <= 90 ? c + 32 : c));

/** TextGate.find's answer when `fold` has no one-unit lower case for a unit of the string. */
export const CANNOT_FOLD = -1;

export class TextGate {
  /** Per table slot, 1 + the index of the slot's first entry; 0: none. */
  private readonly table = new Uint16Array(1 << TABLE_BITS);
  /**
   * One bit per table slot, set when the slot has an entry: 4 KB, read first at every position
   * (it stays in the first-level cache, which the 64 KB table does not).
   */
  private readonly filled = new Int32Array((1 << TABLE_BITS) >>> 5);
  /** Most texts filed under one slot (room `find` keeps in `out` for the next slot's texts). */
  private readonly slotMax: number;
  /** Per filed text, flat: its id (index into `texts`), its piece's offset in it, and the next entry of its slot (-1: last). */
  private readonly entries: Int32Array;
  /** The texts, after dropping any that holds another (a line holding the longer holds the shorter). */
  readonly texts: readonly string[];
  private readonly codes: Uint16Array[];

  constructor(texts: Iterable<string>, commonness: (piece: string) => number = () => 0) {
    const unique = [...new Set(texts)];
    for (const t of unique) if (t.length < GATE_MIN_TEXT) throw new Error(`text gate: "${t}" is shorter than ${GATE_MIN_TEXT} characters`);
    // A line holding "newsletter an" holds "newsletter": the longer text adds nothing.
    this.texts = unique.filter((t) => !unique.some((u) => u !== t && t.includes(u)));
    this.codes = this.texts.map((t) => Uint16Array.from(t, (ch) => ch.charCodeAt(0)));
    if (this.texts.length >= 0xffff) throw new Error('text gate: too many texts');
    this.entries = new Int32Array(this.texts.length * 3);
    this.texts.forEach((t, id) => {
      let offset = 0;
      let best = Infinity;
      for (let o = 0; o + GATE_MIN_TEXT <= t.length; o++) {
        const c = commonness(t.slice(o, o + GATE_MIN_TEXT));
        if (c < best) [best, offset] = [c, o];
      }
      const key = trigramKey(t.charCodeAt(offset), t.charCodeAt(offset + 1), t.charCodeAt(offset + 2));
      this.entries.set([id, offset, this.table[key]! - 1], id * 3);
      this.table[key] = id + 1;
      this.filled[key >>> 5]! |= 1 << (key & 31);
    });
    let slotMax = 0;
    for (let key = 0; key <= TABLE_MASK; key++) {
      let count = 0;
      for (let e = this.table[key]! - 1; e >= 0; e = this.entries[e * 3 + 2]!) count++;
      slotMax = Math.max(slotMax, count);
    }
    this.slotMax = slotMax;
  }

  /** Whether `s` contains one of the texts. */
  test(s: string): boolean {
    // Room for one slot's texts and one more: a full buffer then means at least one text found.
    return this.find(s, null, new Int32Array(this.slotMax + 1)) > 0;
  }

  /**
   * Writes to `out` the id (index into `texts`) of each text `s` contains, at most `out.length`
   * of them (the same id more than once when a text occurs more than once), and returns how many
   * it wrote; with `fold`, the string is read lower-cased by it, unit by unit (CANNOT_FOLD when a
   * unit's entry is 0). `fold` must lower-case ASCII as ASCII_LOWER does (the scan reads ASCII
   * units through that 256-byte table instead of the 128 KB one). When `out` has no room left
   * for the texts of a slot (`slotMax`) the search ends and the answer is `out.length`: a caller
   * that needs every text must read that as "any" (it holds at least one of them when
   * out.length > slotMax).
   */
  find(s: string, fold: Uint16Array | null, out: Int32Array): number {
    return this.search(s, fold, fold, out);
  }

  /**
   * find(s, fold, out) for a string whose units all equal their lower case except ASCII capitals
   * (the caller knows it from the line scan): the units are keyed as they are (KEY_CASE), and
   * `fold` (which must lower-case ASCII capitals) only confirms a hit. About half the work per
   * unit of reading each one through a fold table.
   */
  findAsciiCase(s: string, fold: Uint16Array, out: Int32Array): number {
    return this.search(s, null, fold, out);
  }

  /** find's loop: units keyed through `keyFold` (null: as they are), hits confirmed through `fold`. */
  private search(s: string, keyFold: Uint16Array | null, fold: Uint16Array | null, out: Int32Array): number {
    const n = s.length;
    if (n < GATE_MIN_TEXT) return 0;
    const filled = this.filled;
    let found = 0;
    const asciiLower = ASCII_LOWER;
    let key = 0;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (keyFold !== null) {
        // ASCII through a 128-entry table that stays in the first-level cache.
        c = c < 128 ? asciiLower[c]! : keyFold[c]!;
        if (c === 0) return CANNOT_FOLD;
      }
      // The slot of the piece ending here: each unit shifted in, the oldest falling off the mask.
      // (32: KEY_CASE as a literal, a module constant costs a load per use.)
      key = ((key << KEY_SHIFT) ^ (c | 32)) & TABLE_MASK;
      if ((filled[key >>> 5]! & (1 << (key & 31))) === 0) continue;
      // No room for the slot's texts: stop (the caller reads a full buffer as "any").
      if (found + this.slotMax > out.length) return out.length;
      found = this.textsEndingAt(s, i, key, fold, out, found);
    }
    return found;
  }

  /**
   * Writes to out[at …] the id of each text filed under slot `key` that sits in `s` with its
   * piece ending at unit `i` (`s` read through `fold` when given), and returns the index after
   * the last id written. `out` must have room for `slotMax` ids from `at`.
   */
  private textsEndingAt(s: string, i: number, key: number, fold: Uint16Array | null, out: Int32Array, at: number): number {
    const entries = this.entries;
    for (let e = this.table[key]! - 1; e >= 0; e = entries[e * 3 + 2]!) {
      const id = entries[e * 3]!;
      if (this.holdsAt(s, i - 2 - entries[e * 3 + 1]!, id, fold)) out[at++] = id;
    }
    return at;
  }

  /** Whether text `id` sits in `s` at `from` (read through `fold` when given). */
  private holdsAt(s: string, from: number, id: number, fold: Uint16Array | null): boolean {
    const t = this.codes[id]!;
    if (from < 0 || from + t.length > s.length) return false;
    for (let k = 0; k < t.length; k++) {
      const c = s.charCodeAt(from + k);
      if ((fold === null ? c : fold[c]) !== t[k]) return false;
    }
    return true;
  }
}
