/**
 * The learned text-block model of the text-dump classifier: logistic
 * regression over the per-block features the rules already compute (length,
 * stop-word density, sentence shape, link share, capitalisation, grade,
 * position relative to the article span) and the same features of the
 * neighbouring blocks. It answers "how likely is this block article text?".
 *
 * It is shipped as data (data/boilerplate/block-model.json: feature names,
 * standardisation and weights) and trained reproducibly by
 * `npx tsx scripts/train-blocks.ts` from the dev-set annotations in
 * ../shared/devsets/html-extraction (see docs/boilerplate.md).
 *
 * The model never replaces the rules: rule matches are removed before it is
 * asked, and a block it removes carries the reason `low-content` (or
 * `outside-main` outside the article span).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BLOCK_MODEL_FILE, KNOWLEDGE_DIR } from './knowledge.ts';
import type { BlockFeatures, Grade } from './classify.ts';
import { forEachLexicalTerm, LEXICAL_BUCKETS, lexicalDot } from './lexical.ts';

export const BLOCK_MODEL_PATH = path.join(KNOWLEDGE_DIR, BLOCK_MODEL_FILE);

/** Per-block inputs the feature vector is built from (computed once by the classifier). */
export interface BlockContext {
  /** The blocks themselves (their words feed the lexical features, src/boilerplate/lexical.ts). */
  blocks: ReadonlyArray<{ text: string }>;
  features: Array<BlockFeatures | null>;
  /** Grade of each block; `rule` for blocks a line rule removes. */
  grades: Grade[];
  /** A line of the block matched a rule but not all lines did. */
  partial: boolean[];
  /** Article span [first, last] or [-1, -1]. */
  span: [number, number];
  sectionLabel: boolean[];
  /**
   * Each block's lexical share of z, when the caller already has it (classify.ts hashes the
   * words in its line scan); absent, it is computed from the blocks' text.
   */
  lexicalShare?: Float64Array;
}

const GRADES = ['good', 'near-good', 'short', 'bad', 'rule'] as const;

/** Features of one block alone (also used for its neighbours). */
function ownFeatures(ctx: BlockContext, i: number): number[] {
  const f = ctx.features[i];
  const g = ctx.grades[i];
  const oneHot = GRADES.map((x) => (g === x ? 1 : 0));
  if (!f) return [0, 0, 0, 0, 0, 0, 0, 0, ...oneHot];
  return [
    Math.log1p(f.chars) / 5,
    f.stopDensity ?? 0,
    f.stopDensity === null ? 1 : 0,
    f.terminal ? 1 : 0,
    f.sentence ? 1 : 0,
    f.linkShare,
    f.capShare,
    ctx.partial[i] ? 1 : 0,
    ...oneHot,
  ];
}
const OWN_NAMES = ['logChars', 'stopDensity', 'noStopList', 'terminal', 'sentence', 'linkShare', 'capShare', 'partialRule', ...GRADES.map((g) => `grade:${g}`)];
const OWN_WIDTH = OWN_NAMES.length;

/** How far the context reaches on each side. */
const WINDOW = 2;

export const FEATURE_NAMES: string[] = [
  ...OWN_NAMES,
  ...[-WINDOW, -1, 1, WINDOW].flatMap((d) => OWN_NAMES.map((n) => `${d > 0 ? '+' : ''}${d}:${n}`)),
  'insideSpan',
  'beforeSpan',
  'afterSpan',
  'noSpan',
  'logDistanceToSpan',
  'relativePosition',
  'firstBlock',
  'sectionLabel',
  'windowGoodShare',
  'windowRuleShare',
];

const ABSENT: readonly number[] = new Array<number>(OWN_WIDTH).fill(0);
const ownCache = new WeakMap<BlockContext, number[][]>();

/** Feature vector of block i (same order as FEATURE_NAMES). */
export function blockVector(ctx: BlockContext, i: number): number[] {
  const n = ctx.grades.length;
  // Each block's own features serve five vectors (its own and four neighbours'): computed once per document.
  const own = (ownCache.get(ctx) ?? ownCache.set(ctx, ctx.grades.map((_, j) => ownFeatures(ctx, j))).get(ctx))!;
  const v = own[i]!.slice();
  for (const d of [-WINDOW, -1, 1, WINDOW]) {
    const j = i + d;
    v.push(...(j >= 0 && j < n ? own[j]! : ABSENT));
  }
  v.push(...contextFeatures(ctx, i));
  return v;
}

