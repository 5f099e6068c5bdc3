/**
 * Trains the learned text-block model (src/boilerplate/block-model.ts) and
 * writes data/boilerplate/block-model.json.
 *
 *   npx tsx scripts/train-blocks.ts            train on all 990 dev-set pages, write the model
 *   npx tsx scripts/train-blocks.ts --cv       only print the 2-fold held-out evaluation
 *
 * Data: ../shared/devsets/html-extraction. Each page is flattened to its text
 * dump (all visible text, one block per line: what bench:extract's text mode
 * classifies). Labels per line:
 *  - gold: the line contains an annotated `with` snippet (article text) or a
 *    `without` snippet (boilerplate); a line containing both is skipped;
 *  - weak (weight WEAK_WEIGHT): every other line is labelled by our own DOM
 *    extraction (kept by extractHtml + the HTML-mode classifier = article text).
 * Lines a rule removes are training rows too (RULE_ROWS), with their own features as if no rule
 * named them: the model is never asked about them, but they teach it what boilerplate looks like
 * (the words and shapes of sign-up prompts, share rows, consent notices), which carries over to
 * the boilerplate the rules miss.
 *
 * Logistic regression, full-batch gradient descent on standardised features
 * plus hashed lexical terms of the line (src/boilerplate/lexical.ts), with L2;
 * then boosted trees (scripts/fit-trees.ts) over the dense features and the
 * logistic score, which start from that score and learn the interactions a
 * linear model cannot express; the score the trees see for a training row is
 * cross-fitted (from a logistic model trained on the other inner half of the
 * pages). No randomness, so the same data gives the same file. The removal
 * threshold is the one that maximises the bench's snippet F1 on the training pages.
 *
 * Two passes (src/boilerplate/span-model.ts): the article span the model's span features and
 * the prose policy read is chosen from the probabilities of a first-pass logistic model that
 * does not see any span (trained on the same rows with constant span features); the spans of
 * the training rows come from a first pass trained on the other inner half of the pages.
 *
 * Honest evaluation: pages are split into two folds by a stable hash of their
 * file name; a model trained on one fold is scored on the other (and vice versa).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { DEVSET_DIR } from '../tests/helpers/shared.ts';
import { addScores, loadDevset, prf, scorePage, type DevPage, type Score } from '../bench/devset.ts';
import { cleanHtml } from '../bench/extract.ts';
import { cleanDump } from '../bench/clean-dump.ts';
import { blockModelContext, gradeDocument } from '../src/boilerplate/classify.ts';
import { probabilitySpan, type SpanModel, type SpanSetting } from '../src/boilerplate/span-model.ts';
import { BLOCK_MODEL_PATH, contentProbabilities, blockVector, type BlockContext, FEATURE_NAMES, TREE_INPUTS, type BlockModel } from '../src/boilerplate/block-model.ts';
import { fitTrees, type TreeParams } from './fit-trees.ts';
import { forEachLexicalTerm, LEXICAL_BUCKETS } from '../src/boilerplate/lexical.ts';

/**
 * Weight of a line labelled only by our DOM extraction, against 1 for a line with an annotated
 * snippet. Held out with the lexical terms: 0.1 → F1 0.853, 0.05 → 0.859, 0.03 → 0.860,
 * 0.02 → 0.862 (R 0.900), 0.01 → 0.863 (R 0.896): 0.02 keeps the recall.
 */
const WEAK_WEIGHT = 0.02;
const L2 = 1e-3;
const ITERATIONS = 400;
const LEARNING_RATE = 0.5;
/**
 * Hashed lexical terms (src/boilerplate/lexical.ts): L2 and learning rate of their weights,
 * which are not standardised (sparse values ≤ 1; a rare bucket needs the larger step).
 * Held out: LEX_LR 8 with L2 3e-4 gave 0.857, L2 3e-3 0.856, 3e-4 at LEX_LR 2 0.859.
 */
