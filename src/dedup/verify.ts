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
  readonly length: number;
  private readonly words: number;
  /**
   * token → row in `masks` (each row `words` long), as an open-addressing table
   * (Fibonacci hashing, linear probing; row -1 marks a free slot): looked up
   * once per token of every compared sequence, several times faster than a Map.
   */
  private readonly slotTokens: Int32Array;
  private readonly slotRows: Int32Array;
  private readonly shift: number;
  private readonly masks: Uint32Array;
  private readonly v: Uint32Array;

  constructor(readonly seq: Int32Array) {
    this.length = seq.length;
    const words = (this.words = (seq.length + 31) >>> 5);
    const bits = Math.max(4, Math.ceil(Math.log2(seq.length * 2 + 1)));
    this.shift = 32 - bits;
    this.slotTokens = new Int32Array(1 << bits);
    this.slotRows = new Int32Array(1 << bits).fill(-1);
    this.masks = new Uint32Array(seq.length * words);
    let distinct = 0;
    for (let i = 0; i < seq.length; i++) {
      const t = seq[i]!;
      let slot = Math.imul(t, 0x9e3779b1) >>> this.shift;
      while (this.slotRows[slot] !== -1 && this.slotTokens[slot] !== t) slot = (slot + 1) & (this.slotTokens.length - 1);
      if (this.slotRows[slot] === -1) {
        this.slotTokens[slot] = t;
        this.slotRows[slot] = distinct++ * words;
      }
      this.masks[this.slotRows[slot]! + (i >>> 5)]! |= 1 << (i & 31);
    }
    this.v = new Uint32Array(words);
  }

  /** Row of `token` in `masks`, or -1 when the pattern does not contain it. */
  private row(token: number): number {
    const tokens = this.slotTokens;
    const rows = this.slotRows;
    const mask = tokens.length - 1;
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
    const v = this.v.fill(0xffffffff);
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
