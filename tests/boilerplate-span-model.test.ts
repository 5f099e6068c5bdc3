/**
 * The article span of text documents chosen from the first-pass model's probabilities
 * (src/boilerplate/span-model.ts): the maximum-sum run is exact, a model without a span part
 * keeps the grade heuristic's span, a broken span part is refused, and the classifier's
 * decisions follow the span the first pass chooses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { contentProbabilities, parseBlockModel, shippedBlockModel, type BlockModel } from '../src/boilerplate/block-model.ts';
import { blockModelContext, classifyBlocks } from '../src/boilerplate/classify.ts';
import { SEEDS_DIR } from './helpers/shared.ts';
import { firstPassModel, probabilitySpan, type SpanSetting } from '../src/boilerplate/span-model.ts';

const weightOf = (s: SpanSetting, chars: number) => (s.weighting === 'sqrt' ? Math.sqrt(chars) : s.weighting === 'log' ? Math.log1p(chars) : 1);

/** The plain definition: the sum of the run [a, b]. */
function runSum(p: number[], graded: boolean[], texts: string[], s: SpanSetting, a: number, b: number): number {
  let sum = 0;
  for (let i = a; i <= b; i++) sum += graded[i] ? weightOf(s, texts[i]!.length) * (p[i]! - s.tau) : -s.rule * weightOf(s, texts[i]!.length);
  return sum;
}

const settingArb = fc.record({ tau: fc.double({ min: 0, max: 1, noNaN: true }), weighting: fc.constantFrom('unit' as const, 'log' as const, 'sqrt' as const), rule: fc.double({ min: 0, max: 1, noNaN: true }) });
const docArb = fc.array(fc.record({ p: fc.double({ min: 0, max: 1, noNaN: true }), graded: fc.boolean(), chars: fc.integer({ min: 1, max: 400 }) }), { maxLength: 30 });

describe('probability span', () => {
  it('is a run of maximum sum (checked against every run), [-1, -1] when no run sums above 0', () => {
    fc.assert(
      fc.property(docArb, settingArb, (doc, s) => {
        const p = doc.map((d) => d.p);
        const graded = doc.map((d) => d.graded);
        const texts = doc.map((d) => 'x'.repeat(d.chars));
        const [first, last] = probabilitySpan(p, graded, texts.map((text) => ({ text })), s);
        let best = 0;
        for (let a = 0; a < doc.length; a++) for (let b = a; b < doc.length; b++) best = Math.max(best, runSum(p, graded, texts, s, a, b));
        if (first < 0) {
          expect(last).toBe(-1);
          expect(best).toBeLessThanOrEqual(1e-9);
        } else {
          expect(first).toBeLessThanOrEqual(last);
          expect(runSum(p, graded, texts, s, first, last)).toBeCloseTo(best, 9);
          expect(best).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('counts a rule match against the run, by its weight', () => {
    const blocks = ['a'.repeat(100), 'b'.repeat(100), 'c'.repeat(100)].map((text) => ({ text }));
    const s: SpanSetting = { tau: 0.4, weighting: 'sqrt', rule: 0.3 };
    // (0.9 - 0.4) · 10 = 5 on each side; the rule match in between costs 0.3 · 10 = 3: one run.
    expect(probabilitySpan([0.9, 0, 0.9], [true, false, true], blocks, s)).toEqual([0, 2]);
    // At rule 0.6 it costs 6 > 5: the first block alone (the earlier of two equal runs).
    expect(probabilitySpan([0.9, 0, 0.9], [true, false, true], blocks, { ...s, rule: 0.6 })).toEqual([0, 0]);
  });
});

describe('span part of the block model', () => {
  const shipped = shippedBlockModel()!;

  it('ships a first pass of the block model’s features, compiled once per model', () => {
    expect(shipped.span).toBeDefined();
    const first = firstPassModel(shipped)!;
    expect(first.weights).toHaveLength(shipped.features.length);
    expect(first.trees).toBeUndefined();
    expect(firstPassModel(shipped)).toBe(first);
    const { span: _span, ...withoutSpan } = shipped;
    expect(firstPassModel(withoutSpan as BlockModel)).toBeNull();
  });

  it('refuses a span part of the wrong width, naming the file', () => {
    const span = shipped.span!;
    expect(() => parseBlockModel({ ...shipped, span: { ...span, weights: span.weights.slice(1) } }, 'm.json')).toThrow(/m\.json: the span model's weights/);
    expect(() => parseBlockModel({ ...shipped, span: { ...span, lexical: [1, 2] } }, 'm.json')).toThrow(/m\.json: the span model's lexical weights/);
    expect(() => parseBlockModel({ ...shipped, span: { ...span, weighting: 'cube' } }, 'm.json')).toThrow(/m\.json: not a block model/);
  });

  it('decides with the span the first pass chooses: a model removal is `outside-main` exactly outside it (seed dumps)', () => {
    const first = firstPassModel(shipped)!;
    let outside = 0;
    let differs = 0;
    for (const file of readdirSync(SEEDS_DIR).filter((f) => f.endsWith('.txt'))) {
      const blocks = readFileSync(path.join(SEEDS_DIR, file), 'utf8').split('\n').filter((l) => l.trim()).map((text) => ({ text, kind: 'paragraph' as const }));
      const ctx = blockModelContext(blocks, { titleLifted: false });
      const [a, b] = probabilitySpan(contentProbabilities(first, { ...ctx, span: [-1, -1] }), ctx.features, blocks, shipped.span!);
      expect(a, file).toBeGreaterThanOrEqual(0);
      // blockModelContext holds the grade heuristic's span: the check means something only where the two differ.
      if (ctx.span[0] !== a || ctx.span[1] !== b) differs++;
      const decisions = classifyBlocks(blocks, { aggressiveness: 0.5, titleLifted: false, mode: 'text', blockModel: shipped });
      decisions.forEach((d, i) => {
        if (d.action !== 'remove' || !d.detail?.startsWith('block model')) return;
        expect(d.reason, `${file} block ${i}`).toBe(i < a || i > b ? 'outside-main' : 'low-content');
        if (d.reason === 'outside-main') outside++;
      });
      // Sentence-shaped prose inside that span is never cut by the model.
      decisions.forEach((d, i) => {
        if (i >= a && i <= b && ctx.features[i]?.sentence && (ctx.grades[i] === 'good' || ctx.grades[i] === 'near-good')) expect('detail' in d ? d.detail : '', `${file} block ${i}`).not.toMatch(/^block model/);
      });
    }
    expect(outside).toBeGreaterThan(0);
    expect(differs).toBeGreaterThan(0);
  });
});
