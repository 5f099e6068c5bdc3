/** Cross-document artifact flags, document scores, auto-fix, review decisions and the generators behind bench:flags. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.ts';
import { createDoc } from '../src/core/doc.ts';
import { acceptAllReview, runStages } from '../src/core/runner.ts';
import type { Block, Doc } from '../src/core/types.ts';
import { applyAutoFixes } from '../src/artifacts/autofix.ts';
import { detectClusterVariants } from '../src/artifacts/cluster-variants.ts';
import { blockContext, DEFAULT_DETECTOR_OPTIONS, detectInBlock } from '../src/artifacts/document-detectors.ts';
import { scoreDocument } from '../src/artifacts/document-score.ts';
import { getLexicon } from '../src/artifacts/lexicon.ts';
import { detectNameVariants, type NameDocInput } from '../src/artifacts/name-variants.ts';
import { GivenNameEquivalence } from '../src/artifacts/names.ts';
import { generateSpunSamples } from '../src/artifacts/gen/spun.ts';
import { generateNameGroups } from '../src/artifacts/gen/names.ts';
import { generateMtSamples } from '../src/artifacts/gen/mt.ts';
import { configuredStages } from '../src/stages/configure.ts';
import { runOnTexts, seedTexts } from './helpers/pipeline.ts';

const lex = getLexicon();
const eq = new GivenNameEquivalence();
const doc = (id: string, ...blocks: string[]): NameDocInput => ({ id, blocks, clusters: blocks.map(() => null) });
const story = (given: string, i: number) =>
  doc(`d${i}`, `Former envoy ${given} Khalilzad met Taliban negotiators in Doha with Ashraf Ghani and Antony Blinken.`, `Talks in Doha ${i} continued.`);

describe('name variants within a story', () => {
  it('flags the minority spelling with the majority as suggestion and the counts as evidence', () => {
    const docs = [...['Zalmay', 'Zalmay', 'Zalmay', 'Zalmay'].map(story), story('Jalam', 4)];
    const flags = detectNameVariants(docs, eq);
    expect(flags.map((f) => [f.doc, f.suggestion])).toEqual([['d4', 'Zalmay Khalilzad']]);
    expect(flags[0]!.evidence).toMatch(/^4 other documents of this story spell it Zalmay Khalilzad/);
  });
  it.each([
    ['Thomas', 'Tom'],
    ['Mohammed', 'Muhammad'],
    ['Sergei', 'Sergey'],
    ['Christopher', 'Chris'],
    ['Joe', 'Hunter'],
    ['Zalmay', 'Z.'],
  ])('does not flag %s / %s (short form, transliteration, initial, or another person)', (a, b) => {
    const docs = [story(a, 0), story(a, 1), story(a, 2), story(b, 3)];
    expect(detectNameVariants(docs, eq)).toEqual([]);
  });
  it('needs several documents for the majority, and documents of one story', () => {
    expect(detectNameVariants([story('Zalmay', 0), story('Jalam', 1)], eq)).toEqual([]);
    const other = (given: string, i: number) => doc(`o${i}`, `${given} Khalilzad opened a bakery in Lyon ${i}.`);
    expect(detectNameVariants([story('Zalmay', 0), story('Zalmay', 1), story('Zalmay', 2), other('Jalam', 3)], eq)).toEqual([]);
  });
  it('links documents through shared near-duplicate clusters', () => {
    const linked = (given: string, i: number): NameDocInput => ({ id: `c${i}`, blocks: [`${given} Khalilzad spoke ${i}.`], clusters: ['cl-1'] });
    const flags = detectNameVariants([linked('Zalmay', 0), linked('Zalmay', 1), linked('Zalmay', 2), linked('Jalam', 3)], eq);
    expect(flags.map((f) => f.doc)).toEqual(['c3']);
  });
});

describe('cluster-aware variants', () => {
  it('flags words swapped against the canonical text, with the canonical wording as suggestion', () => {
    const canonical = 'The State Department said the talks on a power-sharing deal would continue.';
    const member = 'The State Office said the talks on a electricity-sharing deal would continue.';
    const ds = detectClusterVariants(member, canonical, lex, 'c1');
    // A synonym swap inside an expression of the canonical copy is spinning: the whole expression is flagged.
    expect(ds.map((d) => [d.kind, member.slice(d.start, d.end), d.suggestion])).toEqual([
      ['spun-expression', 'State Office', 'State Department'],
      ['spun-expression', 'electricity-sharing', 'power-sharing'],
    ]);
    expect(ds[0]!.evidence).toMatch(/canonical text of near-duplicate cluster c1 writes "State Department"/);
  });
  it('flags a synonym swap inside a capitalised name the gazetteer does not list', () => {
    const canonical = 'Shares rose, the Springfield Post reported on Monday, citing two people familiar with the deal.';
    const member = 'Shares rose, the Springfield Mail reported on Monday, citing two people familiar with the deal.';
    const ds = detectClusterVariants(member, canonical, lex, 'c1');
    expect(ds.map((d) => [d.kind, member.slice(d.start, d.end), d.suggestion])).toEqual([['spun-expression', 'Springfield Mail', 'Springfield Post']]);
  });
  it('does not take a capitalised sentence start for a name', () => {
    const canonical = 'The Government said on Monday that the talks would continue.';
    const member = 'The Administration said on Monday that the talks would continue.';
    expect(detectClusterVariants(member, canonical, lex, 'c1').map((d) => d.kind)).toEqual(['cluster-variant']);
  });
  it('keeps a non-synonym replacement inside an expression a cluster variant, not a spun expression', () => {
    const canonical = 'The prime minister said the talks would continue.';
    const member = 'The foreign minister said the talks would continue.';
    const ds = detectClusterVariants(member, canonical, lex, 'c1');
    expect(ds.map((d) => [d.kind, member.slice(d.start, d.end), d.suggestion])).toEqual([['cluster-variant', 'foreign', 'prime']]);
  });
  it('ignores unrelated rewording and identical text', () => {
    const canonical = 'The ministry said on Monday that the talks would continue.';
    expect(detectClusterVariants('The ministry said on Tuesday that the talks would resume soon.', canonical, lex, 'c1')).toEqual([]);
    expect(detectClusterVariants(canonical, canonical, lex, 'c1')).toEqual([]);
  });
});

describe('document-level spun / machine-translated flags', () => {
  const mk = (text: string): Doc => {
    const d = createDoc({ id: 'x', source: 'x.txt', format: 'text', raw: text });
    d.blocks = [{ seq: 0, kind: 'paragraph', text, source: { start: 0, end: text.length }, flags: [] }];
    return d;
  };
  it('needs both a count and a density', () => {
    const d = mk('word '.repeat(300));
    const flag = (kind: string) => ({ start: 0, end: 4, text: 'word', kind, confidence: 0.8, suggestion: null, evidence: 'e', stage: 'artifacts' });
    d.blocks[0]!.flags = [flag('spun-expression'), flag('collocation-anomaly')];
    expect(scoreDocument(d, { minFlags: 3, minPer1000Words: 5 }, 's')).toEqual([]);
    d.blocks[0]!.flags.push(flag('spun-expression'));
    const [spun] = scoreDocument(d, { minFlags: 3, minPer1000Words: 5 }, 's');
    expect(spun?.kind).toBe('spun');
    expect(spun?.evidence).toMatch(/3 synonym-spun phrases in 300 words \(10\.0 per 1,000/);
    expect(scoreDocument(d, { minFlags: 3, minPer1000Words: 20 }, 's')).toEqual([]);
  });
});

describe('auto-fix (opt-in)', () => {
  it('is off by default and, when enabled, fixes named kinds, records TextFixes and keeps other flags right', async () => {
    const seed003 = seedTexts().find((s) => s.id.startsWith('003'))!;
    const off = await runOnTexts([seed003], { languages: ['en'] });
    expect(off.docs[0]!.fixes).toEqual([]);
    const on = await runOnTexts([seed003], { languages: ['en'], stages: { artifacts: { autoFix: { kinds: ['spun-expression'], minConfidence: 0.8 } } } });
    const d = on.docs[0]!;
    const text = d.blocks.map((b) => b.text).join('\n');
    expect(text).toContain('The Wall Street Journal');
    expect(text).toContain('the State Department said Monday');
    expect(text).toContain('a power-sharing agreement');
    expect(text).toContain('distinctive consultant'); // below the confidence asked for
    expect(d.fixes.map((f) => [f.before, f.after, f.kind, f.stage])).toContainEqual(['Wall Avenue Journal', 'Wall Street Journal', 'spun-expression', 'artifacts']);
    for (const b of d.blocks) for (const f of b.flags) expect(b.text.slice(f.start, f.end)).toBe(f.text);
  });

  it('replaying the TextFixes on the original text gives the fixed text (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('the', 'Wall Avenue Journal', 'said', 'State Office', 'phaseOf', '“new', 'and', 'electricity-sharing', '.'), { maxLength: 30 }), (words) => {
        const text = words.join(' ');
        const b: Block = { seq: 3, kind: 'paragraph', text, source: { start: 0, end: 0 }, flags: [] };
        for (const d of detectInBlock(b, blockContext(text, { iso6393: 'eng', iso6391: 'en' }, true), lex, { ...DEFAULT_DETECTOR_OPTIONS, minConfidence: 0 })) {
          b.flags.push({ ...d, text: text.slice(d.start, d.end), stage: 't' });
        }
        const d = createDoc({ id: 'p', source: 'p', format: 'text', raw: text });
        applyAutoFixes(d, b, { kinds: ['spun-expression', 'glued-quote', 'collocation-anomaly'], minConfidence: 0 }, 't');
        // Fixes are applied from the end backwards, so replaying them in order reproduces the text.
        let replay = text;
        for (const f of d.fixes) {
          expect(replay.slice(f.start, f.end)).toBe(f.before);
          replay = replay.slice(0, f.start) + f.after + replay.slice(f.end);
        }
        expect(replay).toBe(b.text);
        for (const f of b.flags) expect(b.text.slice(f.start, f.end)).toBe(f.text);
      }),
      { numRuns: 150 },
    );
  });
});

describe('review decisions and dump evidence', () => {
  it('skips flags a reviewer rejected', async () => {
    const seed = seedTexts().find((s) => s.id.startsWith('003'))!;
    const config = resolveConfig({ languages: ['en'] });
    const review = { ...acceptAllReview, isFlagRejected: (_d: string, kind: string, text: string) => kind === 'spun-expression' && text === 'State Office' };
    const r = await runStages([{ kind: 'doc', doc: createDoc({ id: '003', source: '003.txt', format: 'text', raw: seed.text }) }], {
      stages: configuredStages(config),
      languages: config.languages,
      concurrency: 1,
      review,
    });
    const texts = r.docs[0]!.blocks.flatMap((b) => b.flags.map((f) => f.text));
    expect(texts).toContain('Wall Avenue Journal');
    expect(texts).not.toContain('State Office');
  });

  it('flags a true-synonym paraphrase when other documents of the run write the expression', async () => {
    const aid = (i: number) => ({ id: `a${i}`, text: `Report ${i}: donors pledged humanitarian aid for the ${['north', 'south', 'east', 'west'][i]} of the country after the floods destroyed ${i + 2} bridges.` });
    // Not a near-duplicate of the others: the evidence is the run's frequency, not a cluster.
    const spun = { id: 'spun', text: 'The agency said humanitarian assistance would reach the eastern villages by Friday at the latest, officials confirmed.' };
    const r = await runOnTexts([aid(0), aid(1), aid(2), spun], { languages: ['en'] });
    const flags = r.docs.find((d) => d.id === 'spun')!.blocks.flatMap((b) => b.flags);
    expect(flags.map((f) => [f.text, f.suggestion])).toEqual([['humanitarian assistance', 'humanitarian aid']]);
    expect(flags[0]!.evidence).toMatch(/3 other documents of this run write "humanitarian aid"/);
    const alone = await runOnTexts([spun], { languages: ['en'] });
    expect(alone.docs[0]!.blocks.flatMap((b) => b.flags)).toEqual([]);
  });

  it('flags a true-synonym paraphrase when the near-duplicate copy it was made from writes the expression', async () => {
    const original = { id: 'wire', text: 'Donors pledged humanitarian aid for the region after the floods destroyed several bridges and roads in the north.' };
    const copy = { id: 'copy', text: 'Donors pledged humanitarian assistance for the region after the floods destroyed several bridges and roads in the north.' };
    const r = await runOnTexts([original, copy], { languages: ['en'] });
    const copyDoc = r.docs.find((d) => d.id === 'copy')!;
    const wireDoc = r.docs.find((d) => d.id === 'wire')!;
    expect(copyDoc.blocks[0]!.cluster).toBeTruthy();
    const flags = [copyDoc, wireDoc].flatMap((d) => d.blocks.flatMap((b) => b.flags.map((f) => [d.id, f.kind, f.text, f.suggestion])));
    expect(flags).toEqual([['copy', 'spun-expression', 'humanitarian assistance', 'humanitarian aid']]);
  });
});

describe('generators used by bench:flags', () => {
  const paragraphs = [
    'The committee met on Tuesday to review the budget. Members discussed the proposal at length and agreed to meet again next month.',
    'Farmers in the valley said the harvest was smaller than expected. Prices rose sharply in local markets as a result.',
    'The new bridge will open in the spring. Engineers said the project was delayed by heavy rain during the winter.',
  ];
  it('spun samples carry exact gold spans and are found by the detector (spinner and WordNet names)', () => {
    const samples = generateSpunSamples(paragraphs, 60, lex, { seed: 1, types: ['name'], sources: ['spinner', 'wordnet'] });
    expect(samples).toHaveLength(60);
    let found = 0;
    for (const s of samples) {
      const g = s.gold[0]!;
      expect(s.text.slice(g.start, g.end)).toBe(g.spun);
      const ds = detectInBlock({ seq: 0, kind: 'paragraph', text: s.text, source: { start: 0, end: 0 }, flags: [] }, blockContext(s.text, null, true), lex, DEFAULT_DETECTOR_OPTIONS);
      if (ds.some((d) => d.start < g.end && g.start < d.end)) found++;
      for (const c of s.clean) expect(ds.some((d) => d.start < c.end && c.start < d.end)).toBe(false);
    }
    expect(found / samples.length).toBeGreaterThanOrEqual(0.8);
  });
  it('MT samples carry gold spans of their kind', () => {
    for (const s of generateMtSamples(paragraphs, 5, 3)) expect(s.end).toBeGreaterThan(s.start);
  });
  it('name groups: misspellings are found, short forms and relatives are not flagged', () => {
    const data = generateNameGroups(paragraphs, 15, { seed: 5 });
    const flags = detectNameVariants(data.docs.map((d) => ({ ...d, clusters: d.blocks.map(() => null) })), eq);
    const hit = (g: { doc: string; block: number; start: number; end: number }) => flags.some((f) => f.doc === g.doc && f.block === g.block && f.start < g.end && g.start < f.end);
    expect(data.variants.filter(hit).length / data.variants.length).toBeGreaterThanOrEqual(0.85);
    expect(data.negatives.filter(hit).length).toBeLessThanOrEqual(1);
  });
});
