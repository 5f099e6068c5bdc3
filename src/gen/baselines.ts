/**
 * Baselines the dedup benchmark reports beside newsclean, computed on the same
 * paragraphs: exact duplicates of the normalised text, and plain MinHash LSH
 * on word 5-grams (128 permutations, threshold 0.5, bands and rows chosen the
 * way datasketch's MinHashLSH chooses them, connected components of the
 * candidate pairs, no verification: the usual text-dedup recipe).
 */
import { fmix32 } from '../dedup/minhash.ts';
import { hashString32, normaliseText } from '../dedup/features.ts';

export function exactHashClusters(texts: readonly string[]): (string | null)[] {
  return texts.map((t) => `x:${normaliseText(t)}`);
}

/** datasketch's _optimal_param: minimise 0.5 × false-positive + 0.5 × false-negative area. */
export function optimalBands(threshold: number, permutations: number): { bands: number; rows: number } {
  const integrate = (f: (s: number) => number, a: number, b: number) => {
    const steps = 1000;
    const h = (b - a) / steps;
    let area = 0;
    for (let i = 0; i < steps; i++) area += f(a + (i + 0.5) * h) * h;
    return area;
  };
  let best = { bands: 1, rows: permutations, error: Infinity };
  for (let b = 1; b <= permutations; b++) {
    for (let r = 1; r <= Math.floor(permutations / b); r++) {
      const fp = integrate((s) => 1 - (1 - s ** r) ** b, 0, threshold);
      const fn = integrate((s) => 1 - (1 - (1 - s ** r) ** b), threshold, 1);
      const error = 0.5 * fp + 0.5 * fn;
      if (error < best.error) best = { bands: b, rows: r, error };
    }
  }
  return { bands: best.bands, rows: best.rows };
}

export function minhashLshClusters(texts: readonly string[], opts: { ngram?: number; permutations?: number; threshold?: number } = {}): (string | null)[] {
  const { ngram = 5, permutations = 128, threshold = 0.5 } = opts;
  const { bands, rows } = optimalBands(threshold, permutations);
  const parent = texts.map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  const buckets = new Map<string, number>();
  const sig = new Uint32Array(permutations);
  texts.forEach((text, i) => {
    const words = normaliseText(text).split(' ').filter(Boolean);
    const shingles = new Set<number>();
    for (let j = 0; j + ngram <= words.length; j++) shingles.add(hashString32(words.slice(j, j + ngram).join(' ')));
    if (shingles.size === 0) shingles.add(hashString32(words.join(' ')));
    sig.fill(0xffffffff);
    for (const s of shingles) {
      for (let p = 0; p < permutations; p++) {
        const h = fmix32(s ^ Math.imul(p + 1, 0x9e3779b1));
        if (h < sig[p]!) sig[p] = h;
      }
    }
    for (let b = 0; b < bands; b++) {
      const key = `${b}:${Array.from(sig.subarray(b * rows, (b + 1) * rows)).join(',')}`;
      const other = buckets.get(key);
      if (other === undefined) buckets.set(key, i);
      else parent[find(i)] = find(other);
    }
  });
  return texts.map((_, i) => `m:${find(i)}`);
}
