import { describe, expect, it } from 'vitest';
import { createDoc } from '../src/core/doc.ts';
import { runStages } from '../src/core/runner.ts';
import type { Doc } from '../src/core/types.ts';
import { resolveConfig } from '../src/config.ts';
import { configuredStages } from '../src/stages/configure.ts';
import { normalizeDateField, parseDateLine } from '../src/text/dates.ts';
import { breadcrumbItems, splitSectionLabel, splitSiteSuffix } from '../src/text/title.ts';

const PROSE = 'The United States special envoy for Afghanistan is stepping down, the State Department said on Monday.';
const STAGES = ['segment', 'normalize', 'reflow', 'metadata'] as const;

async function lift(raw: string, fields: { title?: string; date?: string; url?: string } = {}): Promise<Doc> {
  const doc = createDoc({ id: 'm', source: 'm.jsonl#m', format: 'text', raw, ...fields });
  const config = resolveConfig({ pipeline: [...STAGES] });
  const { errors } = await runStages([{ kind: 'doc', doc }], { stages: configuredStages(config), languages: [], concurrency: 1 });
  expect(errors).toEqual([]);
  return doc;
}

describe('parseDateLine', () => {
  it.each([
    ['Tue 19 October 2021:', '2021-10-19'],
    [' date 2021-10-20 ', '2021-10-20'],
    ['October 19, 2021', '2021-10-19'],
    ['2021-10-19T08:30:00Z', '2021-10-19'],
    ['Published: Oct. 19, 2021 at 3:45 pm EDT', '2021-10-19'],
    ['Last updated 19 October 2021 | 10:45', '2021-10-19'],
    ['mardi 19 octobre 2021', '2021-10-19'],
    ['Mis à jour le 1er octobre 2021 à 14h30', '2021-10-01'],
    ['Dienstag, 19. Oktober 2021', '2021-10-19'],
    ['Stand: 19.10.2021 14:00 Uhr', '2021-10-19'],
    ['martes, 19 de octubre de 2021', '2021-10-19'],
    ['19 de outubro de 2021', '2021-10-19'],
  ])('%j → %s', (line, iso) => {
    expect(parseDateLine(line)?.date).toBe(iso);
  });

  it.each([
    'Home » today » News',
    'He left office on 19 October 2021.',
    'Copyright ©2021 Dow Jones & Firm, Inc. All Rights Reserved.',
    'In February 2020, Mr. Khalilzad and then-President',
    'October 2021',
    'Today',
    '',
  ])('not a date line: %j', (line) => {
    expect(parseDateLine(line)).toBeNull();
  });

  it('normalises date fields: ISO kept as given, other formats parsed, garbage null', () => {
    expect(normalizeDateField('2021-10-19T08:30:00+02:00')).toBe('2021-10-19T08:30:00+02:00');
    expect(normalizeDateField('Oct 19, 2021')).toBe('2021-10-19');
    expect(normalizeDateField('19. Oktober 2021')).toBe('2021-10-19');
    expect(normalizeDateField('yesterday-ish')).toBeNull();
    expect(normalizeDateField('20210504T132005+0200')).toBe('2021-05-04T13:20:05+02:00');
    expect(normalizeDateField('20210504')).toBe('2021-05-04');
    expect(normalizeDateField('20211304')).toBeNull();
    expect(normalizeDateField('1651035600')).toBe('2022-04-27T05:00:00.000Z');
    expect(normalizeDateField('1651035600000')).toBe('2022-04-27T05:00:00.000Z');
    expect(normalizeDateField('PT15M')).toBeNull();
    expect(normalizeDateField('1988')).toBeNull();
  });
});

describe('title helpers', () => {
  it('splits a trailing `<Capitalised words> news` section label off a headline', () => {
    expect(splitSectionLabel('Khalilzad urges US to join Taliban to avoid Afghan collapse Taliban news')).toEqual({
      title: 'Khalilzad urges US to join Taliban to avoid Afghan collapse',
      label: 'Taliban news',
    });
    expect(splitSectionLabel('Markets slide as oil prices surge again Business News')?.label).toBe('Business News');
  });

  it.each([
    ['a dangling word before the label', 'Nobody expected the end of Taliban news'],
    ['an all-caps headline (case is no evidence)', 'KHALILZAD URGES US TO JOIN TALIBAN TALIBAN NEWS'],
    ['a lowercase word before news', 'Afghan families finally receive some good news'],
    ['too little left', 'Big Taliban news'],
    ['no label', 'Khalilzad urges US to join Taliban'],
  ])('keeps the headline whole: %s', (_why, title) => {
    expect(splitSectionLabel(title)).toBeNull();
  });

  it('splits a site-name suffix off a title field only when it names the URL host', () => {
    expect(splitSiteSuffix('Tanz in der Lokremise: Mit allen Wassern gewaschen | St.Galler Tagblatt', 'https://www.tagblatt.ch/kultur/tanz-1.1')).toEqual({
      title: 'Tanz in der Lokremise: Mit allen Wassern gewaschen',
      site: 'St.Galler Tagblatt',
    });
    expect(splitSiteSuffix('Junge Lenker schrotten Corvette - Telebasel', 'https://telebasel.ch/2019/10/19/x')?.site).toBe('Telebasel');
    expect(splitSiteSuffix('Biggest scheme in history uncovered – Investment Watch', 'https://www.investmentwatchblog.com/a/')?.site).toBe('Investment Watch');
    // The same shape without a matching host is one headline.
    expect(splitSiteSuffix('Nahrungsergänzungsmittel - Das dubiose Geschäft mit der Hoffnung', 'https://www.swr.de/x')).toBeNull();
    expect(splitSiteSuffix('Biden - the first year', 'https://www.bbc.com/news/x')).toBeNull();
    expect(splitSiteSuffix('Envoy steps down | Telebasel', null)).toBeNull();
  });

  it('breadcrumbs need at least two separators', () => {
    expect(breadcrumbItems('Home » today » News » US envoy steps down')).toEqual(['Home', 'today', 'News', 'US envoy steps down']);
    expect(breadcrumbItems('World > Asia > Afghanistan')).toEqual(['World', 'Asia', 'Afghanistan']);
    expect(breadcrumbItems('Sales rose > 5% in Q3')).toBeNull();
  });
});