const LEX_L2 = 1e-3;
const LEX_LR = 2;
const THRESHOLDS = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];
const PROSE_THRESHOLDS = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35];
/**
 * Conservative by default: a prose threshold may cost at most this much recall on the
 * training pages against cutting no prose outside the article (losing prose is worse
 * than keeping a boilerplate line).
 */
const MAX_PROSE_RECALL_LOSS = 0.02;
/**
 * Lines a rule removes are training rows too, their own features computed as if no rule named
 * them (their neighbours still see a rule match, as at run time). Without them, every phrase
 * added to the knowledge took its lines' boilerplate vocabulary out of the training data: held out
 * (2-fold, 2026-12-07), the knowledge of this commit with the model retrained without them scored
 * F1 0.874-0.879, below the same knowledge under the fold models trained before it (0.887).
 */
const RULE_ROWS = true;
/** Width of a block's own features in its vector (the first slot of FEATURE_NAMES). */
const OWN_WIDTH = FEATURE_NAMES.indexOf('-2:logChars');

export interface PreparedPage {
  page: DevPage;
  rawText: string;
  rows: Row[];
  /** The block model's inputs for the page's lines (span: the grade heuristic's). */
  ctx?: BlockContext;
  /** Line index of each row in ctx. */
  rowLines?: number[];
}

/** One training line: dense features, its lexical terms (bucket, value pairs), label and weight. */
export interface Row {
  x: number[];
  /** A rule-matched line's own features as if no rule named it (they replace the first OWN_WIDTH entries of x). */
  own?: number[];
  lexBuckets: Int32Array;
  lexValues: Float64Array;
  y: number;
  w: number;
}

/** The lexical terms of line i, as parallel bucket and value arrays. */
function lexicalTerms(lines: string[], i: number): Pick<Row, 'lexBuckets' | 'lexValues'> {
  const b: number[] = [];
  const v: number[] = [];
  const take = (bucket: number, value: number) => {
    b.push(bucket);
    v.push(value);
  };
  forEachLexicalTerm(lines[i]!, take);
  return { lexBuckets: Int32Array.from(b), lexValues: Float64Array.from(v) };
}

const ws = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Fold 0 or 1 of a page, from a hash of its file name (stable across runs and machines). */
export function foldOf(file: string, folds = 2): number {
  return createHash('sha1').update(file).digest()[0]! % folds;
}

export function preparePage(page: DevPage): PreparedPage {
  let rawText = '';
  let kept = new Set<string>();
  try {
    const out = cleanHtml(page.html);
    rawText = out.rawText;
    kept = new Set(out.text.split('\n').map(ws));
  } catch {
    return { page, rawText, rows: [] };
  }
  const rowLines: number[] = [];
  const lines = rawText.split('\n').filter((l) => l.trim());
  const blocks = lines.map((text) => ({ text, kind: 'paragraph' as const }));
  const ctx = blockModelContext(blocks, { titleLifted: false });
  // The rule-matched lines' own features and grades as if no rule named them (RULE_ROWS).
  const plain = RULE_ROWS ? gradeDocument(blocks) : null;
  const unruled: BlockContext | null = plain ? { ...ctx, features: plain.features, grades: ctx.grades.map((g, i) => (g === 'rule' ? plain.grades[i]! : g)) } : null;
  const owns = lines.map((_, i) => (!ctx.features[i] && unruled ? blockVector(unruled, i).slice(0, OWN_WIDTH) : undefined));
  const vectors = lines.map((_, i) => (ctx.features[i] ? blockVector(ctx, i) : owns[i] ? withOwn(blockVector(ctx, i), owns[i]) : null));
  const withs = page.with.map(ws).filter(Boolean);
  const withouts = page.without.map(ws).filter(Boolean);
  const rows: PreparedPage['rows'] = [];
  lines.forEach((line, i) => {
    const x = vectors[i];
    if (!x) return;
    const t = ws(line);
    const isWith = withs.some((s) => t.includes(s));
    const isWithout = withouts.some((s) => t.includes(s));
    if (isWith && isWithout) return;
    const own = owns[i] ? { own: owns[i] } : {};
    if (isWith || isWithout) rows.push({ x, ...own, ...lexicalTerms(lines, i), y: isWith ? 1 : 0, w: 1 });
    else if (WEAK_WEIGHT > 0) rows.push({ x, ...own, ...lexicalTerms(lines, i), y: kept.has(t) ? 1 : 0, w: WEAK_WEIGHT });
    else return;
    rowLines.push(i);
  });
  return { page, rawText, rows, ctx, rowLines };
}

