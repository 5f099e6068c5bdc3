/**
 * MinHash signatures (one-permutation hashing, Li et al. 2012, with optimal
 * densification, Shrivastava 2017: one hash per feature instead of one per
 * feature and permutation) and LSH band keys.
 *
 * Features of a token sequence: every token (a bag of synonym classes, robust
 * to word order and local damage) and every pair of neighbouring tokens (keeps
 * some order, so two paragraphs on one topic with the same vocabulary do not
 * look alike).
 */

/** murmur3 finaliser: a cheap, well-mixed 32-bit hash of a 32-bit value. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface SignatureParams {
  /** Signature length (bins); a power of two. */
  hashes: number;
  /** Seed mixed into every feature hash. */
  seed: number;
}

const EMPTY = 0xffffffff;

let scratch = new Uint8Array(0);
function scratchFor(k: number): Uint8Array {
  if (scratch.length < k) scratch = new Uint8Array(k);
  return scratch.length === k ? scratch : scratch.subarray(0, k);
}

/** Write the signature of `tokens` into `out` (length `hashes`). */
export function signature(tokens: Int32Array, p: SignatureParams, out: Uint32Array): Uint32Array {
  const k = p.hashes;
  const binBits = Math.log2(k);
  const valueMask = (2 ** (32 - binBits) - 1) >>> 0;
  out.fill(EMPTY);
  const shift = 32 - binBits;
  const seed = p.seed | 0;
  const pairSeed = (seed + 0x632be5ab) | 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // Unigram, then bigram with the next token; bin from the high bits, value from the rest.
    let h = fmix32(t ^ seed);
    let bin = h >>> shift;
    let v = (h & valueMask) >>> 0;
    if (v < out[bin]!) out[bin] = v;
    if (i + 1 < tokens.length) {
      h = fmix32(Math.imul(t, 0x9e3779b1) ^ tokens[i + 1]! ^ pairSeed);
      bin = h >>> shift;
      v = (h & valueMask) >>> 0;
      if (v < out[bin]!) out[bin] = v;
    }
  }
  // Optimal densification (Shrivastava 2017): an empty bin copies the value of
  // a bin picked by a hash of (bin, attempt) until it hits an originally filled
  // one. Borrowing from the next bin instead (rotation) makes sparse
  // paragraphs collide on whole bands through one shared word.
  let filledCount = 0;
  const filled = scratchFor(k);
  filled.fill(0);
  for (let b = 0; b < k; b++) if (out[b] !== EMPTY) (filled[b] = 1), filledCount++;
  if (filledCount === 0 || filledCount === k) return out;
  for (let b = 0; b < k; b++) {
    if (filled[b]) continue;
    for (let attempt = 1; ; attempt++) {
      const src = fmix32(Math.imul(b, 0x3c6ef372) ^ Math.imul(attempt, 0x9e3779b1) ^ seed) & (k - 1);
      if (filled[src]) {
        out[b] = out[src]!;
        break;
      }
    }
  }
  return out;
}

/** Band keys of a signature: `bands` keys of `rows` values each (band index mixed in). */
export function bandKeys(sig: Uint32Array, bands: number, rows: number, out: Uint32Array): Uint32Array {
  for (let b = 0; b < bands; b++) {
    let h = Math.imul(b + 1, 0x27d4eb2d);
    for (let r = 0; r < rows; r++) h = fmix32(h ^ sig[b * rows + r]!);
    out[b] = h;
  }
  return out;
}

/** Estimated Jaccard similarity of two signatures (share of equal bins). */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let eq = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) eq++;
  return eq / a.length;
}

/**
 * A multimap from 32-bit keys to 32-bit values in typed arrays (bucket heads +
 * chained entries), so tens of millions of LSH entries cost 12 bytes each
 * instead of a JS Map's ~80. An entry's key, value and next link sit side by
 * side in one array: a lookup walking a chain touches one cache line per entry
 * (three parallel arrays cost three misses, and chain walks dominate candidate
 * collection on crowded band tables).
 */
export class IntMultiMap {
  private heads: Int32Array;
  /** Per entry: key (as int32), value, next entry (-1 ends a chain). */
  private entries: Int32Array;
  private count = 0;

  /** `expected`: entries to make room for at once (grown by half when exceeded). */
  constructor(expected = 1024) {
    const cap = Math.max(16, Math.ceil(expected));
    this.entries = new Int32Array(3 * cap);
    // About two entries per bucket: chains stay short, heads cost 2 bytes per entry.
    this.heads = new Int32Array(2 ** Math.ceil(Math.log2(Math.max(16, cap / 2)))).fill(-1);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the arrays. */
  get bytes(): number {
    return this.heads.byteLength + this.entries.byteLength;
  }

  private growEntries(): void {
    const entries = new Int32Array(3 * Math.ceil((this.entries.length / 3) * 1.5));
    entries.set(this.entries);
    this.entries = entries;
  }

  private rehash(): void {
    this.heads = new Int32Array(this.heads.length * 2).fill(-1);
    const mask = this.heads.length - 1;
    const en = this.entries;
    for (let i = 0; i < this.count; i++) {
      const slot = fmix32(en[3 * i]!) & mask;
      en[3 * i + 2] = this.heads[slot]!;
      this.heads[slot] = i;
    }
  }

  /**
   * Add (key, value) unless that exact pair is present, or `key` already holds
   * `maxPerKey` values (then nothing is added and false is returned: a key
   * shared by that many values says little, and an unbounded bucket makes
   * every lookup of it, and every insertion, cost its whole length).
   */
  add(key: number, value: number, maxPerKey = Infinity): boolean {
    key |= 0;
    const en = this.entries;
    let held = 0;
    for (let e = this.heads[fmix32(key) & (this.heads.length - 1)]!; e >= 0; e = en[3 * e + 2]!) {
      if (en[3 * e] !== key) continue;
      if (en[3 * e + 1] === value || ++held >= maxPerKey) return false;
    }
    if (3 * this.count === this.entries.length) this.growEntries();
    if (this.count >= 2 * this.heads.length) this.rehash();
    const slot = fmix32(key) & (this.heads.length - 1);
    const e = this.count++;
    const at = 3 * e;
    this.entries[at] = key;
    this.entries[at + 1] = value;
    this.entries[at + 2] = this.heads[slot]!;
    this.heads[slot] = e;
    return true;
  }

  /**
   * Write to `out` from position `n` each value stored under `key` whose
   * `stamps[value]` is not `stamp` yet, stamp it and start its count in
   * `counts` at 1; a value seen again under this stamp has its count raised.
   * Returns the new end of `out`. Collects distinct values over several keys,
   * with how many keys each came from, without allocating (`out` must have
   * room for every distinct value).
   */
  collectCounted(key: number, out: Int32Array, n: number, stamps: Int32Array, counts: Int32Array, stamp: number): number {
    key |= 0;
    const en = this.entries;
    for (let e = this.heads[fmix32(key) & (this.heads.length - 1)]!; e >= 0; e = en[3 * e + 2]!) {
      if (en[3 * e] !== key) continue;
      const v = en[3 * e + 1]!;
      if (stamps[v] !== stamp) {
        stamps[v] = stamp;
        counts[v] = 1;
        out[n++] = v;
      } else counts[v]!++;
    }
    return n;
  }

  /** Call `fn` for each value stored under `key`. */
  forEach(key: number, fn: (value: number) => void): void {
    key |= 0;
    const en = this.entries;
    for (let e = this.heads[fmix32(key) & (this.heads.length - 1)]!; e >= 0; e = en[3 * e + 2]!) if (en[3 * e] === key) fn(en[3 * e + 1]!);
  }
}