describe('metadata stage', () => {
  it('takes the first heading-like head line as the title and lifts a dateline, keeping the prose', async () => {
    const d = await lift(`Envoy for Afghanistan steps down\n\nWorld\n\nOctober 19, 2021\n\n${PROSE}`);
    expect(d.title).toBe('Envoy for Afghanistan steps down');
    expect(d.date).toBe('2021-10-19');
    expect(d.blocks.map((b) => b.text)).toEqual(['World', PROSE]);
    expect([...d.removed].sort((a, b) => a.seq - b.seq).map((r) => [r.reason, r.stage, r.text])).toEqual([
      ['metadata-title', 'metadata', 'Envoy for Afghanistan steps down'],
      ['metadata-date', 'metadata', 'October 19, 2021'],
    ]);
  });

  it('takes the longest heading-like head line, so navigation above the headline is not the title', async () => {
    const d = await lift(`Skip to main content\n\nHome\n\nEnvoy for Afghanistan steps down after failed talks\n\n${PROSE}`);
    expect(d.title).toBe('Envoy for Afghanistan steps down after failed talks');
    expect(d.blocks.map((b) => b.text)).toEqual(['Skip to main content', 'Home', PROSE]);
  });

  it('only searches the head: a heading or date after the first prose paragraph is article text', async () => {
    const d = await lift(`${PROSE}\n\nA fine negotiator\n\n19 October 2021\n\n${PROSE}`);
    expect(d.title).toBeNull();
    expect(d.date).toBeNull();
    expect(d.removed).toEqual([]);
  });

  it('a byline or a short section label is not a title', async () => {
    const d = await lift(`By Vivian Salama and John Doe\n\nAsia World\n\n${PROSE}`);
    expect(d.title).toBeNull();
    expect(d.blocks).toHaveLength(3);
  });

  it('a title field wins; an equal head line (case, spaces and quote styles folded) is removed once', async () => {
    const d = await lift(`A “new phase” for   Afghanistan\n\n${PROSE}\n\nA "new phase" for Afghanistan`, { title: 'A "New Phase" for Afghanistan' });
    expect(d.title).toBe('A "New Phase" for Afghanistan');
    expect(d.removed.map((r) => [r.reason, r.text])).toEqual([['metadata-title', 'A “new phase” for Afghanistan']]);
    expect(d.blocks.map((b) => b.text)).toEqual([PROSE, 'A "new phase" for Afghanistan']);
  });

  it('a title field with a site suffix: the body line becomes the title, the field is kept in meta', async () => {
    const d = await lift(`Envoy for Afghanistan steps down\n\n${PROSE}`, { title: 'Envoy for Afghanistan steps down | Example News' });
    expect(d.title).toBe('Envoy for Afghanistan steps down');
    expect(d.meta.titleField).toBe('Envoy for Afghanistan steps down | Example News');
    expect(d.removed).toHaveLength(1);
  });

  it('a title field ending in the site name (matching the URL host) loses the suffix; an equal body line is removed', async () => {
    const d = await lift(`Envoy for Afghanistan steps down\n\n${PROSE}`, { title: 'Envoy for Afghanistan steps down – Example Times', url: 'https://www.exampletimes.com/world/envoy' });
    expect(d.title).toBe('Envoy for Afghanistan steps down');
    expect(d.meta.site).toBe('Example Times');
    expect(d.meta.titleField).toBe('Envoy for Afghanistan steps down – Example Times');
    expect(d.removed.map((r) => r.reason)).toEqual(['metadata-title']);
  });

  it('a date field wins; a date line in the head is still lifted, with the conflict in its detail', async () => {
    const d = await lift(`Envoy for Afghanistan steps down\n\nTue 19 October 2021:\n\n${PROSE}`, { date: 'Oct 20, 2021' });
    expect(d.date).toBe('2021-10-20');
    const line = d.removed.find((r) => r.reason === 'metadata-date');
    expect(line?.detail).toBe('date 2021-10-19; the date field (2021-10-20) kept');
  });

  it('an unreadable date field is kept in meta, not passed off as a date', async () => {
    const d = await lift(PROSE, { date: 'sometime last week' });
    expect(d.date).toBeNull();
    expect(d.meta.dateField).toBe('sometime last week');
  });

  it('a breadcrumb ending in the title is removed as breadcrumb; other breadcrumbs stay for the boilerplate stage', async () => {
    const d = await lift(`World › Asia › Afghanistan\n\nHome » News » Envoy for Afghanistan steps down\n\nEnvoy for Afghanistan steps down\n\n${PROSE}`);
    expect(d.title).toBe('Envoy for Afghanistan steps down');
    expect(d.removed.map((r) => r.reason).sort()).toEqual(['breadcrumb', 'metadata-title']);
    expect(d.blocks[0]!.text).toBe('World › Asia › Afghanistan');
  });

  it('German dateline', async () => {
    const d = await lift(`Sondergesandter für Afghanistan tritt zurück\n\nDienstag, 19. Oktober 2021\n\nDer Sondergesandte der USA für Afghanistan tritt zurück, teilte das Außenministerium mit.`);
    expect(d.title).toBe('Sondergesandter für Afghanistan tritt zurück');
    expect(d.date).toBe('2021-10-19');
  });
});