/** The features of block i that are not its own or its neighbours' (the last entries of FEATURE_NAMES). */
function contextFeatures(ctx: BlockContext, i: number): number[] {
  const c = new Array<number>(CONTEXT_WIDTH);
  forEachContextFeature(ctx, i, (k, x) => (c[k] = x));
  return c;
}
const CONTEXT_WIDTH = 10;

/**
 * Calls `take(k, value)` for each context feature of block i, in order: contextDot sums them
 * without an array per block (this runs on every block of every text document).
 */
function forEachContextFeature(ctx: BlockContext, i: number, take: (k: number, value: number) => void): void {
  const n = ctx.grades.length;
  const [first, last] = ctx.span;
  const noSpan = first < 0;
  const inside = !noSpan && i >= first && i <= last;
  const dist = noSpan || inside ? 0 : i < first ? first - i : i - last;
  let good = 0;
  let rule = 0;
  let seen = 0;
  for (let j = Math.max(0, i - 3); j <= Math.min(n - 1, i + 3); j++) {
    if (j === i) continue;
    seen++;
    const g = ctx.grades[j];
    if (g === 'good' || g === 'near-good') good++;
    if (g === 'rule') rule++;
  }
  take(0, inside ? 1 : 0);
  take(1, !noSpan && i < first ? 1 : 0);
  take(2, !noSpan && i > last ? 1 : 0);
  take(3, noSpan ? 1 : 0);
  take(4, Math.log1p(dist) / 3);
  take(5, n > 1 ? i / (n - 1) : 0);
  take(6, i === 0 ? 1 : 0);
  take(7, ctx.sectionLabel[i] ? 1 : 0);
  take(8, seen ? good / seen : 0);
  take(9, seen ? rule / seen : 0);
}

const modelSchema = z.strictObject({
  kind: z.literal('logistic-regression'),
  description: z.string(),
  features: z.array(z.string()),
  mean: z.array(z.number()),
  scale: z.array(z.number()),
  weights: z.array(z.number()),
  bias: z.number(),
  /**
   * Weights of the hashed lexical terms (src/boilerplate/lexical.ts), one per bucket, on the
   * raw term values (not standardised). Absent: the model has no lexical part.
   */
  lexical: z.array(z.number()).optional(),
  /** Probability of article text under which a block goes, at the default aggressiveness. */
  threshold: z.number().min(0).max(1),
  /**
   * Probability under which a sentence-shaped prose block outside the article span goes at
   * the default aggressiveness (comments, teasers, bios after the article); 0 = never. Kept
   * lower than `threshold`: the model must be surer to cut something that reads as prose.
   */
  proseThreshold: z.number().min(0).max(1).default(0),
  training: z.record(z.string(), z.unknown()),
});

export type BlockModel = z.infer<typeof modelSchema>;

/**
 * Probability that block i is article text, from its dense feature vector `x` (blockVector)
 * and its lexical share of z (`lexical`: lexicalScore, 0 for a model without a lexical part).
 * The plain definition; contentProbabilities computes the same for a whole document.
 */
export function contentProbability(model: BlockModel, x: number[], lexical = 0): number {
  let z = model.bias + lexical;
  for (let k = 0; k < x.length; k++) z += model.weights[k]! * ((x[k]! - model.mean[k]!) / model.scale[k]!);
  return 1 / (1 + Math.exp(-z));
}

/** Block i's lexical share of z, from the plain term lists (src/boilerplate/lexical.ts): the reference for contentProbabilities. */
export function lexicalScore(model: BlockModel, ctx: BlockContext, i: number): number {
  const w = model.lexical;
  // A block a rule removes has no features: the model is never asked about it.
  if (!w || !ctx.features[i]) return 0;
  let z = 0;
  forEachLexicalTerm(ctx.blocks[i]!.text, (b, v) => (z += w[b]! * v));
  return z;
}

/** The model with standardisation folded into the weights: z = bias + Σ weights[k]·x[k] (one pass per block, no vectors). */
interface FoldedModel {
  weights: Float64Array;
  bias: number;
  lexical: Float64Array | null;
}
const foldedCache = new WeakMap<BlockModel, FoldedModel>();

function folded(model: BlockModel): FoldedModel {
  let f = foldedCache.get(model);
  if (!f) {
    const weights = Float64Array.from(model.weights, (w, k) => w / model.scale[k]!);
    let bias = model.bias;
    for (let k = 0; k < weights.length; k++) bias -= weights[k]! * model.mean[k]!;
    f = { weights, bias, lexical: model.lexical ? Float64Array.from(model.lexical) : null };
    foldedCache.set(model, f);
  }
  return f;
}