/** Logistic regression by full-batch gradient descent on standardised dense features and raw lexical terms. */
export function fitLogistic(rows: Row[]): Pick<BlockModel, 'mean' | 'scale' | 'weights' | 'bias' | 'lexical'> {
  const d = rows[0]?.x.length ?? 0;
  const n = rows.length;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const r of rows) for (let k = 0; k < d; k++) mean[k]! += r.x[k]! / n;
  for (const r of rows) for (let k = 0; k < d; k++) scale[k]! += (r.x[k]! - mean[k]!) ** 2 / n;
  // A (nearly) constant feature keeps scale 1: a tiny scale would round to 0 in the model file.
  for (let k = 0; k < d; k++) scale[k] = Math.sqrt(scale[k]!) >= 1e-4 ? Math.sqrt(scale[k]!) : 1;
  const X = rows.map((r) => Float64Array.from(r.x, (v, k) => (v - mean[k]!) / scale[k]!));
  const weights = new Float64Array(d);
  let bias = 0;
  const totalW = rows.reduce((s, r) => s + r.w, 0);
  const grad = new Float64Array(d);
  const lex = new Float64Array(LEXICAL_BUCKETS);
  const gLex = new Float64Array(LEXICAL_BUCKETS);
  for (let it = 0; it < ITERATIONS; it++) {
    grad.fill(0);
    gLex.fill(0);
    let gBias = 0;
    for (let i = 0; i < n; i++) {
      const xi = X[i]!;
      const r = rows[i]!;
      let z = bias;
      for (let k = 0; k < d; k++) z += weights[k]! * xi[k]!;
      for (let t = 0; t < r.lexBuckets.length; t++) z += lex[r.lexBuckets[t]!]! * r.lexValues[t]!;
      const err = (1 / (1 + Math.exp(-z)) - r.y) * r.w;
      gBias += err;
      for (let k = 0; k < d; k++) grad[k]! += err * xi[k]!;
      for (let t = 0; t < r.lexBuckets.length; t++) gLex[r.lexBuckets[t]!]! += err * r.lexValues[t]!;
    }
    for (let k = 0; k < d; k++) weights[k]! -= LEARNING_RATE * (grad[k]! / totalW + L2 * weights[k]!);
    for (let k = 0; k < LEXICAL_BUCKETS; k++) lex[k]! -= LEX_LR * (gLex[k]! / totalW + LEX_L2 * lex[k]!);
    bias -= (LEARNING_RATE * gBias) / totalW;
  }
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return { mean: mean.map(round), scale: scale.map(round), weights: Array.from(weights, round), bias: round(bias), lexical: Array.from(lex, (v) => Math.round(v * 1e4) / 1e4) };
}

type LogisticFit = ReturnType<typeof fitLogistic>;

/** The logistic model's z of a row: whole, and its lexical share. */
function logisticZ(fit: LogisticFit, r: Row): { z: number; lex: number } {
  let z = fit.bias;
  for (let k = 0; k < r.x.length; k++) z += fit.weights[k]! * ((r.x[k]! - fit.mean[k]!) / fit.scale[k]!);
  let lex = 0;
  if (fit.lexical) for (let t = 0; t < r.lexBuckets.length; t++) lex += fit.lexical[r.lexBuckets[t]!]! * r.lexValues[t]!;
  return { z: z + lex, lex };
}

