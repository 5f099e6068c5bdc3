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

/** Length of the longest common subsequence of two token sequences. */
export function lcsLength(a: Int32Array, b: Int32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a.length > b.length) [a, b] = [b, a];
  const m = a.length;
  const words = (m + 31) >>> 5;
  const masks = new Map<number, Uint32Array>();
  for (let i = 0; i < m; i++) {
    let mask = masks.get(a[i]!);
    if (!mask) masks.set(a[i]!, (mask = new Uint32Array(words)));
    mask[i >>> 5]! |= 1 << (i & 31);
  }
  const v = new Uint32Array(words).fill(0xffffffff);
  for (let j = 0; j < b.length; j++) {
    const mask = masks.get(b[j]!);
    if (!mask) continue;
    let carry = 0;
    for (let w = 0; w < words; w++) {
      const vw = v[w]!;
      const u = vw & mask[w]!;
      const sum = vw + (u >>> 0) + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      v[w] = (sum >>> 0) | (vw & ~mask[w]!);
    }
  }
  let zeros = 0;
  for (let i = 0; i < m; i++) if ((v[i >>> 5]! & (1 << (i & 31))) === 0) zeros++;
  return zeros;
}

export interface Alignment {
  /** Aligned tokens. */
  matched: number;
  /** matched / length of the shorter sequence. */
  containment: number;
  /** matched / length of the longer sequence. */
  overlap: number;
}

export function align(a: Int32Array, b: Int32Array): Alignment {
  const matched = lcsLength(a, b);
  const short = Math.min(a.length, b.length);
  const long = Math.max(a.length, b.length);
  return { matched, containment: short ? matched / short : 0, overlap: long ? matched / long : 0 };
}
