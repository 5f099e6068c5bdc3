/**
 * The learned text-block model of the text-dump classifier: logistic
 * regression over the per-block features the rules already compute (length,
 * stop-word density, sentence shape, link share, capitalisation, grade,
 * position relative to the article span), the same features of the
 * neighbouring blocks and the block's hashed words; then boosted trees over the
 * same dense features and the logistic score add a correction for what a linear
 * model cannot express (length × position × stop-word density). It answers
 * "how likely is this block article text?".
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
import { spanModelSchema } from './span-model.ts';
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
/** Offsets of the five own-feature slots of a vector (FEATURE_NAMES order). */
const SLOT_OFFSETS = Int32Array.from([0, -WINDOW, -1, 1, WINDOW]);

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
  writeContextFeatures(ctx, i, c, 0);
  return c;
}
const CONTEXT_WIDTH = 10;

/**
 * Writes the context features of block i into out[at …], in order (the one definition: the
 * reference vectors, the folded sums and the compiled model's input matrix all read it).
 */
function writeContextFeatures(ctx: BlockContext, i: number, out: Float64Array | number[], at: number): void {
  const n = ctx.grades.length;
  writeSpanFeatures(ctx.span, i, out, at);
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
  writeWindowFeatures(ctx, i, good, rule, seen, out, at);
}

/** The context features of block i after the span's, from the good and rule grades among the `seen` blocks of its window. */
function writeWindowFeatures(ctx: BlockContext, i: number, good: number, rule: number, seen: number, out: Float64Array | number[], at: number): void {
  const n = ctx.grades.length;
  out[at + 5] = n > 1 ? i / (n - 1) : 0;
  out[at + 6] = i === 0 ? 1 : 0;
  out[at + 7] = ctx.sectionLabel[i] ? 1 : 0;
  out[at + 8] = seen ? good / seen : 0;
  out[at + 9] = seen ? rule / seen : 0;
}

/** The context features of block i that depend on the article span (the first five), into out[at …]. */
function writeSpanFeatures(span: [number, number], i: number, out: Float64Array | number[], at: number): void {
  const [first, last] = span;
  const noSpan = first < 0;
  const inside = !noSpan && i >= first && i <= last;
  const dist = noSpan || inside ? 0 : i < first ? first - i : i - last;
  out[at] = inside ? 1 : 0;
  out[at + 1] = !noSpan && i < first ? 1 : 0;
  out[at + 2] = !noSpan && i > last ? 1 : 0;
  out[at + 3] = noSpan ? 1 : 0;
  out[at + 4] = Math.log1p(dist) / 3;
}

/**
 * writeContextFeatures for every block of the document into its row of the input matrix `m`,
 * the window shares counted once per document (prefix counts of good and rule grades) instead
 * of seven grade comparisons per block and pass: the same integer counts, so the same numbers.
 */
function writeDocumentContext(ctx: BlockContext, m: Float64Array): void {
  const n = ctx.grades.length;
  const grades = ctx.grades;
  // before[j]: good (or near-good) grades among blocks 0 … j-1; before[n + 1 + j]: rule grades.
  if (prefixPool.length < 2 * (n + 1)) prefixPool = new Int32Array(4 * (n + 1));
  const before = prefixPool;
  const rules = n + 1;
  before[0] = 0;
  before[rules] = 0;
  for (let j = 0; j < n; j++) {
    const g = grades[j];
    before[j + 1] = before[j]! + (g === 'good' || g === 'near-good' ? 1 : 0);
    before[rules + j + 1] = before[rules + j]! + (g === 'rule' ? 1 : 0);
  }
  for (let i = 0; i < n; i++) {
    const at = (i + PAD) * ROW + OWN_WIDTH;
    writeSpanFeatures(ctx.span, i, m, at);
    // The blocks i-3 … i+3 but i itself, as writeContextFeatures counts them.
    const from = Math.max(0, i - 3);
    const to = Math.min(n - 1, i + 3) + 1;
    const g = grades[i];
    const good = before[to]! - before[from]! - (g === 'good' || g === 'near-good' ? 1 : 0);
    const rule = before[rules + to]! - before[rules + from]! - (g === 'rule' ? 1 : 0);
    writeWindowFeatures(ctx, i, good, rule, to - from - 1, m, at);
  }
}
let prefixPool = new Int32Array(0);

