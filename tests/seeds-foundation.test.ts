/**
 * The five sample articles through the first stages (segment → normalize →
 * reflow → metadata → language), checked against ../shared/seeds/EXPECTED.md:
 * titles, dates, the reflow cases of 003, language per document and per
 * paragraph, and that no line of the seed is lost or altered beyond
 * whitespace (every line is either in a kept paragraph or listed under
 * `removed` with a metadata reason).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Doc } from '../src/core/types.ts';
import { runSeeds } from './helpers/pipeline.ts';
import { SEEDS_DIR } from './helpers/shared.ts';

const FIRST_STAGES = ['segment', 'normalize', 'reflow', 'metadata', 'language'] as const;

/** Whitespace-insensitive form (NBSP and other Unicode spaces included, as `\s` covers them). */
const squash = (s: string) => s.replace(/\s+/gu, ' ').trim();

let doc: (prefix: string) => Doc;
let docs: Doc[];

beforeAll(async () => {
  const result = await runSeeds({ languages: ['en'], pipeline: [...FIRST_STAGES] });
  doc = result.doc;
  docs = result.docs;
  expect(result.errors).toEqual([]);
});

describe('titles (metadata)', () => {
  it.each([
    ['000', 'US ENVOY FOR AFGHANISTAN ZALMAY KHALILZAD WHO BROKERED AFGHANISTAN PULLOUT, RESIGNS'],
    ['001', 'US envoy for Afghanistan Zalmay Khalilzad steps down'],
    ['003', 'U.S. Afghan Envoy Stepping Down After Failure of Talks'],
    ['004', 'Khalilzad urges US to join Taliban to avoid Afghan collapse'],
  ])('%s: title %s', (id, title) => {
    const d = doc(id);
    expect(d.title).toBe(title);
    // The headline line left the body: no kept paragraph holds it.
    expect(d.blocks.some((b) => b.text.includes(title))).toBe(false);
    expect(d.removed.filter((r) => r.reason === 'metadata-title')).toHaveLength(1);
  });

  it('002 starts with its dateline and has no headline: title stays null', () => {
    expect(doc('002').title).toBeNull();
    expect(doc('002').removed.some((r) => r.reason === 'metadata-title')).toBe(false);
  });

  it('001: the breadcrumb ending in the title is removed as breadcrumb, the title kept once', () => {
    const d = doc('001');
    const crumb = d.removed.find((r) => r.reason === 'breadcrumb');
    expect(crumb?.text).toBe('Home » today » News » US envoy for Afghanistan Zalmay Khalilzad steps down');
    expect(crumb?.stage).toBe('metadata');
    expect(d.removed.find((r) => r.reason === 'metadata-title')?.text).toBe('US envoy for Afghanistan Zalmay Khalilzad steps down');
  });

  it('004: the glued section label is split off, the removed line keeps it', () => {
    const d = doc('004');
    expect(d.meta.section).toBe('Taliban news');
    expect(d.removed.find((r) => r.reason === 'metadata-title')?.text).toBe(
      'Khalilzad urges US to join Taliban to avoid Afghan collapse Taliban news',
    );
  });

  it('the subheadings of 001 stay in the body as headings', () => {
    const headings = doc('001').blocks.filter((b) => b.kind === 'heading').map((b) => b.text);
    expect(headings).toContain('A “new phase” of diplomatic relations');
    expect(headings).toContain('A fine negotiator');
  });
});

describe('dates (metadata)', () => {
  it('000: `Tue 19 October 2021:` → 2021-10-19, line removed', () => {
    const d = doc('000');
    expect(d.date).toBe('2021-10-19');
    expect(d.removed.find((r) => r.reason === 'metadata-date')?.text).toBe('Tue 19 October 2021:');
  });

  it('002: ` date 2021-10-20 ` → 2021-10-20, line removed, body starts with the AP lead', () => {
    const d = doc('002');
    expect(d.date).toBe('2021-10-20');
    expect(d.removed.find((r) => r.reason === 'metadata-date')?.text).toBe('date 2021-10-20');
    expect(d.blocks[0]!.text.startsWith('WASHINGTON (AP) The US special envoy')).toBe(true);
  });

  it('001, 003 and 004 carry no date line: date stays null', () => {
    for (const id of ['001', '003', '004']) expect(doc(id).date).toBeNull();
  });
});

