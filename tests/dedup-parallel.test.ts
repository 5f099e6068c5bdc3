import { describe, expect, it } from 'vitest';
import { clusterParagraphs } from '../src/dedup/cluster.ts';
import { FeatureExtractor } from '../src/dedup/features.ts';
import { forEachFeatures } from '../src/dedup/parallel.ts';
import { getWordNet } from '../src/lexicon/wordnet.ts';

const wn = getWordNet();
const sentences = [
  'The special envoy said on Tuesday that talks with the Taliban would resume in Doha next week.',
  'The particular emissary stated on Tuesday that negotiations with the Taliban would resume in Doha next week.',
  'Officials in Kabul declined to comment on the report, citing the sensitivity of the negotiations.',
  'Café owners in Zürich said the new rules, which take effect on 1,000 sites, were “naïve”.',
  'Stock markets fell sharply after the central bank raised interest rates by half a percentage point.',
  'Shares dropped steeply after the central bank increased interest rates by 0.5 percentage points.',
];
// Many paragraphs, with exact copies and variants, in an order that mixes them.
const texts = Array.from({ length: 600 }, (_, i) => `${sentences[i % sentences.length]!} ${i % 7 === 0 ? '' : `Item ${i % 50}.`}`);
const serialise = (f: { words: number; key: string; tokens: Int32Array; surface: Int32Array }) => `${f.words}|${f.key}|${[...f.tokens]}|${[...f.surface]}`;

describe('parallel feature extraction', () => {
  it('gives the same features, in input order, as one thread', () => {
    const one: string[] = [];
    forEachFeatures(texts, new FeatureExtractor(wn), (f, i) => void (one[i] = serialise(f)), { parallel: false });
    const two: string[] = [];
    const order: number[] = [];
    const failures: string[] = [];
    forEachFeatures(texts, new FeatureExtractor(wn), (f, i) => {
      two[i] = serialise(f);
      order.push(i);
    }, { minParagraphs: 10, onWorkerFailure: (r) => failures.push(r) });
    expect(failures).toEqual([]);
    expect(order).toEqual(texts.map((_, i) => i));
    expect(two).toEqual(one);
  }, 30_000);

  it('gives the same clusters with and without the worker', () => {
    const inputs = texts.map((text, i) => ({ doc: `d${i % 37}`, seq: i, text }));
    const single = clusterParagraphs(inputs, { parallel: false });
    const failures: string[] = [];
    const parallel = clusterParagraphs(inputs, { minParagraphs: 10, onWorkerFailure: (r) => failures.push(r) });
    expect(failures).toEqual([]);
    expect(single.clusters.length).toBeGreaterThan(0);
    // Everything but the phase timings.
    expect({ ...parallel, phases: [] }).toEqual({ ...single, phases: [] });
    expect(parallel.phases.map((p) => p.phase)).toEqual(['extract', 'index', 'canonical']);
  }, 30_000);

  it('stays on one thread below the size threshold and for a lexicon that is not a plain WordNet', () => {
    class TestLexicon extends (wn.constructor as typeof import('../src/lexicon/wordnet.ts').WordNet) {}
    expect(new FeatureExtractor(new TestLexicon(wn.dictDir)).workerConfig).toBeNull();
    expect(new FeatureExtractor(wn).workerConfig).toEqual({ dictDir: wn.dictDir, synonymClasses: true });
    expect(new FeatureExtractor(wn, { synonymClasses: false }).workerConfig?.synonymClasses).toBe(false);
  });
});
