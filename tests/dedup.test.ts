import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clusterParagraphs, type DedupInput } from '../src/dedup/cluster.ts';
import { FeatureExtractor } from '../src/dedup/features.ts';
import { DedupIndex, IndexParamsMismatch } from '../src/dedup/index.ts';
import { align } from '../src/dedup/verify.ts';
import { scoreClustering } from '../src/gen/metrics.ts';
import { createRng } from '../src/gen/random.ts';
import { articlesFromTexts } from '../src/gen/source.ts';
import { NOISE_LEVELS, syndicate } from '../src/gen/syndicate.ts';
import { getWordNet } from '../src/lexicon/wordnet.ts';
import { resolveConfig } from '../src/config.ts';
import { createDoc } from '../src/core/doc.ts';
import { acceptAllReview, runStages } from '../src/core/runner.ts';
import { configuredStages } from '../src/stages/configure.ts';
import { runOnTexts, runSeeds, seedTexts } from './helpers/pipeline.ts';

const extractor = new FeatureExtractor(getWordNet());

/** Paragraphs of the seed files split on blank lines, as the dedup core sees raw text. */
function seedParagraphs(): DedupInput[] {
  return seedTexts().flatMap((t) => t.text.split(/\n\s*\n/).map((text, seq) => ({ doc: t.id, seq, text: text.trim() })).filter((p) => p.text));
}

/** A generated syndicated dump from the seed articles (small, fast). */
function generated(levelName: string, seed = 7) {
  const level = NOISE_LEVELS.find((l) => l.name === levelName)!;
  const docs = syndicate(articlesFromTexts(seedTexts()), getWordNet(), { level, seed, minCopies: 3, maxCopies: 5, negativeShare: 0 });
  return docs.flatMap((d) => d.paragraphs.map((p, seq) => ({ doc: d.id, seq, text: p.text, gold: p.gold })));
}

describe('dedup on the five seed articles', () => {
  it('merges no article paragraphs (none are copies), not even the two Blinken "gratitude" passages', () => {
    const inputs = seedParagraphs();
    const r = clusterParagraphs(inputs, { extractor });
    // Raw seeds still hold their furniture (the boilerplate and metadata stages remove it in a
    // run): a comment-form line repeated across files, and 001's breadcrumb, which contains its
    // headline. No article paragraph is in any cluster.
    const found = r.clusters.map((c) => ({
      docs: [...new Set(c.members.map((m) => inputs[m]!.doc.slice(0, 3)))],
      texts: c.members.map((m) => inputs[m]!.text),
    }));
    expect(found).toEqual([
      { docs: ['000', '004'], texts: Array(2).fill('Your email address will not be published. Required fields are marked *') },
      { docs: ['001'], texts: ['Home » today » News » US envoy for Afghanistan Zalmay Khalilzad steps down', 'US envoy for Afghanistan Zalmay Khalilzad steps down'] },
    ]);
    const blinken = inputs.map((p, i) => [p, i] as const).filter(([p]) => p.text.includes('decades of service'));
    expect(blinken.length).toBe(2);
    expect(r.assignment[blinken[0]![1]]).toBeNull();
    expect(r.assignment[blinken[1]![1]]).toBeNull();
  });

  it('through the whole pipeline: no cluster record', async () => {
    const run = await runSeeds();
    expect([...run.corpus.clusters.values()]).toEqual([]);
    expect(run.docs.flatMap((d) => d.blocks).filter((b) => b.cluster)).toEqual([]);
  });
});

describe('dedup on generated spun / machine-translated copies', () => {
  for (const level of ['L1', 'L3']) {
    it(`recovers the gold clusters at ${level}`, () => {
      const items = generated(level).filter((i) => !i.gold.startsWith('bp:'));
      const r = clusterParagraphs(items, { extractor });
      const eligible = items.map((it) => extractor.extract(it.text).words >= 8);
      const s = scoreClustering(items.filter((_, i) => eligible[i]).map((i) => i.gold), r.assignment.filter((_, i) => eligible[i]));
      expect(s.precision).toBeGreaterThanOrEqual(0.97);
      expect(s.ari).toBeGreaterThanOrEqual(level === 'L1' ? 0.95 : 0.85);
    });
  }

  it('gives identical clusters, ids and canonical texts whatever the input order', () => {
    const items = generated('L3', 11);
    const describeRun = (inputs: DedupInput[]) => {
      const r = clusterParagraphs(inputs, { extractor });
      return r.clusters
        .map((c) => ({ id: c.id, canonical: inputs[c.canonical]!.text, reason: c.canonicalReason, members: c.members.map((m) => `${inputs[m]!.doc}/${inputs[m]!.seq}`).sort() }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    };
    const reference = describeRun(items);
    expect(reference.length).toBeGreaterThan(5);
    fc.assert(
      fc.property(fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }), (shuffled) => {
        expect(describeRun(shuffled)).toEqual(reference);
      }),
      { numRuns: 4 },
    );
  });
});