/**
 * Inputs of the boosted trees: the dense features (unstandardised) and the logistic model's
 * own score, whole and its lexical share (the trees learn a correction on top of it).
 */
export const TREE_INPUTS: string[] = [...FEATURE_NAMES, 'logisticZ', 'lexicalZ'];

/**
 * Boosted regression trees (scripts/fit-trees.ts): complete binary trees of `depth` levels,
 * stored level by level; internal node k of a tree sends x right when
 * x[features[k]] > thresholds[k], else left (children 2k+1, 2k+2), then the leaf's value adds to z.
 */
const treesSchema = z.strictObject({
  inputs: z.array(z.string()),
  depth: z.number().int().min(1).max(8),
  features: z.array(z.number().int().min(0)),
  thresholds: z.array(z.number()),
  leaves: z.array(z.number()),
});
export type TreeEnsemble = Omit<z.infer<typeof treesSchema>, 'inputs'>;

/** Sum of the trees' leaf values for input x (TREE_INPUTS order). */
export function treesMargin(t: TreeEnsemble, x: ArrayLike<number>): number {
  const internal = (1 << t.depth) - 1;
  const leafCount = internal + 1;
  const count = t.leaves.length / leafCount;
  let z = 0;
  for (let tree = 0; tree < count; tree++) {
    const at = tree * internal;
    let k = 0;
    while (k < internal) k = 2 * k + (x[t.features[at + k]!]! > t.thresholds[at + k]! ? 2 : 1);
    z += t.leaves[tree * leafCount + k - internal]!;
  }
  return z;
}

