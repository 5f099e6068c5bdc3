/**
 * Canonical text of a cluster: the member text that best represents the
 * story, chosen, never synthesised (a consensus built token by token would be
 * a text no site published, and the diff report could not point to its source).
 *
 * Score of a distinct text = 0.5 × agreement (mean aligned overlap with the
 * other members, exact copies weighted by their count: the medoid, which a
 * spun or machine-translated outlier is not) + 0.3 × completeness (its token
 * count over the longest member's: abridged and split copies lose) + 0.2 ×
 * cleanliness (1 / (1 + artifact flags per copy) from the artifact stage).
 * Ties: more exact copies, then the smaller exact-duplicate key (input order
 * never decides).
 */
import { LcsPattern } from './verify.ts';

export interface CanonicalCandidate {
  text: string;
  tokens: Int32Array;
  /** Exact-duplicate key (normalised-text hash). */
  key: string;
  /** Members with this exact text. */
  copies: number;
  /** Artifact flags over all those copies. */
  flags: number;
}

export interface CanonicalChoice {
  index: number;
  reason: string;
  agreement: number;
  completeness: number;
}

/** Above this many distinct texts, agreement is measured against a deterministic sample. */
const MAX_COMPARED = 24;

export function chooseCanonical(candidates: CanonicalCandidate[]): CanonicalChoice {
  if (candidates.length === 0) throw new RangeError('chooseCanonical: empty cluster');
  const order = candidates.map((_, i) => i).sort((a, b) => (candidates[a]!.key < candidates[b]!.key ? -1 : 1));
  const compared = order.length > MAX_COMPARED ? order.filter((_, i) => i % Math.ceil(order.length / MAX_COMPARED) === 0) : order;
  const longest = Math.max(...candidates.map((c) => c.tokens.length), 1);
  const total = candidates.reduce((n, c) => n + c.copies, 0);
  // One alignment pattern per compared member, reused against every candidate (a cluster of
  // k distinct texts costs k × 24 alignments; building a pattern for each was most of it).
  const patterns = new Map(compared.map((j) => [j, new LcsPattern(candidates[j]!.tokens)]));
  let best: (CanonicalChoice & { score: number; copies: number; key: string; flagsPerCopy: number }) | null = null;
  for (const i of order) {
    const c = candidates[i]!;
    let weight = c.copies - 1;
    let sum = c.copies - 1;
    for (const j of compared) {
      if (j === i) continue;
      const o = candidates[j]!;
      const longer = Math.max(c.tokens.length, o.tokens.length);
      // Overlap: aligned tokens / the longer sequence's length.
      sum += (longer ? patterns.get(j)!.lcs(c.tokens) / longer : 0) * o.copies;
      weight += o.copies;
    }
    const agreement = weight ? sum / weight : 1;
    const completeness = c.tokens.length / longest;
    const flagsPerCopy = c.flags / c.copies;
    const score = 0.5 * agreement + 0.3 * completeness + 0.2 / (1 + flagsPerCopy);
    const better =
      !best || score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && (c.copies > best.copies || (c.copies === best.copies && c.key < best.key)));
    if (better) best = { index: i, reason: '', agreement, completeness, score, copies: c.copies, key: c.key, flagsPerCopy };
  }
  const b = best!;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  b.reason =
    total === 1
      ? 'only member'
      : `medoid: mean aligned overlap ${pct(b.agreement)} with the other ${total - 1} member(s); ` +
        `${pct(b.completeness)} of the longest member's content words; ` +
        `${b.flagsPerCopy === 0 ? 'no' : b.flagsPerCopy.toFixed(1)} artifact flag(s) per copy; ${b.copies} exact cop${b.copies === 1 ? 'y' : 'ies'}`;
  return { index: b.index, reason: b.reason, agreement: b.agreement, completeness: b.completeness };
}
