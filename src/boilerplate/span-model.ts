/**
 * The article span of a text document, chosen from a first-pass model's probabilities
 * (two passes; docs/boilerplate.md, "Learned block model").
 *
 * The block model's strongest inputs are the block's place relative to the article span
 * (inside, before, after, how far). The grade heuristic (classify.ts articleSpan) picks that
 * span from grades alone, so a list, table or sub-heading run between two prose runs ends
 * the article, and everything after it reads as "outside" to the model. Here a first-pass
 * logistic model that does not see the span (its span features are constant: trained and
 * applied with no span) rates every block; the span is the run of blocks with the highest
 * sum of (p − tau), each weighted by the square root of its length; a rule match counts
 * −rule · weight. The second pass (the shipped logistic model and trees) then reads its span
 * features from that run, and the prose policy (prose inside the span is never cut) uses it too.
 * Training is cross-fitted (scripts/train-blocks.ts): the spans a training row sees come
 * from a first-pass model that did not see its page, as at run time.
 *
 * No imports of block-model.ts values: it imports this file's schema.
 */
import { z } from 'zod';
import type { BlockModel } from './block-model.ts';

export const spanModelSchema = z.strictObject({
  /** First-pass logistic model (same feature list as the block model; its span features are constant). */
  mean: z.array(z.number()),
  scale: z.array(z.number()),
  weights: z.array(z.number()),
  bias: z.number(),
  /** First-pass weights of the hashed lexical terms (absent: no lexical part). */
  lexical: z.array(z.number()).optional(),
  /** A block adds weight · (p − tau) to the run's sum. */
  tau: z.number().min(0).max(1),
  /** A block's weight from its length in characters. */
  weighting: z.enum(['unit', 'log', 'sqrt']),
  /** A rule match (no probability) adds −rule · weight. */
  rule: z.number().min(0),
});
export type SpanModel = z.infer<typeof spanModelSchema>;
export type SpanSetting = Pick<SpanModel, 'tau' | 'weighting' | 'rule'>;

/**
 * The article span [first, last] from the first pass's probabilities `p` (maximum-sum run;
 * [-1, -1] when no block rates above tau). `graded[i]` falsy: block i is a rule match.
 */
export function probabilitySpan(p: ArrayLike<number>, graded: ArrayLike<unknown>, blocks: ReadonlyArray<{ text: string }>, s: SpanSetting): [number, number] {
  return maxSumRun(blocks.length, (i) => {
    const chars = blocks[i]!.text.length;
    const w = s.weighting === 'sqrt' ? Math.sqrt(chars) : s.weighting === 'log' ? Math.log1p(chars) : 1;
    return graded[i] ? w * (p[i]! - s.tau) : -s.rule * w;
  });
}

/**
 * The run [first, last] of consecutive items whose values have the largest positive sum (Kadane;
 * the earliest such run on ties; [-1, -1] when no value is positive). Both article spans, the
 * grade heuristic's and the first pass's, are such runs over the blocks.
 */
export function maxSumRun(n: number, value: (i: number) => number): [number, number] {
  let best = 0;
  let sum = 0;
  let start = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (sum <= 0) {
      sum = 0;
      start = i;
    }
    sum += value(i);
    if (sum > best) {
      best = sum;
      first = start;
      last = i;
    }
  }
  return [first, last];
}

const firstPassCache = new WeakMap<BlockModel, BlockModel | null>();

/**
 * The first pass of `model` as a block model of its own (logistic, no trees, no span), or null
 * when the model has no span part (the grade heuristic's span then stands). One object per
 * model, so the inference code's per-model caches (folded and compiled weights) hold.
 */
export function firstPassModel(model: BlockModel): BlockModel | null {
  let m = firstPassCache.get(model);
  if (m === undefined) {
    const s = model.span;
    m = s
      ? {
          kind: 'logistic-regression',
          description: `first pass of: ${model.description}`,
          features: model.features,
          mean: s.mean,
          scale: s.scale,
          weights: s.weights,
          bias: s.bias,
          ...(s.lexical ? { lexical: s.lexical } : {}),
          threshold: model.threshold,
          proseThreshold: model.proseThreshold,
          training: {},
        }
      : null;
    firstPassCache.set(model, m);
  }
  return m;
}