describe('crowded LSH buckets', () => {
  // A dump whose paragraphs are drawn from one small vocabulary (synthetic words outside
  // WordNet): every paragraph collides with many others. Each of the first 12 also has a
  // copy with one word replaced.
  const vocabulary = Array.from({ length: 40 }, (_, i) => `vo${i}x`);
  const rng = createRng(99);
  const originals = Array.from({ length: 60 }, () => Array.from({ length: rng.int(12, 30) }, () => rng.pick(vocabulary)));
  const items: DedupInput[] = [
    ...originals.map((words, i) => ({ doc: `o${i}`, seq: 0, text: words.join(' ') })),
    ...originals.slice(0, 12).map((words, i) => ({ doc: `c${i}`, seq: 0, text: words.map((w, j) => (j === 3 ? 'zz9x' : w)).join(' ') })),
  ];
  const cap = { maxCandidates: 3, minContainment: 0.9, minSurfaceContainment: 0.9, minLeaderContainment: 0.9, minLeaderSurfaceContainment: 0.9 };
  const describeRun = (inputs: DedupInput[]) =>
    clusterParagraphs(inputs, { extractor, thresholds: cap, params: { bands: 64, rows: 2 } })
      .clusters.map((c) => ({ id: c.id, canonical: inputs[c.canonical]!.text, members: c.members.map((m) => inputs[m]!.doc).sort() }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));

  it('verifies at most maxCandidates clusters per paragraph, the ones with the most colliding bands', () => {
    const index = new DedupIndex({ bands: 64, rows: 2 }, cap);
    const uncapped = new DedupIndex({ bands: 64, rows: 2 }, { ...cap, maxCandidates: 1000 });
    let crowded = 0;
    for (const it of items.slice(0, 60)) {
      const f = extractor.extract(it.text);
      const all = uncapped.candidateHits(f.tokens);
      const kept = index.candidateHits(f.tokens);
      expect(kept.clusters.length).toBe(Math.min(3, all.clusters.length));
      if (all.clusters.length > 3) {
        crowded++;
        // No dropped candidate has more hits than a kept one.
        const dropped = all.hits.filter((_, i) => !kept.clusters.includes(all.clusters[i]!));
        expect(Math.max(...dropped)).toBeLessThanOrEqual(Math.min(...kept.hits));
      }
      index.add(f);
      uncapped.add(f);
    }
    expect(crowded).toBeGreaterThan(20);
  });

  it('still finds every planted copy, and the result does not depend on input order', () => {
    const reference = describeRun(items);
    for (let i = 0; i < 12; i++) expect(reference.some((c) => c.members.includes(`o${i}`) && c.members.includes(`c${i}`))).toBe(true);
    fc.assert(
      fc.property(fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }), (shuffled) => {
        expect(describeRun(shuffled)).toEqual(reference);
      }),
      { numRuns: 10 },
    );
  });
});

