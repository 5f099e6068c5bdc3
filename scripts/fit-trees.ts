/**
 * Gradient-boosted regression trees for the text-dump block model (used by
 * scripts/train-blocks.ts; inference in src/boilerplate/block-model.ts).
 *
 * Logistic loss, second-order leaf values (XGBoost's -G/(H+λ)), histogram splits
 * on at most MAX_BINS quantile bins per feature, complete trees of a fixed depth
 * (a node that does not split sends all its rows left), level by level. Boosting
 * starts from a base margin per row (the cross-fitted logistic score), so the trees
 * only learn what the linear model cannot express: interactions such as length ×
 * position × stop-word density. No randomness: the same rows give the same trees.
 */
import type { TreeEnsemble } from '../src/boilerplate/block-model.ts';

export interface TreeParams {
  trees: number;
  depth: number;
  learningRate: number;
  /** L2 on leaf values (λ). */
  lambda: number;
  /** Smallest hessian sum a child may hold (guards against leaves of a handful of weak rows). */
  minChildWeight: number;
  maxBins: number;
}

/** Split candidates of one feature: the upper edges of its bins (x ≤ edge[b] falls in bin ≤ b). */
function binEdges(values: Float64Array, maxBins: number): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  if (distinct.length <= 1) return new Float64Array(0);
  if (distinct.length <= maxBins) return Float64Array.from(distinct.slice(0, -1), (v, i) => (v + distinct[i + 1]!) / 2);
  // Quantile edges, each placed halfway to the next distinct value so that equal values share a bin.
  const edges: number[] = [];
  for (let b = 1; b < maxBins; b++) {
    const v = sorted[Math.floor((b * sorted.length) / maxBins)]!;
    const k = distinct.indexOf(v);
    if (k < 0 || k === distinct.length - 1) continue;
    const edge = (distinct[k]! + distinct[k + 1]!) / 2;
    if (!edges.length || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return Float64Array.from(edges);
}

function binOf(x: number, edges: Float64Array): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Fits the ensemble on rows (row-major X, n × d), labels y ∈ {0,1}, weights w and base
 * margins (z of each row before the trees).
 */
export function fitTrees(X: Float64Array, d: number, y: Float64Array, w: Float64Array, base: Float64Array, p: TreeParams): TreeEnsemble {
  const n = y.length;
  const edges: Float64Array[] = [];
  const column = new Float64Array(n);
  for (let k = 0; k < d; k++) {
    for (let i = 0; i < n; i++) column[i] = X[i * d + k]!;
    edges.push(binEdges(column, p.maxBins));
  }
  const B = p.maxBins;
  const bins = new Uint8Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) bins[i * d + k] = binOf(X[i * d + k]!, edges[k]!);

  const internal = (1 << p.depth) - 1;
  const F = Float64Array.from(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const node = new Int32Array(n);
  const histG = new Float64Array(d * B);
  const histH = new Float64Array(d * B);
  const features: number[] = [];
  const thresholds: number[] = [];
  const leaves: number[] = [];
  for (let t = 0; t < p.trees; t++) {
    for (let i = 0; i < n; i++) {
      const q = 1 / (1 + Math.exp(-F[i]!));
      g[i] = w[i]! * (q - y[i]!);
      h[i] = w[i]! * q * (1 - q);
    }
    node.fill(0);
    const treeFeature = new Int32Array(internal);
    const treeThreshold = new Float64Array(internal);
    for (let level = 0; level < p.depth; level++) {
      const firstNode = (1 << level) - 1;
      const count = 1 << level;
      // Rows grouped by node of this level.
      const members: number[][] = Array.from({ length: count }, () => []);
      for (let i = 0; i < n; i++) members[node[i]! - firstNode]!.push(i);
      for (let c = 0; c < count; c++) {
        const rows = members[c]!;
        const at = firstNode + c;
        treeFeature[at] = 0;
        treeThreshold[at] = Number.MAX_VALUE;
        if (rows.length < 2) continue;
        histG.fill(0);
        histH.fill(0);
        let G = 0;
        let H = 0;
        for (const i of rows) {
          const gi = g[i]!;
          const hi = h[i]!;
          G += gi;
          H += hi;
          const o = i * d;
          for (let k = 0; k < d; k++) {
            const slot = k * B + bins[o + k]!;
            histG[slot]! += gi;
            histH[slot]! += hi;
          }
        }
        const parent = (G * G) / (H + p.lambda);
        let bestGain = 1e-9;
        let bestK = -1;
        let bestB = -1;
        for (let k = 0; k < d; k++) {
          const e = edges[k]!;
          let GL = 0;
          let HL = 0;
          for (let b = 0; b < e.length; b++) {
            GL += histG[k * B + b]!;
            HL += histH[k * B + b]!;
            const HR = H - HL;
            if (HL < p.minChildWeight || HR < p.minChildWeight) continue;
            const GR = G - GL;
            const gain = (GL * GL) / (HL + p.lambda) + (GR * GR) / (HR + p.lambda) - parent;
            if (gain > bestGain) {
              bestGain = gain;
              bestK = k;
              bestB = b;
            }
          }
        }
        if (bestK < 0) continue;
        treeFeature[at] = bestK;
        treeThreshold[at] = edges[bestK]![bestB]!;
      }
      for (let i = 0; i < n; i++) {
        const at = node[i]!;
        const k = treeFeature[at]!;
        node[i] = 2 * at + (X[i * d + k]! > treeThreshold[at]! ? 2 : 1);
      }
    }
    // Leaves: -G/(H+λ), shrunk by the learning rate.
    const leafCount = 1 << p.depth;
    const LG = new Float64Array(leafCount);
    const LH = new Float64Array(leafCount);
    for (let i = 0; i < n; i++) {
      const leaf = node[i]! - internal;
      LG[leaf]! += g[i]!;
      LH[leaf]! += h[i]!;
    }
    const values = Array.from(LG, (G, l) => (-G / (LH[l]! + p.lambda)) * p.learningRate);
    for (let i = 0; i < n; i++) F[i]! += values[node[i]! - internal]!;
    features.push(...treeFeature);
    thresholds.push(...treeThreshold);
    leaves.push(...values);
  }
  return { depth: p.depth, features, thresholds, leaves };
}
