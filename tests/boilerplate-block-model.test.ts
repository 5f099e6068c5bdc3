/**
 * The learned text-block model (src/boilerplate/block-model.ts): the shipped
 * file matches the code's features, a stale or broken file is refused with
 * its path, and the model only ever adds text-mode decisions the knob controls.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BLOCK_MODEL_PATH, FEATURE_NAMES, TREE_INPUTS, blockVector, compiledModel, contentProbabilities, contentProbability, foldedContentProbabilities, lexicalScore, parseBlockModel, shippedBlockModel, treesMargin, type BlockModel } from '../src/boilerplate/block-model.ts';
import { fitTrees } from '../scripts/fit-trees.ts';
import { blockModelContext, blockModelVectors, classifyBlocks } from '../src/boilerplate/classify.ts';
import { forEachLexicalTerm, LEXICAL_BUCKETS, lexicalDot } from '../src/boilerplate/lexical.ts';
import { foldOf } from '../scripts/train-blocks.ts';
import { REPO_ROOT } from './helpers/shared.ts';

const P = (text: string) => ({ text, kind: 'paragraph' as const });
const PAGE = [
  'Home', 'World', 'Sport', 'Login',
  'The minister resigned on Monday after weeks of pressure from members of his own party, officials said.',
  'He had been in office for less than a year and faced criticism over the handling of the budget talks.',
  'Most read', 'Weather Forecast Radar Maps', 'Terms Privacy Contact Advertise',
].map(P);

describe('block model', () => {
  it('ships a model whose features match the classifier', () => {
    const m = shippedBlockModel();
    expect(m, BLOCK_MODEL_PATH).not.toBeNull();
    expect(m!.features).toEqual(FEATURE_NAMES);
    expect(m!.threshold).toBeGreaterThan(0);
  });

  it('refuses a model trained for other features, naming the file', () => {
    const m = shippedBlockModel()!;
    expect(() => parseBlockModel({ ...m, features: m.features.slice(1) }, 'x.json')).toThrow(/x\.json: features do not match/);
    expect(() => parseBlockModel({ ...m, weights: 'no' }, 'y.json')).toThrow(/y\.json: not a block model/);
  });

  it('gives one vector per block, none for rule matches, of the declared width', () => {
    const vs = blockModelVectors(PAGE, { titleLifted: false });
    expect(vs).toHaveLength(PAGE.length);
    // "Home" (navigation) and "Most read" (related) are rule matches.
    expect(vs[0]).toBeNull();
    expect(vs[6]).toBeNull();
    for (const i of [1, 2, 3, 4, 5, 7, 8]) expect(vs[i]).toHaveLength(FEATURE_NAMES.length);
  });

  it('scores prose above menu items', () => {
    const m = shippedBlockModel()!;
    const p = contentProbabilities(m, blockModelContext(PAGE, { titleLifted: false }));
    expect(Math.min(p[4]!, p[5]!)).toBeGreaterThan(Math.max(p[1]!, p[2]!, p[3]!, p[7]!, p[8]!));
  });

  it('without its lexical part, the probabilities are those of the dense vectors', () => {
    const { lexical: _lexical, ...dense } = shippedBlockModel()!;
    const vs = blockModelVectors(PAGE, { titleLifted: false });
    const p = contentProbabilities(dense, blockModelContext(PAGE, { titleLifted: false }));
    vs.forEach((v, i) => {
      if (v) expect(p[i]).toBeCloseTo(contentProbability(dense, v), 9);
    });
  });

  it('its lexical part learned boilerplate vocabulary across languages: widget words score below news sentences', () => {
    const w = Float64Array.from(shippedBlockModel()!.lexical!);
    const widgets = ['Newsletter abonnieren', 'Subscribe to our newsletter', 'Kommentare', 'Leave a comment', 'Mehr zum Thema', 'Weitere Artikel', 'Privacy policy'];
    const news = ['Der Minister sagte am Montag, die Regierung werde', 'The company said on Tuesday that its profits had', 'Die Polizei ermittelt'];
    expect(Math.max(...widgets.map((t) => lexicalDot(t, w)))).toBeLessThan(Math.min(...news.map((t) => lexicalDot(t, w))));
  });

  it('refuses lexical weights of the wrong size', () => {
    const m = shippedBlockModel()!;
    expect(() => parseBlockModel({ ...m, lexical: [0, 1] }, 'z.json')).toThrow(/z\.json: lexical weights need 4096/);
  });

  it('a model that calls everything boilerplate still cannot remove article prose, rule-free blocks at aggressiveness 0, or touch HTML mode', () => {
    const m = shippedBlockModel()!;
    const hostile: BlockModel = { ...m, weights: m.weights.map(() => 0), bias: -20 };
    const d = classifyBlocks(PAGE, { aggressiveness: 0.5, mode: 'text', blockModel: hostile });
    expect(d[4]!.action).toBe('keep');
    expect(d[5]!.action).toBe('keep');
    expect(d[7]!.action).toBe('remove');
    expect(d[7]!.action === 'remove' && d[7]!.reason).toBe('outside-main');
    expect(classifyBlocks(PAGE, { aggressiveness: 0, mode: 'text', blockModel: hostile }).filter((x) => x.action === 'remove' && x.grade !== 'rule')).toEqual([]);
    expect(classifyBlocks(PAGE, { aggressiveness: 0.5, mode: 'html', blockModel: hostile })).toEqual(classifyBlocks(PAGE, { aggressiveness: 0.5, mode: 'html', blockModel: null }));
  });

  it('a model that calls everything article text keeps what only the heuristic would cut, flagged', () => {
    const m = shippedBlockModel()!;
    const friendly: BlockModel = { ...m, weights: m.weights.map(() => 0), bias: 20 };
    const d = classifyBlocks(PAGE, { aggressiveness: 0.5, mode: 'text', blockModel: friendly });
    expect(d.filter((x) => x.action === 'remove').map((x) => x.action === 'remove' && x.reason)).toEqual(['navigation', 'breadcrumb', 'breadcrumb', 'breadcrumb', 'related']);
    expect(d[7]!.action).toBe('flag');
  });

  it('cuts a sentence outside the article only below its prose threshold, and never one inside it', () => {
    // The thresholds' policy, on the logistic part alone (the trees would move the probabilities this test sets).
    const { trees: _trees, ...m } = shippedBlockModel()!;
    const comment = 'Great article, thanks so much for sharing this with all of us here today!';
    const page = [...PAGE, P(comment)];
    const hostile: BlockModel = { ...m, weights: m.weights.map(() => 0), bias: -20, proseThreshold: 0 };
    const last = page.length - 1;
    expect(classifyBlocks(page, { aggressiveness: 0.5, mode: 'text', blockModel: hostile })[last]!.action).not.toBe('remove');
    const sure = classifyBlocks(page, { aggressiveness: 0.5, mode: 'text', blockModel: { ...hostile, proseThreshold: 0.2 } });
    expect(sure[last]).toMatchObject({ action: 'remove', reason: 'outside-main' });
    expect(sure[last]!.action === 'remove' && sure[last]!.detail).toMatch(/prose outside the article/);
    expect(sure[4]!.action).toBe('keep');
    expect(sure[5]!.action).toBe('keep');
    // A model that is unsure (probability between the two thresholds) keeps the prose.
    const unsure: BlockModel = { ...hostile, bias: 0, proseThreshold: 0.2, threshold: 0.9 };
    expect(classifyBlocks(page, { aggressiveness: 0.5, mode: 'text', blockModel: unsure })[last]!.action).not.toBe('remove');
    expect(classifyBlocks(page, { aggressiveness: 0, mode: 'text', blockModel: { ...hostile, proseThreshold: 0.2 } })[last]!.action).not.toBe('remove');
  });

  it('splits the dev set into folds by a stable hash of the file name', () => {
    expect(foldOf('0001.html')).toBe(foldOf('0001.html'));
    const folds = Array.from({ length: 200 }, (_, i) => foldOf(`${i}.html`));
    expect(folds.filter((f) => f === 0).length).toBeGreaterThan(70);
    expect(folds.filter((f) => f === 1).length).toBeGreaterThan(70);
  });
});


/** The lexical terms of a text as [bucket, value] pairs. */
function terms(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  forEachLexicalTerm(text, (b, v) => out.push([b, v]));
  return out;
}

