import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { exactHashClusters, minhashLshClusters, optimalBands } from '../src/gen/baselines.ts';
import { scoreClustering } from '../src/gen/metrics.ts';
import { abridgeParagraph, isContentWord, mistransliterate, mtDamage, sentences, spin, splitParagraph, typos } from '../src/gen/noise.ts';
import { createRng } from '../src/gen/random.ts';
import { articlesFromTexts, SourceDeduper } from '../src/gen/source.ts';
import { NOISE_LEVELS, syndicate } from '../src/gen/syndicate.ts';
import { getWordNet } from '../src/lexicon/wordnet.ts';
import { seedTexts } from './helpers/pipeline.ts';

const wn = getWordNet();
const text =
  'The special envoy said on Tuesday that the government would present a new plan to reduce the number of troops in the northern provinces. "We are ready," said Zalmay Khalilzad, who met the president. Talks will resume next week in the capital.';

describe('noise model', () => {
  it('spins about the requested share of content words with WordNet synonyms', () => {
    const rng = createRng(1);
    const out = spin(text, 0.3, rng, wn);
    const before = text.split(' ');
    const after = out.split(' ');
    expect(after).toHaveLength(before.length);
    const content = before.filter((w) => isContentWord(w.replace(/\W/g, ''))).length;
    const changed = before.filter((w, i) => w !== after[i]).length;
    expect(changed).toBeGreaterThan(0.15 * content);
    expect(changed).toBeLessThanOrEqual(Math.round(0.3 * content));
    expect(spin(text, 0, rng, wn)).toBe(text);
  });

  it('is deterministic for a seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        expect(mtDamage(text, 1, createRng(seed))).toBe(mtDamage(text, 1, createRng(seed)));
        expect(typos(text, 0.1, createRng(seed))).toBe(typos(text, 0.1, createRng(seed)));
      }),
      { numRuns: 20 },
    );
  });

  it('machine-translation damage drops articles and changes names but keeps most words', () => {
    const out = mtDamage(text, 1, createRng(3));
    expect(out).not.toBe(text);
    expect(out.split(' ').length).toBeGreaterThan(0.8 * text.split(' ').length);
    expect(mistransliterate('Zalmay', createRng(1))).toMatch(/^J/);
  });

  it('splits at a sentence boundary without losing words, abridges to leading sentences', () => {
    const [a, b] = splitParagraph(text)!;
    expect(`${a} ${b}`).toBe(sentences(text).join(' '));
    expect(splitParagraph('One sentence only.')).toBeNull();
    const short = abridgeParagraph(text, createRng(5))!;
    expect(text.startsWith(short)).toBe(true);
    expect(short.length).toBeLessThan(text.length);
  });
});

describe('syndicated dump', () => {
  const articles = articlesFromTexts(seedTexts());

  it('gives every copy gold labels from its source article and is deterministic', () => {
    const level = NOISE_LEVELS[3]!;
    const a = syndicate(articles, wn, { level, seed: 42 });
    expect(syndicate(articles, wn, { level, seed: 42 })).toEqual(a);
    expect(syndicate(articles, wn, { level, seed: 43 })).not.toEqual(a);
    const ids = new Set(articles.map((x) => x.id));
    for (const d of a) {
      expect(ids.has(d.story)).toBe(true);
      for (const p of d.paragraphs) expect(p.gold.startsWith(`${d.story}#`) || p.gold.startsWith('bp:')).toBe(true);
    }
    // Levels share copies and sites; only the noise differs.
    const l0 = syndicate(articles, wn, { level: NOISE_LEVELS[0]!, seed: 42 });
    expect(l0.map((d) => [d.id.slice(3), d.site])).toEqual(a.map((d) => [d.id.slice(3), d.site]));
  });

  it('level L0 copies are exact up to layout noise; L3 copies are damaged', () => {
    const norm = (s: string) => s.replace(/[“”]/g, '"').replace(/[‘’]/g, "'").replace(/ +/g, ' ').replace(/ - /g, ' — ');
    const l0 = syndicate(articles, wn, { level: NOISE_LEVELS[0]!, seed: 1 });
    const byGold = new Map<string, string>();
    for (const d of l0) for (const p of d.paragraphs) if (!p.gold.startsWith('bp:')) byGold.set(p.gold, norm(p.text));
    for (const d of l0) for (const p of d.paragraphs) if (!p.gold.startsWith('bp:')) expect(norm(p.text)).toBe(byGold.get(p.gold));
    const l3 = syndicate(articles, wn, { level: NOISE_LEVELS[3]!, seed: 1 });
    const damaged = l3.flatMap((d) => d.paragraphs).filter((p) => !p.gold.startsWith('bp:') && norm(p.text) !== byGold.get(p.gold));
    expect(damaged.length).toBeGreaterThan(0.3 * l3.flatMap((d) => d.paragraphs).length);
  });

  it('source hygiene drops paragraphs that are near copies of an earlier one', () => {
    const d = new SourceDeduper();
    expect(d.accept('Increases the amount of error applied to a user team normal shots in every match.')).toBe(true);
    expect(d.accept('Increases the amount of error applied to a user team ground passes in every match.')).toBe(false);
    expect(d.accept('A completely different paragraph about the weather in the mountains this week.')).toBe(true);
  });
});

describe('scores and baselines', () => {
  it('scores a perfect clustering 1 and a merged-everything clustering with low precision', () => {
    const gold = ['a', 'a', 'b', 'b', 'c'];
    expect(scoreClustering(gold, ['x', 'x', 'y', 'y', null])).toMatchObject({ ari: 1, precision: 1, recall: 1 });
    const merged = scoreClustering(gold, ['x', 'x', 'x', 'x', 'x']);
    expect(merged.precision).toBeCloseTo(0.2);
    expect(merged.recall).toBe(1);
    expect(merged.ari).toBeCloseTo(0);
  });

  it('picks the datasketch banding for 128 permutations at threshold 0.5 and finds exact copies', () => {
    const { bands, rows } = optimalBands(0.5, 128);
    expect(bands * rows).toBeLessThanOrEqual(128);
    // The S-curve's midpoint (1/b)^(1/r) sits near the threshold.
    expect((1 / bands) ** (1 / rows)).toBeGreaterThan(0.4);
    expect((1 / bands) ** (1 / rows)).toBeLessThan(0.6);
    const texts = [text, text.toUpperCase(), 'An unrelated paragraph about football results from the weekend games in the league.'];
    const m = minhashLshClusters(texts);
    expect(m[0]).toBe(m[1]);
    expect(m[0]).not.toBe(m[2]);
    expect(exactHashClusters(texts)[0]).toBe(exactHashClusters(texts)[1]);
  });
});