describe('reflow of 003 (EXPECTED.md, word for word)', () => {
  const expected = [
    'Zalmay Khalilzad, the Biden administration’s distinctive consultant for Afghanistan, who for just about two decades tried unsuccessfully to negotiate a peace deal with Taliban officials before the group seized handle of the region in August, is stepping down from the job, the State Office said Monday.',
    'In February 2020, Mr. Khalilzad and then-President Donald Trump’s secretary of state, Mike Pompeo, brokered a offer for a cease fire and U.S. withdrawal with Taliban political chief Mullah Abdul Ghani Baradar with the purpose of bringing peace to the beleaguered region.',
    'Mr. Khalilzad’s deputy, Tom West, will proceed conversations with the Taliban, the Point out Section reported.',
  ];

  it.each(expected.map((p, i) => [i + 1, p]))('case %i is one paragraph', (_i, paragraph) => {
    expect(doc('003').blocks.map((b) => b.text)).toContain(paragraph);
  });

  it('merged blocks keep the smallest seq and a source span covering their parts', () => {
    const d = doc('003');
    const merged = d.blocks.find((b) => b.text.startsWith('In February 2020'))!;
    const raw = readFileSync(path.join(SEEDS_DIR, '003_f13e62c379a43971.txt'), 'utf8');
    expect(merged.data?.reflowedSeqs).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(merged.seq).toBe(5);
    expect(squash(raw.slice(merged.source.start, merged.source.end))).toBe(expected[1]);
  });

  it('joins nothing else in the five seeds (only the 9 joins of 003)', () => {
    const joined = docs.flatMap((d) => d.blocks.filter((b) => Array.isArray(b.data?.reflowedSeqs)).map((b) => `${d.id}:${b.seq}`));
    expect(joined).toEqual(['003_f13e62c379a43971:1', '003_f13e62c379a43971:5', '003_f13e62c379a43971:17']);
  });
});

describe('language', () => {
  it('all five are English per document and per paragraph, none set aside', () => {
    for (const d of docs) {
      expect(d.setAside, d.id).toBeNull();
      expect(d.lang, d.id).toEqual({ iso6393: 'eng', iso6391: 'en' });
      for (const b of d.blocks) expect(b.lang, `${d.id} ${b.text.slice(0, 40)}`).toEqual({ iso6393: 'eng', iso6391: 'en' });
    }
  });
});

describe('nothing lost', () => {
  /** Removals these stages may make, per seed (everything else is later stages' business). */
  const expectedRemovals: Record<string, string[]> = {
    '000': ['metadata-date', 'metadata-title'],
    '001': ['breadcrumb', 'metadata-title'],
    '002': ['metadata-date'],
    '003': ['metadata-title'],
    '004': ['metadata-title'],
  };

  it.each(Object.keys(expectedRemovals))('%s: every line of the seed is kept word for word or removed with a metadata reason', (id) => {
    const d = doc(id);
    expect(d.removed.map((r) => r.reason).sort()).toEqual(expectedRemovals[id]);
    const raw = readFileSync(path.join(SEEDS_DIR, d.source), 'utf8');
    const kept = squash(d.blocks.map((b) => b.text).join(' '));
    const removed = d.removed.map((r) => squash(r.text));
    // Every raw block is either removed whole, or appears in the kept text.
    const rawBlocks = raw.split(/\n\s*\n/u).map(squash).filter(Boolean);
    for (const block of rawBlocks) {
      if (removed.includes(block)) continue;
      expect(kept, `lost or altered: ${block.slice(0, 60)}`).toContain(block);
    }
    // And in order, with nothing added: the kept text is exactly the raw blocks not removed.
    expect(kept).toBe(squash(rawBlocks.filter((b) => !removed.includes(b)).join(' ')));
  });

  it('source spans point at the text in the raw file', () => {
    for (const d of docs) {
      for (const b of d.blocks) expect(squash(d.raw.slice(b.source.start, b.source.end)), d.id).toBe(squash(b.text));
      for (const r of d.removed) expect(squash(d.raw.slice(r.source.start, r.source.end)), d.id).toBe(squash(r.text));
    }
  });

  it('rawText is the raw file for text documents', () => {
    for (const d of docs) expect(d.rawText).toBe(d.raw);
  });
});