/**
 * Boosted trees on top of the logistic score (scripts/fit-trees.ts). Held out (same 2-fold split):
 * 30 trees of depth 3 at rate 0.4 → F1 0.870 (P 0.838 R 0.904) against 0.862 for the logistic
 * model alone; 50 of depth 3 at 0.3 → 0.871 (R 0.897), 100 of depth 3 at 0.2 → 0.872 (R 0.911),
 * 200 of depth 4 at 0.1 → 0.872, 100 of depth 4 at 0.1 → 0.870; weak-label weight 0.06 or 0.007
 * for the trees → 0.870 / 0.871 (at 100 trees). The differences are within the ±0.003 noise of
 * the split, and each comparison costs ~4 ns per graded line (100 trees of depth 3: +1.7 µs per
 * line, same-process A/B): the smallest ensemble that keeps the gain is shipped.
 */
export const TREE_PARAMS: TreeParams = { trees: 30, depth: 3, learningRate: 0.4, lambda: 1, minChildWeight: 1, maxBins: 64 };

/** Second fold split inside the training pages (cross-fitting), independent of the outer one. */
function innerFoldOf(file: string): number {
  return createHash('sha1').update(`inner:${file}`).digest()[0]! % 2;
}

/** Training rows with the logistic z each would get from a model that did not see its page. */
export interface CrossFitted {
  rows: Row[];
  zs: Array<{ z: number; lex: number }>;
}

/**
 * The logistic score of each training row from a logistic model fitted on the other inner
 * half of the training pages (cross-fitting): the trees then learn how the score errs on
 * unseen pages, not how it fits its own training rows.
 */
export function crossFitLogistic(pages: PreparedPage[]): CrossFitted {
  const rows: Row[] = [];
  const zs: CrossFitted['zs'] = [];
  for (const half of [0, 1]) {
    const inner = fitLogistic(pages.filter((p) => innerFoldOf(p.page.file) !== half).flatMap((p) => p.rows));
    for (const p of pages) {
      if (innerFoldOf(p.page.file) !== half) continue;
      for (const r of p.rows) {
        rows.push(r);
        zs.push(logisticZ(inner, r));
      }
    }
  }
  return { rows, zs };
}

/** Boosted trees over the dense features and the cross-fitted logistic score, boosting from that score. */
export function fitBoostedTrees({ rows, zs }: CrossFitted, params: TreeParams = TREE_PARAMS): NonNullable<BlockModel['trees']> {
  const d = TREE_INPUTS.length;
  const X = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    X.set(r.x, i * d);
    X[i * d + d - 2] = zs[i]!.z;
    X[i * d + d - 1] = zs[i]!.lex;
  });
  const y = Float64Array.from(rows, (r) => r.y);
  const w = Float64Array.from(rows, (r) => r.w);
  const base = Float64Array.from(zs, (s) => s.z);
  return { inputs: TREE_INPUTS, ...fitTrees(X, d, y, w, base, params) };
}

export function scoreDumps(pages: PreparedPage[], model: BlockModel | null): Score {
  let s: Score = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const p of pages) s = addScores(s, scorePage(p.page, cleanDump(p.rawText, undefined, model)));
  return s;
}

/**
 * How the first pass's probabilities choose the article span (src/boilerplate/span-model.ts).
 * Held out (same 2-fold split, 2026-11-28): tau 0.4 with √length weights and rule matches at
 * −0.3 → F1 0.877 (P 0.854 R 0.902), against 0.870 with the grade heuristic's span; tau 0.4
 * with log-length weights → 0.876 (R 0.900), tau 0.5 √length with neutral rule matches → 0.875
 * (R 0.894), tau 0.3 log-length → 0.870 (R 0.915: a wider span keeps more boilerplate).
 */