describe('chaining guard', () => {
  // Synthetic words outside WordNet, so each is its own class and the overlaps are exact.
  const words = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}x`);
  const A = words('ka', 1, 40).join(' ');
  const B = [...words('ka', 11, 40), ...words('mo', 1, 10)].join(' ');
  const C = [...words('ka', 36, 40), ...words('mo', 1, 10), ...words('nu', 1, 5)].join(' ');

  it('does not let C join A through B when C does not match the leader A', () => {
    const fa = extractor.extract(A);
    const fb = extractor.extract(B);
    const fc_ = extractor.extract(C);
    // The pairwise links exist: A~B and B~C pass the thresholds, A~C does not.
    expect(align(fa.tokens, fb.tokens).containment).toBeGreaterThanOrEqual(0.7);
    expect(align(fb.tokens, fc_.tokens).containment).toBeGreaterThanOrEqual(0.7);
    expect(align(fa.tokens, fc_.tokens).containment).toBeLessThan(0.4);
    // Many short bands: C surely finds A's cluster as a candidate (through B's bands).
    const index = new DedupIndex({ bands: 64, rows: 2 });
    const a = index.add(fa);
    const b = index.add(fb);
    expect(b.cluster).toBe(a.cluster);
    expect(index.candidates(fc_.tokens)).toContain(a.cluster);
    const c = index.add(fc_);
    expect(c.created).toBe(true);
    expect(c.cluster).not.toBe(a.cluster);
  });
});

describe('persistent index', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'newsclean-dedup-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const original =
    'The special envoy met government officials in the capital on Tuesday to discuss the peace agreement and the withdrawal of foreign troops from the country.';
  const spun =
    'The special emissary met government officials in the capital on Tuesday to talk about the peace accord and the withdrawal of foreign troops from the country.';

  it('keeps an earlier cluster id when a later run adds a copy', () => {
    const first = new DedupIndex();
    const created = first.add(original);
    const file = path.join(dir, 'index.bin');
    first.save(file);
    expect(readdirSync(dir)).toEqual(['index.bin']);
    const later = DedupIndex.load(file);
    expect(later.size).toBe(1);
    const joined = later.add(spun);
    expect(joined.created).toBe(false);
    expect(joined.id).toBe(created.id);
    expect(later.clusterSize(joined.cluster)).toBe(2);
    // A run over the loaded index reports the earlier id for its copies.
    const again = DedupIndex.load(file);
    const r = clusterParagraphs([{ doc: 'x', seq: 0, text: spun }, { doc: 'y', seq: 0, text: original }], { index: again });
    expect(r.clusters.map((c) => c.id)).toEqual([created.id]);
    expect(r.clusters[0]!.fromIndex).toBe(true);
  });

  it('refuses to load an index built with other parameters, or a damaged file', () => {
    const index = new DedupIndex({ bands: 16, rows: 8 });
    index.add(original);
    const file = path.join(dir, 'other.bin');
    index.save(file);
    expect(() => DedupIndex.load(file)).toThrow(IndexParamsMismatch);
    expect(() => DedupIndex.load(file)).toThrow(/bands: file 16, expected 42/);
    expect(DedupIndex.load(file, { bands: 16, rows: 8 }).size).toBe(1);
    const junk = path.join(dir, 'junk.bin');
    writeFileSync(junk, 'hello');
    expect(() => DedupIndex.load(junk)).toThrow(/not a newsclean dedup index/);
  });
});

describe('dedup stage modes', () => {
  const story =
    'Officials in the northern province said on Monday that the new bridge across the river would open to traffic next spring after three years of construction delays.';
  const copy =
    'Officials in the northern province stated on Monday that the new bridge across the river would open to traffic next spring after three years of building delays.';
  const docs = [
    { id: 'a', text: `${story}\n\nThe mayor praised the workers who finished the foundations despite the long and unusually cold winter this year.` },
    { id: 'b', text: `A local farmer told reporters that the harvest had been the best in a decade thanks to the warm weather in August.\n\n${copy}` },
  ];
  const run = (mode: 'keep' | 'replace' | 'drop-repeats') => runOnTexts(docs, { stages: { dedup: { mode } } });

  it('keep: both copies stay, tagged with one cluster id', async () => {
    const r = await run('keep');
    const [a, b] = r.docs;
    const ca = a!.blocks.find((x) => x.text.startsWith('Officials'))!.cluster;
    expect(ca).toMatch(/^c[0-9a-f]{16}$/);
    expect(b!.blocks.find((x) => x.text.startsWith('Officials'))!.cluster).toBe(ca);
    const rec = r.corpus.clusters.get(ca!)!;
    expect(rec.members).toHaveLength(2);
    expect([story, copy]).toContain(rec.canonical);
    expect(rec.canonicalReason).toMatch(/medoid/);
    expect(a!.blocks.filter((x) => x.cluster)).toHaveLength(1);
  });

  it('replace: the non-canonical copy gets the canonical text, recorded as a fix', async () => {
    const r = await run('replace');
    const rec = [...r.corpus.clusters.values()][0]!;
    const texts = r.docs.map((d) => d.blocks.find((x) => x.cluster === rec.id)!.text);
    expect(texts).toEqual([rec.canonical, rec.canonical]);
    const fixes = r.docs.flatMap((d) => d.fixes);
    expect(fixes).toHaveLength(1);
    expect(fixes[0]).toMatchObject({ kind: 'dedup-canonical', stage: 'dedup', after: rec.canonical });
    expect([story, copy]).toContain(fixes[0]!.before);
    expect(fixes[0]!.before).not.toBe(rec.canonical);
  });

  it('drop-repeats: the later copy moves to removed with reason duplicate', async () => {
    const r = await run('drop-repeats');
    const [a, b] = r.docs;
    expect(a!.blocks.some((x) => x.text === story)).toBe(true);
    expect(b!.blocks.some((x) => x.text === copy)).toBe(false);
    const removed = b!.removed.find((x) => x.reason === 'duplicate')!;
    expect(removed.text).toBe(copy);
    expect(removed.detail).toMatch(/first occurrence: a block/);
  });

  it('honours a reviewer\'s "not a copy" decision', async () => {
    const config = resolveConfig({ pipeline: ['segment', 'normalize', 'dedup'] });
    const run = (rejectCopy: boolean) =>
      runStages(
        docs.map((d) => ({ kind: 'doc' as const, doc: createDoc({ id: d.id, source: `${d.id}.txt`, format: 'text', raw: d.text }) })),
        {
          stages: configuredStages(config),
          languages: [],
          concurrency: 1,
          review: { ...acceptAllReview, isClusterMemberRejected: (_c, doc, text) => rejectCopy && doc === 'b' && text === copy },
        },
      );
    expect((await run(false)).corpus.clusters.size).toBe(1);
    const r = await run(true);
    expect(r.corpus.clusters.size).toBe(0);
    expect(r.docs.flatMap((d) => d.blocks).filter((x) => x.cluster)).toEqual([]);
  });

  it('rejects a bad configuration with a clear message', async () => {
    await expect(runOnTexts(docs, { stages: { dedup: { bands: 64, rows: 4 } } })).rejects.toThrow(/bands × rows/);
    await expect(runOnTexts(docs, { stages: { dedup: { mode: 'merge' as 'keep' } } })).rejects.toThrow(/mode/);
  });
});