describe('hashed lexical features', () => {
  it('hash lower-cased words: case, punctuation and digits do not change the terms, other words do', () => {
    expect(terms('Share this article')).toEqual(terms('SHARE this, article!'));
    expect(terms('Share 2 this article')).toEqual(terms('Share this article'));
    expect(terms('ÜBER UNS – Kommentare')).toEqual(terms('über uns kommentare'));
    expect(terms('Jetzt teilen')).not.toEqual(terms('Jetzt lesen'));
  });

  it('every word weighs 1/√words, the first and the last word 1 each, all in range', () => {
    const t = terms('one two three four');
    expect(t.map(([, v]) => v)).toEqual([0.5, 0.5, 0.5, 0.5, 1, 1]);
    for (const [b] of t) expect(b >= 0 && b < LEXICAL_BUCKETS).toBe(true);
    // The first and the last word have their own namespaces: "one" as a word and as the first word differ.
    expect(t[4]![0]).not.toBe(t[0]![0]);
  });

  it('a text without a word has no terms and adds nothing', () => {
    const w = new Float64Array(LEXICAL_BUCKETS).fill(1);
    expect(terms('— 12 . 2020')).toEqual([]);
    expect(lexicalDot('— 12 . 2020', w)).toBe(0);
  });

  it('lexicalDot equals the sum over the terms (any text, any weights)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.integer({ min: 1, max: 1000 }), (text, seed) => {
        const w = Float64Array.from({ length: LEXICAL_BUCKETS }, (_, k) => Math.sin(k * seed));
        let sum = 0;
        forEachLexicalTerm(text, (b, v) => (sum += w[b]! * v));
        expect(lexicalDot(text, w)).toBeCloseTo(sum, 9);
      }),
      { numRuns: 300 },
    );
  });
});

