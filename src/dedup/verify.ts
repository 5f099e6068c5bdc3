/**
 * Verification of candidate pairs by alignment of their token sequences.
 *
 * The number of aligned tokens is the length of the longest common
 * subsequence, the same count a minimal diff (the `diff` package's Myers
 * algorithm) keeps as unchanged; it is computed bit-parallel here (Hyyrö 2004,
 * 32 tokens per machine word) because verification runs once or twice per
 * paragraph and must not allocate a change list each time. Containment (aligned
 * / shorter) accepts abridged and split copies; overlap (aligned / longer) says
 * how complete a copy is.
 */

/**
 * Match masks of one sequence (the pattern), built once and reused for every
 * sequence it is compared with: a paragraph is checked against a cluster's
 * leader and representatives with one pattern.
 */
export class LcsPattern {
  length = 0;
  seq: Int32Array = new Int32Array(0);
  private words = 0;
  /**
   * token → row in `masks` (each row `words` long), as an open-addressing table
   * (Fibonacci hashing, linear probing; row -1 marks a free slot): looked up
   * once per token of every compared sequence, several times faster than a Map.
   * The arrays are kept and reused by `set` (the index aligns one paragraph at a
   * time; allocating them per paragraph was a tenth of the run).
   */
  private slotTokens = new Int32Array(16);
  private slotRows = new Int32Array(16);
  private shift = 28;
  private tableMask = 15;
  private masks = new Uint32Array(16);
  private v = new Uint32Array(1);

  constructor(seq?: Int32Array) {
    if (seq) this.set(seq);
  }

  /** Make this the pattern of `seq` (reusing the arrays when they are large enough). */
  set(seq: Int32Array): this {
    this.seq = seq;
    this.length = seq.length;
    const words = (this.words = (seq.length + 31) >>> 5);
    const bits = Math.max(4, Math.ceil(Math.log2(seq.length * 2 + 1)));
    const size = 1 << bits;
    this.shift = 32 - bits;
    this.tableMask = size - 1;
    if (this.slotTokens.length < size) {
      this.slotTokens = new Int32Array(size);
      this.slotRows = new Int32Array(size);
    }
    this.slotRows.fill(-1, 0, size);
    if (this.masks.length < seq.length * words) this.masks = new Uint32Array(seq.length * words);
    if (this.v.length < words) this.v = new Uint32Array(words);
    const { slotTokens, slotRows, masks } = this;
    let distinct = 0;
    for (let i = 0; i < seq.length; i++) {
      const t = seq[i]!;
      let slot = Math.imul(t, 0x9e3779b1) >>> this.shift;
      while (slotRows[slot] !== -1 && slotTokens[slot] !== t) slot = (slot + 1) & this.tableMask;
      if (slotRows[slot] === -1) {
        slotTokens[slot] = t;
        const row = (slotRows[slot] = distinct++ * words);
        masks.fill(0, row, row + words);
      }
      masks[slotRows[slot]! + (i >>> 5)]! |= 1 << (i & 31);
    }
    return this;
  }

  /** Row of `token` in `masks`, or -1 when the pattern does not contain it. */
  private row(token: number): number {
    const tokens = this.slotTokens;
    const rows = this.slotRows;
    const mask = this.tableMask;
    for (let slot = Math.imul(token, 0x9e3779b1) >>> this.shift; ; slot = (slot + 1) & mask) {
      const row = rows[slot]!;
      if (row === -1 || tokens[slot] === token) return row;
    }
  }

  /** Length of the longest common subsequence of the pattern and `other`. */
  lcs(other: Int32Array): number {
    return this.lcsIn(other, 0, other.length);
  }

  /**
   * Length of the longest common subsequence of the pattern and
   * `data[start … start + length)` (a sequence stored in a shared pool, read
   * in place: verification runs millions of times and must not allocate).
   */
  lcsIn(data: Int32Array, start: number, length: number): number {
    const m = this.length;
    if (m === 0 || length === 0) return 0;
    const end = start + length;
    const words = this.words;
    const masks = this.masks;
    const v = this.v.fill(0xffffffff, 0, words);
    if (words === 1) {
      // One machine word: no carries between words.
      let v0 = 0xffffffff;
      for (let j = start; j < end; j++) {
        const row = this.row(data[j]!);
        if (row < 0) continue;
        const mk = masks[row]!;
        const u = v0 & mk;
        v0 = (((v0 + (u >>> 0)) >>> 0) | (v0 & ~mk)) >>> 0;
      }
      v[0] = v0;
    } else {
      for (let j = start; j < end; j++) {
        const row = this.row(data[j]!);
        if (row < 0) continue;
        let carry = 0;
        for (let w = 0; w < words; w++) {
          const vw = v[w]!;
          const mk = masks[row + w]!;
          const u = vw & mk;
          const sum = vw + (u >>> 0) + carry;
          carry = sum > 0xffffffff ? 1 : 0;
          v[w] = (sum >>> 0) | (vw & ~mk);
        }
      }
    }
    let zeros = 0;
    for (let i = 0; i < m; i++) if ((v[i >>> 5]! & (1 << (i & 31))) === 0) zeros++;
    return zeros;
  }

  align(other: Int32Array): Alignment {
    return alignment(this.lcs(other), this.length, other.length);
  }
}

/** Length of the longest common subsequence of two token sequences. */
export function lcsLength(a: Int32Array, b: Int32Array): number {
  return new LcsPattern(a.length <= b.length ? a : b).lcs(a.length <= b.length ? b : a);
}

export interface Alignment {
  /** Aligned tokens. */
  matched: number;
  /** matched / length of the shorter sequence. */
  containment: number;
  /** matched / length of the longer sequence. */
  overlap: number;
}

function alignment(matched: number, lengthA: number, lengthB: number): Alignment {
  const short = Math.min(lengthA, lengthB);
  const long = Math.max(lengthA, lengthB);
  return { matched, containment: short ? matched / short : 0, overlap: long ? matched / long : 0 };
}

export function align(a: Int32Array, b: Int32Array): Alignment {
  return alignment(lcsLength(a, b), a.length, b.length);
}
