/** Clustering quality against gold labels: adjusted Rand index and pairwise precision/recall/F1. */

export interface ClusterScores {
  items: number;
  ari: number;
  precision: number;
  recall: number;
  f1: number;
  goldPairs: number;
  predictedPairs: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/**
 * `gold[i]` and `predicted[i]` label item i; a null prediction is a singleton.
 * Pairwise precision is 1 when nothing is predicted together (no wrong merge).
 */
export function scoreClustering(gold: readonly string[], predicted: readonly (string | null)[]): ClusterScores {
  if (gold.length !== predicted.length) throw new RangeError('gold and predicted differ in length');
  const n = gold.length;
  const goldSizes = new Map<string, number>();
  const predSizes = new Map<string, number>();
  const joint = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const g = gold[i]!;
    const p = predicted[i] ?? `\u0000singleton${i}`;
    goldSizes.set(g, (goldSizes.get(g) ?? 0) + 1);
    predSizes.set(p, (predSizes.get(p) ?? 0) + 1);
    const k = `${g}\u0001${p}`;
    joint.set(k, (joint.get(k) ?? 0) + 1);
  }
  let sumJoint = 0;
  for (const c of joint.values()) sumJoint += pairs(c);
  let sumGold = 0;
  for (const c of goldSizes.values()) sumGold += pairs(c);
  let sumPred = 0;
  for (const c of predSizes.values()) sumPred += pairs(c);
  const total = pairs(n);
  const expected = total ? (sumGold * sumPred) / total : 0;
  const max = (sumGold + sumPred) / 2;
  const ari = max - expected === 0 ? 1 : (sumJoint - expected) / (max - expected);
  const precision = sumPred ? sumJoint / sumPred : 1;
  const recall = sumGold ? sumJoint / sumGold : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { items: n, ari, precision, recall, f1, goldPairs: sumGold, predictedPairs: sumPred };
}