export const SPAN_SETTING: SpanSetting = { tau: 0.4, weighting: 'sqrt', rule: 0.3 };

/**
 * Train on these pages in two passes: a first-pass logistic model without span (its span
 * features constant), the article span of each page from it, then the logistic model and the
 * trees with span features from those spans; the thresholds that maximise their snippet F1.
 * The spans of the training rows are cross-fitted (first-pass model from the other inner
 * half of the pages), as at run time, where the first pass never saw the document.
 */
export function train(pages: PreparedPage[], description: string): BlockModel {
  const noSpan = new Map(pages.map((p) => [p, rowsWithSpan(p, [-1, -1])]));
  const first = fitLogistic(pages.flatMap((p) => noSpan.get(p)!));
  const spans = new Map<PreparedPage, [number, number]>();
  for (const half of [0, 1]) {
    const inner = fitLogistic(pages.filter((p) => innerFoldOf(p.page.file) !== half).flatMap((p) => noSpan.get(p)!));
    const innerModel = asFirstPass(inner);
    for (const p of pages) if (innerFoldOf(p.page.file) === half) spans.set(p, pageSpan(p, innerModel, SPAN_SETTING));
  }
  const withSpans = pages.map((p) => ({ ...p, rows: rowsWithSpan(p, spans.get(p)!) }));
  const fit = fitLogistic(withSpans.flatMap((p) => p.rows));
  const trees = fitBoostedTrees(crossFitLogistic(withSpans));
  return withThresholds(pages, description, fit, trees, TREE_PARAMS, { ...first, ...SPAN_SETTING });
}

/** The page's training rows with their span features from `span` (the other features do not depend on it). */
export function rowsWithSpan(p: PreparedPage, span: [number, number]): Row[] {
  if (!p.ctx) return [];
  const ctx: BlockContext = { ...p.ctx, span };
  return p.rows.map((r, k) => ({ ...r, x: r.own ? withOwn(blockVector(ctx, p.rowLines![k]!), r.own) : blockVector(ctx, p.rowLines![k]!) }));
}

/** Vector x with its own-feature slot replaced by `own`. */
function withOwn(x: number[], own: number[]): number[] {
  for (let k = 0; k < own.length; k++) x[k] = own[k]!;
  return x;
}

/** A first-pass logistic fit as a block model (one object per fit: the inference code compiles it once). */
function asFirstPass(fit: LogisticFit): BlockModel {
  return { kind: 'logistic-regression', description: 'first pass', features: FEATURE_NAMES, ...fit, threshold: 0.5, proseThreshold: 0, training: {} };
}

/** The article span of a page from the first pass (as classify.ts chooses it at run time). */
function pageSpan(p: PreparedPage, firstPass: BlockModel, setting: SpanSetting): [number, number] {
  if (!p.ctx) return [-1, -1];
  const pa = contentProbabilities(firstPass, { ...p.ctx, span: [-1, -1] });
  return probabilitySpan(pa, p.ctx.features, p.ctx.blocks, setting);
}