const modelSchema = z.strictObject({
  kind: z.enum(['logistic-regression', 'logistic-regression+boosted-trees']),
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
  /** Boosted trees that correct the logistic score (absent: the logistic model alone). */
  trees: treesSchema.optional(),
  /** First-pass model whose probabilities choose the article span (src/boilerplate/span-model.ts; absent: the grade heuristic's span). */
  span: spanModelSchema.optional(),
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
  // The trees correct only blocks the model is asked about: a rule match (grade `rule`) has no features.
  if (model.trees && x[RULE_GRADE_AT] !== 1) z += treesMargin(model.trees, [...x, z, lexical]);
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
 * context features. Equal up to floating-point rounding. The data-driven reference of
 * contentProbabilities (the compiled model), which must give the same numbers bit for bit.
 */
export function foldedContentProbabilities(model: BlockModel, ctx: BlockContext): Float64Array {
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
  const trees = foldedTrees(model);
  if (trees) {
    addTreesMargins(ctx, z, lexical, trees);
  } else if (lexical) {
    for (let i = 0; i < n; i++) if (ctx.features[i]) z[i]! += ctx.lexicalShare ? ctx.lexicalShare[i]! : lexicalDot(ctx.blocks[i]!.text, lexical);
  }
  for (let i = 0; i < n; i++) z[i] = 1 / (1 + Math.exp(-z[i]!));
  return z;
}

/**
 * contentProbabilities for every block of a text document (this runs on every text document):
 * `ownFeaturesReady`: the call right before this one was on a context with the same blocks,
 * features, grades, partial flags and section labels (the first pass of a two-pass model), so
 * the input matrix already holds the own features and the context features but the span's
 * (only those are rewritten here).
 * foldedContentProbabilities with the model compiled (compiledModel). One input matrix per
 * document holds each block's own and context features (padded rows of zeros beyond the
 * ends); each block's five window-slot dot products are taken once, from its row, and each
 * block's z adds its neighbours' in the order the reference adds them.
 */
export function contentProbabilities(model: BlockModel, ctx: BlockContext, ownFeaturesReady = false): Float64Array {
  const c = compiledModel(model);
  const n = ctx.grades.length;
  const m = ownFeaturesReady ? matrixPool : zeroedMatrix((n + 2 * PAD) * ROW);
  if (!ownFeaturesReady) {
    for (let j = 0; j < n; j++) fillOwn(ctx, j, m, (j + PAD) * ROW);
    writeDocumentContext(ctx, m);
  } else for (let i = 0; i < n; i++) writeSpanFeatures(ctx.span, i, m, (i + PAD) * ROW + OWN_WIDTH);
  const dots = slotDotsPool.length >= SLOTS * n ? slotDotsPool : (slotDotsPool = new Float64Array(2 * SLOTS * n));
  for (let j = 0; j < n; j++) c.ownDots(m, (j + PAD) * ROW, dots, SLOTS * j);
  const { bias, lexical, treesMargin } = c;
  const lexicalShare = ctx.lexicalShare;
  const features = ctx.features;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let zi = bias;
    // Block i + d adds its dot product for slot d, nearest-first from the left: the reference's order.
    for (let d = -WINDOW; d <= WINDOW; d++) {
      const j = i + d;
      if (j >= 0 && j < n) zi += dots[SLOTS * j + SLOT_OF_OFFSET[d + WINDOW]!]!;
    }
    const r = (i + PAD) * ROW;
    zi += c.contextDot(m, r);
    // The lexical terms and the trees only for the blocks the model is asked about (rule matches have no features).
    if (features[i]) {
      const lex = !lexical ? 0 : lexicalShare ? lexicalShare[i]! : lexicalDot(ctx.blocks[i]!.text, lexical);
      if (lexical) zi += lex;
      if (treesMargin) {
        m[r + ROW - 2] = zi;
        m[r + ROW - 1] = lex;
        zi += treesMargin(m, r);
      }
    }
    z[i] = 1 / (1 + Math.exp(-zi));
  }
  return z;
}

/** Window slots of a block's own features in a vector (its own, then the neighbours' at -2, -1, +1, +2). */
const SLOTS = 2 * WINDOW + 1;
let matrixPool = new Float64Array(0);
let slotDotsPool = new Float64Array(0);

/** A matrix of `size` zeros, reused across documents (no allocation per document). */
function zeroedMatrix(size: number): Float64Array {
  if (matrixPool.length < size) matrixPool = new Float64Array(2 * size);
  else matrixPool.fill(0, 0, size);
  return matrixPool;
}

/**
 * The block model compiled to JavaScript the first time it is used: its weights and thresholds
 * become constants of generated functions (V8 makes them immediates) instead of being loaded
 * from arrays for every block, and so do the leaf values of deep trees (see treesFunction). Generated from
 * the model's data, never written by hand, so a retrained model compiles the same way; the
 * sums run in foldedContentProbabilities' order, so the probabilities are the same bit for bit.
 */
interface CompiledModel {
  /** The five window-slot dot products of the own features in row r of the input matrix, into out[o …] (SLOT_OFFSETS order). */
  ownDots: (m: Float64Array, r: number, out: Float64Array, o: number) => void;
  /** Row r's context features · their weights. */
  contextDot: (m: Float64Array, r: number) => number;
  /** The trees' margin for row r (with its logistic z and lexical share written at the row's end); null without trees. */
  treesMargin: ((m: Float64Array, r: number) => number) | null;
  bias: number;
  lexical: Float64Array | null;
}
const compiledCache = new WeakMap<BlockModel, CompiledModel>();

/** Where block j's slot-d dot product sits among its SLOTS (index d + WINDOW). */
const SLOT_OF_OFFSET = Int32Array.from({ length: SLOTS }, (_, k) => SLOT_OFFSETS.indexOf(k - WINDOW));

/**
 * The order in which ownDot adds a block's own terms: its grade's weight, then the features
 * one by one, linkShare and capShare as one term. The compiled sums follow it (the same
 * floating-point sums); a feature list it no longer covers falls back to one term per feature
 * in order (then equal to within rounding only).
 */
function ownSumOrder(): number[][] {
  const at = (name: string) => OWN_NAMES.indexOf(name);
  const order = [GRADES.map((g) => at(`grade:${g}`)), [at('logChars')], [at('stopDensity')], [at('noStopList')], [at('terminal')], [at('sentence')], [at('linkShare'), at('capShare')], [at('partialRule')]];
  const covered = order.flat();
  const complete = covered.length === OWN_WIDTH && new Set(covered).size === OWN_WIDTH && covered.every((k) => k >= 0);
  return complete ? order : OWN_NAMES.map((_, k) => [k]);
}

/** A number as JavaScript source that reads back as exactly the same double. */
function numberSource(x: number): string {
  if (Object.is(x, -0)) return '(-0)';
  return x < 0 ? `(${String(x)})` : String(x);
}

const matrixAt = (offset: number) => (offset === 0 ? 'm[r]' : offset > 0 ? `m[r + ${offset}]` : `m[r - ${-offset}]`);

/** The model compiled (once per model object). */
export function compiledModel(model: BlockModel): CompiledModel {
  let c = compiledCache.get(model);
  if (c) return c;
  const { weights, bias, lexical } = folded(model);
  const order = ownSumOrder();
  const own: string[] = [];
  for (let k = 0; k < OWN_WIDTH; k++) own.push(`const x${k} = ${matrixAt(k)};`);
  SLOT_OFFSETS.forEach((_, s) => {
    const term = (k: number) => `x${k} * ${numberSource(weights[s * OWN_WIDTH + k]!)}`;
    const [head, ...rest] = order;
    own.push(`let z${s} = ${head!.map(term).join(' + ')};`);
    for (const group of rest) own.push(`z${s} += ${group.length > 1 ? `(${group.map(term).join(' + ')})` : term(group[0]!)};`);
    own.push(`out[o + ${s}] = z${s};`);
  });
  const contextAt = SLOTS * OWN_WIDTH;
  const context = ['let c = 0;'];
  for (let k = 0; k < CONTEXT_WIDTH; k++) context.push(`c += ${matrixAt(OWN_WIDTH + k)} * ${numberSource(weights[contextAt + k]!)};`);
  context.push('return c;');
  c = {
    ownDots: new Function('m', 'r', 'out', 'o', own.join('\n')) as CompiledModel['ownDots'],
    contextDot: new Function('m', 'r', context.join('\n')) as CompiledModel['contextDot'],
    treesMargin: model.trees ? treesFunction(model.trees) : null,
    bias,
    lexical,
  };
  compiledCache.set(model, c);
  return c;
}

/**
 * Trees up to this depth are compiled without branches (treesSourceWithoutBranches): that
 * compares all 2^depth − 1 nodes of a tree instead of the depth nodes on the path, worth it
 * while they are few (the shipped trees have depth 3: measured about 2 % faster classification).
 */
const BRANCH_FREE_MAX_DEPTH = 3;

/** treesMargin compiled for the input matrix (the model's trees as code). */
function treesFunction(t: TreeEnsemble): (m: Float64Array, r: number) => number {
  if (t.depth > BRANCH_FREE_MAX_DEPTH) return new Function('m', 'r', treesSource(t)) as (m: Float64Array, r: number) => number;
  return new Function('leaves', `return function treesMargin(m, r) {\n${treesSourceWithoutBranches(t)}\n};`)(Float64Array.from(t.leaves)) as (m: Float64Array, r: number) => number;
}

/**
 * The body of treesMargin compiled without a jump per node: which way a block goes at a node
 * is unpredictable (a mispredicted branch costs more than the comparisons it saves), so every
 * node of a tree is compared, each level's results packed into one integer (bit j: node j of
 * the level goes right), and the path picks its bit level by level; the leaf's value is read
 * from \`leaves\` at the index the path ends at. Same leaves, added in the same order, as the
 * nested version: the same sums bit for bit.
 */
function treesSourceWithoutBranches(t: TreeEnsemble): string {
  const internal = (1 << t.depth) - 1;
  const leafCount = internal + 1;
  const count = t.leaves.length / leafCount;
  // Right when x > threshold, as treesMargin; a NaN input goes left there too.
  const goesRight = (tree: number, k: number) => `(${matrixAt(inputOffset(t.features[tree * internal + k]!))} > ${numberSource(t.thresholds[tree * internal + k]!)})`;
  const lines = ['let s = 0;', 'let k = 0;'];
  for (let tree = 0; tree < count; tree++) {
    // k: the path's position within the level (0 at the root).
    lines.push(`k = ${goesRight(tree, 0)} | 0;`);
    for (let level = 1; level < t.depth; level++) {
      const first = (1 << level) - 1;
      const bits = Array.from({ length: 1 << level }, (_, j) => (j === 0 ? goesRight(tree, first) : `(${goesRight(tree, first + j)} << ${j})`));
      lines.push(`k = 2 * k + (((${bits.join(' | ')}) >>> k) & 1);`);
    }
    lines.push(`s += leaves[${tree * leafCount} + k];`);
  }
  lines.push('return s;');
  return lines.join('\n');
}

/** The body of treesMargin compiled: each tree one nested conditional expression, its leaves added in order. */
function treesSource(t: TreeEnsemble): string {
  const internal = (1 << t.depth) - 1;
  const leafCount = internal + 1;
  const count = t.leaves.length / leafCount;
  const node = (tree: number, k: number): string => {
    if (k >= internal) return numberSource(t.leaves[tree * leafCount + k - internal]!);
    const at = tree * internal + k;
    // Right when x > threshold, as treesMargin; a NaN input goes left there too.
    return `(${matrixAt(inputOffset(t.features[at]!))} > ${numberSource(t.thresholds[at]!)} ? ${node(tree, 2 * k + 2)} : ${node(tree, 2 * k + 1)})`;
  };
  const lines = ['let s = 0;'];
  for (let tree = 0; tree < count; tree++) lines.push(`s += ${node(tree, 0)};`);
  lines.push('return s;');
  return lines.join('\n');
}

/** The trees as typed arrays (read on every graded block of every text document). */
interface FoldedTrees {
  depth: number;
  /** Per node: where its input sits relative to the block's row of the input matrix (see addTreesMargins). */
  at: Int32Array;
  thresholds: Float64Array;
  leaves: Float64Array;
}
const treesCache = new WeakMap<BlockModel, FoldedTrees | null>();

/**
 * The input matrix of a document has one row per block (ROW values: its own features, its context
 * features, its logistic z and lexical share), with PAD rows of zeros before and after: input f of
 * block i's tree vector is matrix[(i + PAD) · ROW + at(f)], its neighbours' own features included.
 */
const ROW = OWN_WIDTH + CONTEXT_WIDTH + 2;
const PAD = WINDOW;

/** at(f) for each tree input f (TREE_INPUTS order). */
function inputOffset(f: number): number {
  if (f < 5 * OWN_WIDTH) return SLOT_OFFSETS[Math.floor(f / OWN_WIDTH)]! * ROW + (f % OWN_WIDTH);
  return OWN_WIDTH + (f - 5 * OWN_WIDTH);
}

function foldedTrees(model: BlockModel): FoldedTrees | null {
  let t = treesCache.get(model);
  if (t === undefined) {
    const m = model.trees;
    t = m ? { depth: m.depth, at: Int32Array.from(m.features, inputOffset), thresholds: Float64Array.from(m.thresholds), leaves: Float64Array.from(m.leaves) } : null;
    treesCache.set(model, t);
  }
  return t;
}

/**
 * Adds each graded block's lexical share and the trees' margin to z (which holds the dense
 * logistic part): the trees read the block's dense features, the logistic z and the lexical
 * share, as treesMargin(blockVector(ctx, i) ++ [z, lexical]) does, without building vectors.
 */
function addTreesMargins(ctx: BlockContext, z: Float64Array, lexical: Float64Array | null, t: FoldedTrees): void {
  const n = ctx.grades.length;
  const m = new Float64Array((n + 2 * PAD) * ROW);
  for (let j = 0; j < n; j++) fillOwn(ctx, j, m, (j + PAD) * ROW);
  const { at, thresholds, leaves } = t;
  const internal = (1 << t.depth) - 1;
  const leafCount = internal + 1;
  for (let i = 0; i < n; i++) {
    if (!ctx.features[i]) continue;
    const lex = !lexical ? 0 : ctx.lexicalShare ? ctx.lexicalShare[i]! : lexicalDot(ctx.blocks[i]!.text, lexical);
    z[i]! += lex;
    const r = (i + PAD) * ROW;
    writeContextFeatures(ctx, i, m, r + OWN_WIDTH);
    m[r + ROW - 2] = z[i]!;
    m[r + ROW - 1] = lex;
    let margin = 0;
    for (let a = 0, leafAt = 0; leafAt < leaves.length; a += internal, leafAt += leafCount) {
      let k = 0;
      // Branch-free ((a > b) | 0 is a flag, not a jump): which way a block goes is unpredictable.
      while (k < internal) k = 2 * k + 1 + (((m[r + at[a + k]!]! > thresholds[a + k]!) as unknown as number) | 0);
      margin += leaves[leafAt + k - internal]!;
    }
    z[i]! += margin;
  }
}


/** ownFeatures(ctx, j) written into out[at …] (which holds zeros). */
function fillOwn(ctx: BlockContext, j: number, out: Float64Array, at: number): void {
  const f = ctx.features[j];
  const g = GRADE_INDEX.get(ctx.grades[j]!);
  if (g !== undefined) out[at + 8 + g] = 1;
  if (!f) return;
  out[at] = Math.log1p(f.chars) / 5;
  if (f.stopDensity === null) out[at + 2] = 1;
  else out[at + 1] = f.stopDensity;
  if (f.terminal) out[at + 3] = 1;
  if (f.sentence) out[at + 4] = 1;
  out[at + 5] = f.linkShare;
  out[at + 6] = f.capShare;
  if (ctx.partial[j]) out[at + 7] = 1;
}

/** contextFeatures(ctx, i) · weights[base …], summed in the same order. */
function contextDot(ctx: BlockContext, i: number, w: Float64Array, base: number): number {
  writeContextFeatures(ctx, i, contextScratch, 0);
  let z = 0;
  for (let k = 0; k < CONTEXT_WIDTH; k++) z += w[base + k]! * contextScratch[k]!;
  return z;
}
const contextScratch = new Float64Array(CONTEXT_WIDTH);

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
/** Index of the block's own `grade:rule` feature in its vector. */
const RULE_GRADE_AT = OWN_NAMES.indexOf('grade:rule');

/** Validate a model file: it must match this code's feature list, or it would silently score the wrong inputs. */
export function parseBlockModel(json: unknown, source: string): BlockModel {
  const parsed = modelSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${source}: not a block model: ${parsed.error.message}`);
  const m = parsed.data;
  if (m.features.join(',') !== FEATURE_NAMES.join(',')) throw new Error(`${source}: features do not match this version of the classifier; retrain with scripts/train-blocks.ts`);
  if (m.weights.length !== FEATURE_NAMES.length || m.mean.length !== FEATURE_NAMES.length || m.scale.length !== FEATURE_NAMES.length) {
    throw new Error(`${source}: weights, mean and scale need ${FEATURE_NAMES.length} entries`);
  }
  if (m.trees && m.trees.inputs.join(',') !== TREE_INPUTS.join(',')) throw new Error(`${source}: tree inputs do not match this version of the classifier; retrain with scripts/train-blocks.ts`);
  if (m.span && (m.span.weights.length !== FEATURE_NAMES.length || m.span.mean.length !== FEATURE_NAMES.length || m.span.scale.length !== FEATURE_NAMES.length)) {
    throw new Error(`${source}: the span model's weights, mean and scale need ${FEATURE_NAMES.length} entries; retrain with scripts/train-blocks.ts`);
  }
  if (m.span?.lexical && m.span.lexical.length !== LEXICAL_BUCKETS) throw new Error(`${source}: the span model's lexical weights need ${LEXICAL_BUCKETS} entries; retrain with scripts/train-blocks.ts`);
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