/**
 * contentProbability(model, blockVector(ctx, i)) for every block i, without building the
 * vectors: a linear model splits into one dot product per block and window offset
 * (a block's own features serve its own vector and its four neighbours') plus the
 * context features. Equal up to floating-point rounding; this runs on every text document.
 */
export function contentProbabilities(model: BlockModel, ctx: BlockContext): Float64Array {
  const n = ctx.grades.length;
  const { weights, bias, lexical } = folded(model);
  // z[i] accumulates block i's own features (slot 0) and what each block adds to its neighbours' z (slots ±1, ±2).
  const z = new Float64Array(n).fill(bias);
  const slots: Array<[offset: number, base: number]> = [[0, 0], [-WINDOW, OWN_WIDTH], [-1, 2 * OWN_WIDTH], [1, 3 * OWN_WIDTH], [WINDOW, 4 * OWN_WIDTH]];
  for (let j = 0; j < n; j++) {
    for (const [offset, base] of slots) {
      // Block j is the neighbour at `offset` of block j - offset.
      const i = j - offset;
      if (i >= 0 && i < n) z[i]! += ownDot(ctx, j, weights, base);
    }
  }
  const contextAt = slots.length * OWN_WIDTH;
  for (let i = 0; i < n; i++) z[i]! += contextDot(ctx, i, weights, contextAt);
  // The lexical terms of the blocks the model is asked about (rule matches have no features).
  if (lexical) for (let i = 0; i < n; i++) if (ctx.features[i]) z[i]! += ctx.lexicalShare ? ctx.lexicalShare[i]! : lexicalDot(ctx.blocks[i]!.text, lexical);
  for (let i = 0; i < n; i++) z[i] = 1 / (1 + Math.exp(-z[i]!));
  return z;
}

/** contextFeatures(ctx, i) · weights[base …], summed in the same order. */
function contextDot(ctx: BlockContext, i: number, w: Float64Array, base: number): number {
  let z = 0;
  forEachContextFeature(ctx, i, (k, x) => (z += w[base + k]! * x));
  return z;
}

/** ownFeatures(ctx, j) · weights[base …], without building the feature array (same order as OWN_NAMES). */
function ownDot(ctx: BlockContext, j: number, w: Float64Array, base: number): number {
  const g = GRADE_INDEX.get(ctx.grades[j]!);
  let z = g === undefined ? 0 : w[base + 8 + g]!;
  const f = ctx.features[j];
  if (!f) return z;
  z += w[base]! * (Math.log1p(f.chars) / 5);
  if (f.stopDensity === null) z += w[base + 2]!;
  else z += w[base + 1]! * f.stopDensity;
  if (f.terminal) z += w[base + 3]!;
  if (f.sentence) z += w[base + 4]!;
  z += w[base + 5]! * f.linkShare + w[base + 6]! * f.capShare;
  if (ctx.partial[j]) z += w[base + 7]!;
  return z;
}
const GRADE_INDEX = new Map<Grade, number>(GRADES.map((g, i) => [g, i]));

/** Validate a model file: it must match this code's feature list, or it would silently score the wrong inputs. */
export function parseBlockModel(json: unknown, source: string): BlockModel {
  const parsed = modelSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${source}: not a block model: ${parsed.error.message}`);
  const m = parsed.data;
  if (m.features.join(',') !== FEATURE_NAMES.join(',')) throw new Error(`${source}: features do not match this version of the classifier; retrain with scripts/train-blocks.ts`);
  if (m.weights.length !== FEATURE_NAMES.length || m.mean.length !== FEATURE_NAMES.length || m.scale.length !== FEATURE_NAMES.length) {
    throw new Error(`${source}: weights, mean and scale need ${FEATURE_NAMES.length} entries`);
  }
  if (m.lexical && m.lexical.length !== LEXICAL_BUCKETS) throw new Error(`${source}: lexical weights need ${LEXICAL_BUCKETS} entries (one per hash bucket); retrain with scripts/train-blocks.ts`);
  return m;
}

let cached: BlockModel | null | undefined;

/** The shipped model, or null when the file is absent (the rules then work alone). */
export function shippedBlockModel(): BlockModel | null {
  if (cached === undefined) {
    cached = existsSync(BLOCK_MODEL_PATH) ? parseBlockModel(JSON.parse(readFileSync(BLOCK_MODEL_PATH, 'utf8')), BLOCK_MODEL_PATH) : null;
  }
  return cached;
}