describe('boosted trees of the block model', () => {
  const stump = (feature: number, threshold: number, left: number, right: number) => ({ depth: 1, features: [feature], thresholds: [threshold], leaves: [left, right] });

  it('a tree sends x left when x[feature] <= threshold, and the margins of the trees add up', () => {
    const two = { depth: 1, features: [0, 1], thresholds: [0.5, 2], leaves: [-1, 1, 10, 20] };
    expect(treesMargin(stump(0, 0.5, -1, 1), [0.5])).toBe(-1);
    expect(treesMargin(stump(0, 0.5, -1, 1), [0.6])).toBe(1);
    expect(treesMargin(two, [0, 3])).toBe(-1 + 20);
    expect(treesMargin(two, [1, 2])).toBe(1 + 10);
  });

  it('learn an interaction a linear model cannot express (XOR of two features), deterministically', () => {
    // Four clusters: the label is x0 > 0.5 XOR x1 > 0.5, with a noise feature.
    const rows = Array.from({ length: 400 }, (_, i) => [((i * 37) % 100) / 100, ((i * 61) % 97) / 97, ((i * 13) % 7) / 7]);
    const y = Float64Array.from(rows, ([a, b]) => ((a! > 0.5) !== (b! > 0.5) ? 1 : 0));
    const X = Float64Array.from(rows.flat());
    const params = { trees: 30, depth: 2, learningRate: 0.3, lambda: 1, minChildWeight: 1, maxBins: 32 };
    const fit = fitTrees(X, 3, y, new Float64Array(400).fill(1), new Float64Array(400), params);
    expect(fitTrees(X, 3, y, new Float64Array(400).fill(1), new Float64Array(400), params)).toEqual(fit);
    const correct = rows.filter((x, i) => (treesMargin(fit, x) > 0 ? 1 : 0) === y[i]).length;
    expect(correct / rows.length).toBeGreaterThan(0.97);
  });

  it('boost from the base margin: where the base is already right, the trees add far less than from zero', () => {
    const X = Float64Array.from({ length: 200 }, (_, i) => i / 200);
    const y = Float64Array.from(X, (x) => (x > 0.5 ? 1 : 0));
    const w = new Float64Array(200).fill(1);
    const params = { trees: 10, depth: 2, learningRate: 0.3, lambda: 1, minChildWeight: 1, maxBins: 16 };
    const fromBase = fitTrees(X, 1, y, w, Float64Array.from(X, (x) => (x > 0.5 ? 6 : -6)), params);
    const fromZero = fitTrees(X, 1, y, w, new Float64Array(200), params);
    for (const x of [0.1, 0.9]) {
      expect(Math.sign(treesMargin(fromZero, [x]))).toBe(x > 0.5 ? 1 : -1);
      expect(Math.abs(treesMargin(fromBase, [x]))).toBeLessThan(Math.abs(treesMargin(fromZero, [x])) / 3);
    }
  });

  it('the shipped model has trees, and the per-document fast path equals the plain definition on generated pages', () => {
    const m = shippedBlockModel()!;
    expect(m.trees?.inputs).toEqual(TREE_INPUTS);
    const line = fc.oneof(
      fc.constantFrom(...PAGE.map((b) => b.text), 'Share this:', 'Kommentare (3)', 'Lesen Sie auch', '© 2020 Example Media. All rights reserved.'),
      fc.string({ minLength: 1, maxLength: 120 }),
      fc.array(fc.constantFrom('the', 'minister', 'said', 'Der', 'Regierung', 'Newsletter', 'Home', '12.03.2020', 'and', 'a', 'vote.'), { minLength: 1, maxLength: 30 }).map((w) => w.join(' ')),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 25 }), (texts) => {
        const ctx = blockModelContext(texts.map(P), { titleLifted: false });
        const p = contentProbabilities(m, ctx);
        texts.forEach((_, i) => {
          if (ctx.features[i]) expect(p[i]).toBeCloseTo(contentProbability(m, blockVector(ctx, i), lexicalScore(m, ctx, i)), 9);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a model whose trees read other inputs, naming the file', () => {
    const m = shippedBlockModel()!;
    expect(() => parseBlockModel({ ...m, trees: { ...m.trees!, inputs: m.trees!.inputs.slice(1) } }, 't.json')).toThrow(/t\.json: tree inputs do not match/);
  });

  describe('compiled model', () => {
    const shipped = shippedBlockModel()!;
    const line = fc.oneof(
      fc.constantFrom(...PAGE.map((b) => b.text), 'Share this:', 'Kommentare (3)', 'Lesen Sie auch', '© 2020 Example Media. All rights reserved.', ''),
      fc.string({ minLength: 1, maxLength: 120 }),
      fc.array(fc.constantFrom('the', 'minister', 'said', 'Der', 'Regierung', 'Newsletter', 'Home', '12.03.2020', 'and', 'a', 'vote.', 'https://x.example/a'), { minLength: 1, maxLength: 30 }).map((w) => w.join(' ')),
    );
    const page = fc.array(line.filter((t) => t.trim() !== ''), { minLength: 1, maxLength: 25 });
    /** Bit for bit: Object.is tells -0 from 0 and compares NaN too. */
    const sameBits = (a: Float64Array, b: Float64Array) => {
      expect(a.length).toBe(b.length);
      const differ = [...a.keys()].filter((i) => !Object.is(a[i], b[i])).map((i) => `${i}: ${a[i]} vs ${b[i]}`);
      expect(differ).toEqual([]);
    };

    it('gives the folded reference’s probabilities bit for bit on the seed files and generated pages', () => {
      const seeds = readdirSync(path.join(REPO_ROOT, 'raw'))
        .filter((f) => f.endsWith('.txt'))
        .map((f) => readFileSync(path.join(REPO_ROOT, 'raw', f), 'utf8').split('\n').filter((l) => l.trim()).map(P));
      expect(seeds.length).toBeGreaterThanOrEqual(5);
      for (const blocks of seeds) {
        const ctx = blockModelContext(blocks, { titleLifted: false });
        sameBits(contentProbabilities(shipped, ctx), foldedContentProbabilities(shipped, ctx));
      }
      fc.assert(
        fc.property(page, (texts) => {
          const ctx = blockModelContext(texts.map(P), { titleLifted: false });
          sameBits(contentProbabilities(shipped, ctx), foldedContentProbabilities(shipped, ctx));
        }),
        { numRuns: 150 },
      );
    });

    it('compiles any model of this feature list the same way: generated weights, trees of depth 1 to 4, signed zeros and extreme thresholds', () => {
      const weight = fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.constantFrom(0, -0, 1e-300, -1e-300));
      const threshold = fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(Number.MAX_VALUE, -Number.MAX_VALUE, 0, -0, 0.5, 1));
      const trees = fc.integer({ min: 1, max: 4 }).chain((depth) =>
        fc.integer({ min: 1, max: 6 }).chain((count) =>
          fc.record({
            inputs: fc.constant(TREE_INPUTS),
            depth: fc.constant(depth),
            features: fc.array(fc.integer({ min: 0, max: TREE_INPUTS.length - 1 }), { minLength: count * ((1 << depth) - 1), maxLength: count * ((1 << depth) - 1) }),
            thresholds: fc.array(threshold, { minLength: count * ((1 << depth) - 1), maxLength: count * ((1 << depth) - 1) }),
            leaves: fc.array(weight, { minLength: count << depth, maxLength: count << depth }),
          }),
        ),
      );
      const width = FEATURE_NAMES.length;
      const model = fc.record({
        weights: fc.array(weight, { minLength: width, maxLength: width }),
        mean: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: width, maxLength: width }),
        scale: fc.array(fc.double({ min: 0.01, max: 5, noNaN: true }), { minLength: width, maxLength: width }),
        bias: weight,
        lexical: fc.option(fc.constant(shipped.lexical), { nil: undefined }),
        trees: fc.option(trees, { nil: undefined }),
      });
      fc.assert(
        fc.property(model, page, (parts, texts) => {
          const { lexical, trees: t, ...rest } = parts;
          const m: BlockModel = { ...shipped, ...rest, lexical, trees: t };
          if (!lexical) delete m.lexical;
          if (!t) delete m.trees;
          const ctx = blockModelContext(texts.map(P), { titleLifted: false });
          sameBits(contentProbabilities(m, ctx), foldedContentProbabilities(m, ctx));
        }),
        { numRuns: 200 },
      );
    });

    it('is generated from the model data: the shipped model’s weights and thresholds are constants of the code', () => {
      const c = compiledModel(shipped);
      const source = `${c.ownDots.toString()}\n${c.contextDot.toString()}\n${c.treesMargin?.toString() ?? ''}`;
      // One threshold of the last tree appears as a written number (the shallow shipped trees read
      // their leaves from a table: compiled without branches).
      const t = shipped.trees!;
      expect(source).toContain(String(Math.abs(t.thresholds[t.thresholds.length - 1]!)));
      expect(c === compiledModel(shipped)).toBe(true);
    });
  });
});