/** The model from its fitted parts, with the thresholds that maximise the snippet F1 on `pages`. */
export function withThresholds(pages: PreparedPage[], description: string, fit: LogisticFit, trees: BlockModel['trees'], treeParams: TreeParams = TREE_PARAMS, span?: SpanModel): BlockModel {
  const base: BlockModel = {
    kind: trees ? 'logistic-regression+boosted-trees' : 'logistic-regression',
    description,
    features: FEATURE_NAMES,
    ...fit,
    ...(trees ? { trees } : {}),
    ...(span ? { span } : {}),
    threshold: 0.5,
    proseThreshold: 0,
    training: {},
  };
  const scoreAt = (t: Pick<BlockModel, 'threshold' | 'proseThreshold'>) => scoreDumps(pages, { ...base, ...t });
  let best = { threshold: 0.5, f1: -1, recall: 0 };
  for (const threshold of THRESHOLDS) {
    const r = prf(scoreAt({ threshold, proseThreshold: 0 }));
    if (r.f1 > best.f1 + 1e-9) best = { threshold, f1: r.f1, recall: r.recall };
  }
  // Then how sure the model must be to cut prose outside the article, within the recall budget.
  let prose = { proseThreshold: 0, f1: best.f1 };
  for (const proseThreshold of PROSE_THRESHOLDS.filter((t) => t > 0 && t <= best.threshold)) {
    const r = prf(scoreAt({ threshold: best.threshold, proseThreshold }));
    if (r.f1 > prose.f1 + 1e-9 && best.recall - r.recall <= MAX_PROSE_RECALL_LOSS) prose = { proseThreshold, f1: r.f1 };
  }
  return {
    ...base,
    threshold: best.threshold,
    proseThreshold: prose.proseThreshold,
    training: {
      pages: pages.length,
      rows: pages.reduce((s, p) => s + p.rows.length, 0),
      weakWeight: WEAK_WEIGHT,
      l2: L2,
      iterations: ITERATIONS,
      learningRate: LEARNING_RATE,
      lexicalBuckets: LEXICAL_BUCKETS,
      lexicalL2: LEX_L2,
      lexicalLearningRate: LEX_LR,
      maxProseRecallLoss: MAX_PROSE_RECALL_LOSS,
      ...(trees ? { trees: treeParams } : {}),
      ...(span ? { span: { tau: span.tau, weighting: span.weighting, rule: span.rule } } : {}),
      trainingF1: Math.round(prose.f1 * 1000) / 1000,
    },
  };
}

/** Two-fold held-out evaluation: pooled scores of each fold under the model trained on the other, and of the rules alone. */
/** Two-fold held-out scores; `thresholds` holds each fold model's threshold and prose threshold. */
export function crossValidate(pages: PreparedPage[]): { heldOut: Score; rulesOnly: Score; thresholds: number[] } {
  let heldOut: Score = { tp: 0, fp: 0, fn: 0, tn: 0 };
  let rulesOnly: Score = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const thresholds: number[] = [];
  for (const fold of [0, 1]) {
    const trainPages = pages.filter((p) => foldOf(p.page.file) !== fold);
    const testPages = pages.filter((p) => foldOf(p.page.file) === fold);
    const model = train(trainPages, `fold ${fold} held out`);
    thresholds.push(model.threshold, model.proseThreshold);
    heldOut = addScores(heldOut, scoreDumps(testPages, model));
    rulesOnly = addScores(rulesOnly, scoreDumps(testPages, null));
  }
  return { heldOut, rulesOnly, thresholds };
}

async function main() {
  const t0 = performance.now();
  const pages = loadDevset(DEVSET_DIR).map(preparePage);
  const f = (s: Score) => {
    const r = prf(s);
    return `P ${r.precision.toFixed(3)} R ${r.recall.toFixed(3)} F1 ${r.f1.toFixed(3)}`;
  };
  const cv = crossValidate(pages);
  console.log(`2-fold held-out (train on one half by file-name hash, score the other): rules + model ${f(cv.heldOut)} | rules alone ${f(cv.rulesOnly)} (threshold / prose threshold per fold: ${cv.thresholds.join(', ')})`);
  if (process.argv.includes('--cv')) return;
  const model = train(pages, `Text-dump block model: logistic regression over ${FEATURE_NAMES.length} block and context features and hashed words (article span chosen by a first-pass logistic model), corrected by ${TREE_PARAMS.trees} boosted trees of depth ${TREE_PARAMS.depth}, trained by scripts/train-blocks.ts on the ${pages.length} pages of the html-extraction dev set.`);
  writeFileSync(BLOCK_MODEL_PATH, `${JSON.stringify(model, null, 1)}\n`);
  console.log(`all pages (training data, optimistic): ${f(scoreDumps(pages, model))}; threshold ${model.threshold}; wrote ${BLOCK_MODEL_PATH} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
