/**
 * Incremental report builds: after any sequence of changes to an output
 * folder, rewriting only what changed must give exactly the bytes of a full
 * build, and must not touch pages whose inputs did not change.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { diffWords } from 'diff';
import { buildReport } from '../src/report/index.ts';
import { escapeHtml } from '../src/report/html.ts';
import { renderClusterPage, renderClusterPageBytes, rowsOfPage, wordDiff, type EarlierClusterPage } from '../src/report/pages.ts';
import type { ReportCluster } from '../src/report/read.ts';
import { MANIFEST_FILE } from '../src/report/manifest.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'newsclean-report-incr-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Wire paragraphs several documents share: they form the clusters. */
const WIRE = [
  'The central bank raised its main interest rate by a quarter point on Thursday, the third increase this year.',
  'Officials said the storm had cut power to more than forty thousand homes along the coast overnight.',
  'The minister told reporters that talks with the unions would resume next week in the capital.',
];

interface ModelDoc {
  id: string;
  title: string;
  /** Own paragraph text, then the wire paragraphs it carries (indexes into WIRE). */
  own: string;
  wire: number[];
  diff: string | null;
}
interface Model {
  docs: ModelDoc[];
  finishedAt: string;
  canonicalNote: string;
}

const line = (o: unknown) => `${JSON.stringify(o)}\n`;

/** Replace a file the way the writers do: a new file renamed over the old one. */
function put(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.new`, content);
  renameSync(`${file}.new`, file);
}

/** The output folder the writers would produce for the model. */
function writeModel(dir: string, m: Model): void {
  const clusters = WIRE.map((text, w) => ({
    id: `c-000${w}`,
    canonical: `${text}${m.canonicalNote}`,
    canonicalReason: 'longest member',
    members: m.docs.flatMap((d) => (d.wire.includes(w) ? [{ doc: d.id, paragraph: 1 + d.wire.indexOf(w) }] : [])),
  })).filter((c) => c.members.length > 1);
  const inCluster = new Set(clusters.flatMap((c) => c.members.map((x) => `${x.doc}#${x.paragraph}`)));
  const records = m.docs.map((d) => {
    const texts = [d.own, ...d.wire.map((w) => WIRE[w]!)];
    const paragraphs = texts.map((text, i) => ({ text, kind: 'paragraph', lang: 'en', lang3: 'eng', cluster: inCluster.has(`${d.id}#${i}`) ? `c-000${d.wire[i - 1]}` : null, seq: i }));
    const flags = d.title.includes('!') ? [{ paragraph: 0, start: 0, end: 3, text: d.own.slice(0, 3), kind: 'spun-expression', confidence: 0.8, suggestion: null, evidence: 'test', stage: 'artifacts' }] : [];
    return { id: d.id, source: `${d.id}.txt`, url: null, title: d.title, date: null, lang: 'en', lang3: 'eng', text: texts.join('\n\n'), paragraphs, removed: [], flags };
  });
  put(path.join(dir, 'documents.jsonl'), records.map(line).join(''));
  put(path.join(dir, 'flags.jsonl'), records.flatMap((r) => r.flags.map((f) => line({ doc: r.id, ...f }))).join(''));
  put(path.join(dir, 'clusters.jsonl'), clusters.map(line).join(''));
  put(path.join(dir, 'set-aside.jsonl'), '');
  put(path.join(dir, 'run.json'), JSON.stringify({ tool: { name: 'newsclean', version: '0.1.0' }, config: { hash: 'cd'.repeat(32) }, startedAt: '2026-11-28T00:00:00.000Z', finishedAt: m.finishedAt, counts: { documents: m.docs.length } }));
  const diffsDir = path.join(dir, 'diffs');
  mkdirSync(diffsDir, { recursive: true });
  const wanted = new Set<string>();
  for (const d of m.docs) {
    if (d.diff === null) continue;
    wanted.add(`${d.id}.diff`);
    const file = path.join(diffsDir, `${d.id}.diff`);
    let old: string | null = null;
    try {
      old = readFileSync(file, 'utf8');
    } catch {
      // new diff
    }
    // The writers rewrite only the diffs of documents processed in a run.
    if (old !== d.diff) put(file, d.diff);
  }
  for (const name of readdirSync(diffsDir)) if (!wanted.has(name)) rmSync(path.join(diffsDir, name));
}

/** Every file of report/, by relative path. */
function snapshot(reportDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(reportDir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${name.name}` : name.name;
      if (name.isDirectory()) walk(r);
      else out[r] = readFileSync(path.join(reportDir, r), 'utf8');
    }
  };
  walk('');
  return out;
}

function expectSame(got: Record<string, string>, want: Record<string, string>): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  expect(Object.keys(want).filter((k) => got[k] !== want[k])).toEqual([]);
}

const docArb = (n: number) =>
  fc.record({
    title: fc.constantFrom('Rates up', 'Storm hits coast!', 'Talks resume', 'Markets <calm>'),
    wire: fc.subarray([0, 1, 2]),
    diff: fc.option(fc.constantFrom('--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n', '--- a\n+++ b\n@@ -1 +1 @@\n-Old\n+New\n', '--- a\n+++ b\n'), { nil: null }),
  }).map((d): ModelDoc => ({ ...d, id: `doc-${n}`, own: `Own paragraph of document ${n}.` }));

type Change =
  | { op: 'add'; at: number; doc: ModelDoc }
  | { op: 'remove'; at: number }
  | { op: 'retitle'; at: number; title: string }
  | { op: 'rediff'; at: number; diff: string | null }
  | { op: 'rewire'; at: number; wire: number[] }
  | { op: 'canonical'; note: string }
  | { op: 'run'; finishedAt: string };

let added = 1000;
const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), at: fc.nat(), doc: docArb(0) }),
  fc.record({ op: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('retitle' as const), at: fc.nat(), title: fc.constantFrom('New title', 'Breaking!', 'Rates up') }),
  fc.record({ op: fc.constant('rediff' as const), at: fc.nat(), diff: fc.option(fc.constantFrom('--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n', '--- a\n+++ b\n@@ -1 +1 @@\n-X\n+Y\n'), { nil: null }) }),
  fc.record({ op: fc.constant('rewire' as const), at: fc.nat(), wire: fc.subarray([0, 1, 2]) }),
  fc.record({ op: fc.constant('canonical' as const), note: fc.constantFrom('', ' (updated)', ' (corrected)') }),
  fc.record({ op: fc.constant('run' as const), finishedAt: fc.constantFrom('2026-11-28T01:00:00.000Z', '2026-11-28T02:00:00.000Z') }),
);

function apply(m: Model, c: Change): void {
  const at = 'at' in c && m.docs.length ? c.at % m.docs.length : 0;
  switch (c.op) {
    case 'add':
      m.docs.splice(c.at % (m.docs.length + 1), 0, { ...c.doc, id: `doc-${added}`, own: `Own paragraph of document ${added++}.` });
      break;
    case 'remove':
      if (m.docs.length > 1) m.docs.splice(at, 1);
      break;
    case 'retitle':
      if (m.docs[at]) m.docs[at]!.title = c.title;
      break;
    case 'rediff':
      if (m.docs[at]) m.docs[at]!.diff = c.diff;
      break;
    case 'rewire':
      if (m.docs[at]) m.docs[at]!.wire = c.wire;
      break;
    case 'canonical':
      m.canonicalNote = c.note;
      break;
    case 'run':
      m.finishedAt = c.finishedAt;
      break;
  }
}

describe('cluster word diffs', () => {
  it('an exact copy short-cuts diffWords with the same markup', () => {
    const viaDiff = (a: string, b: string) => diffWords(a, b).map((p) => (p.added ? `<ins>${escapeHtml(p.value)}</ins>` : p.removed ? `<del>${escapeHtml(p.value)}</del>` : escapeHtml(p.value))).join('');
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (a, b) => {
        expect(wordDiff(a, a).html).toBe(viaDiff(a, a));
        expect(wordDiff(a, b).html).toBe(viaDiff(a, b));
      }),
    );
  });
});

describe('member rows and word diffs reused from a cluster page rendered earlier', () => {
  const ctx = { nonce: 'n0nce-n0nce-n0nce-n0', reviewKey: 'k', configHash: 'h' };
  // Texts with markup characters, quotes, non-BMP characters, the strings the reuse looks for, and a few too long to diff.
  const textArb = fc.oneof(
    { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', ' ', '<', '&', '"', 'é', '😀', '\n', '</p>', '</li>', '\u0000'), maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constantFrom('<li class="member" data-member="', '\u0000newsclean-members\u0000', '<p class="worddiff" data-text="') },
    { weight: 1, arbitrary: fc.constant('x '.repeat(20_001)) },
  );
  /** A member: its document (a few, so that documents repeat with other paragraphs), paragraph and text (null: not found). */
  const memberArb = fc.record({ doc: fc.constantFrom('d0', 'd1', 'd2', 'd"3', 'd<4'), paragraph: fc.nat(3), text: fc.option(textArb, { freq: 8 }) });
  const members = fc.uniqueArray(memberArb, { selector: (m) => `${m.doc} ${m.paragraph}`, maxLength: 8 });
  const clusterOf = (canonical: string, ms: readonly { doc: string; paragraph: number }[]): ReportCluster => ({
    id: 'c-1',
    canonical,
    canonicalReason: 'r',
    members: ms.map((m) => ({ doc: m.doc, paragraph: m.paragraph })),
    extra: {},
  });
  type Member = { doc: string; paragraph: number; text: string | null };
  const textOf = (ms: readonly Member[]) => (doc: string, p: number) => ms.find((m) => m.doc === doc && m.paragraph === p)?.text ?? null;
  const page = (canonical: string, ms: readonly Member[], earlier: EarlierClusterPage | null = null) =>
    renderClusterPageBytes(clusterOf(canonical, ms), textOf(ms), { prev: null, next: null }, ctx, earlier);

  it('a page rendered from the rows of its earlier version is the page rendered from scratch', () => {
    fc.assert(
      fc.property(textArb, members, members, fc.nat(), (canonical, before, after, seed) => {
        const earlier = rowsOfPage(page(canonical, before), canonical);
        expect(earlier).not.toBeNull();
        // Every row of the earlier page is found again, and every diffable distinct text's diff.
        expect(earlier!.rows.size).toBe(before.length);
        const diffable = new Set(before.flatMap((m) => (m.text !== null && canonical.length + m.text.length <= 40_000 ? [m.text] : [])));
        expect(earlier!.diffs.size).toBe(diffable.size);
        // Members kept (some with another text), dropped and added, in another order.
        const kept = before.filter((_, i) => (i + seed) % 3 !== 0).map((m, i) => ((i + seed) % 4 === 1 ? { ...m, text: `${m.text ?? ''} changed` } : m));
        const now = [...kept, ...after.filter((a) => !before.some((b) => b.doc === a.doc && b.paragraph === a.paragraph))];
        now.sort((a, b) => ((a.paragraph * 7 + seed) % 5) - ((b.paragraph * 7 + seed) % 5));
        const fresh = page(canonical, now);
        expect(page(canonical, now, earlier).equals(fresh)).toBe(true);
        expect(renderClusterPage(clusterOf(canonical, now), textOf(now), { prev: null, next: null }, ctx)).toBe(fresh.toString('utf8'));
      }),
      { numRuns: 200 },
    );
  });

  it('a member whose text changed gets a new row', () => {
    const before = [{ doc: 'd1', paragraph: 0, text: 'The bank raised its rates.' }];
    const earlier = rowsOfPage(page('The bank raised rates.', before), 'The bank raised rates.');
    const now = [{ doc: 'd1', paragraph: 0, text: 'The bank raised its rates again.' }];
    const again = page('The bank raised rates.', now, earlier).toString('utf8');
    expect(again).toContain('its rates again.&quot;}');
    expect(again).not.toContain('its rates.&quot;}');
  });

  it('rows of a page whose canonical text changed are not reused', () => {
    const earlier = page('The bank raised rates.', [{ doc: 'd1', paragraph: 0, text: 'The bank raised its rates.' }]);
    expect(rowsOfPage(earlier, 'The bank cut rates.')).toBeNull();
    expect(rowsOfPage(Buffer.from('<html>not a cluster page</html>'), 'x')).toBeNull();
  });
});

describe('incremental report build', () => {
  it('after any sequence of changes, equals a full build byte for byte (manifest included)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(docArb(0), { minLength: 2, maxLength: 12 }), fc.array(fc.array(changeArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }), async (docs, steps) => {
        const dir = path.join(tmp, `prop-${n++}`);
        const model: Model = { docs: docs.map((d, i) => ({ ...d, id: `doc-${i}`, own: `Own paragraph of document ${i}.` })), finishedAt: '2026-11-28T00:30:00.000Z', canonicalNote: '' };
        writeModel(dir, model);
        expect((await buildReport(dir)).mode).toBe('full');
        for (const changes of steps) {
          for (const c of changes) apply(model, c);
          writeModel(dir, model);
          const incr = await buildReport(dir);
          expect(incr.mode).toBe('incremental');
          const got = snapshot(path.join(dir, 'report'));
          const full = await buildReport(dir, { full: true });
          expect(full.mode).toBe('full');
          expect(full.rendered).toBeGreaterThanOrEqual(incr.rendered);
          expectSame(got, snapshot(path.join(dir, 'report')));
        }
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  it('renders only the new document and the cluster it joined; other pages are not rewritten', async () => {
    const dir = path.join(tmp, 'neighbours');
    const model: Model = {
      docs: Array.from({ length: 20 }, (_, i) => ({ id: `doc-${i}`, title: `Story ${i}`, own: `Own paragraph of document ${i}.`, wire: i % 4 === 0 ? [0] : [], diff: `--- a\n+++ b\n-raw ${i}\n` })),
      finishedAt: '2026-11-28T00:30:00.000Z',
      canonicalNote: '',
    };
    writeModel(dir, model);
    const first = await buildReport(dir);
    expect(first).toMatchObject({ mode: 'full', fullReason: 'no report yet', documents: 20, clusters: 1, rendered: 21 });
    const report = path.join(dir, 'report');
    const inode = (rel: string) => statSync(path.join(report, rel)).ino;
    const before = Object.fromEntries(Object.keys(snapshot(report)).filter((rel) => rel !== MANIFEST_FILE).map((rel) => [rel, inode(rel)]));

    model.docs.splice(10, 0, { id: 'doc-new', title: 'New story', own: 'Own paragraph of the new document.', wire: [0], diff: '--- a\n+++ b\n-new\n' });
    writeModel(dir, model);
    const r = await buildReport(dir);
    // doc-new and cluster c-0000 (a new member); the neighbours' pages do not name it (report.js links them from columns.js).
    expect(r).toMatchObject({ mode: 'incremental', fullReason: null, documents: 21, rendered: 2, deleted: 0 });
    const rewritten = Object.keys(before).filter((rel) => inode(rel) !== before[rel]).sort();
    // Besides that cluster page, the index (its counts), the data chunks (the table) and the cluster list (a size) change.
    expect(rewritten).toEqual(['clusters/c-0000.html', 'clusters/list-1.html', 'data/columns.js', 'data/rows-0.js', 'index.html']);
    expect(readFileSync(path.join(report, 'data/columns.js'), 'utf8')).toContain('"doc-9","doc-new","doc-10"');

    // A document that goes away takes its page with it; its neighbours now link to each other.
    model.docs.splice(10, 1);
    writeModel(dir, model);
    const gone = await buildReport(dir);
    expect(gone).toMatchObject({ mode: 'incremental', rendered: 1, deleted: 1 });
    expect(readdirSync(path.join(report, 'docs'))).not.toContain('doc-new.html');
    expect(readFileSync(path.join(report, 'data/columns.js'), 'utf8')).toContain('"doc-9","doc-10"');
  });

  it('keeps one CSP nonce per output folder across builds', async () => {
    const dir = path.join(tmp, 'nonce');
    const model: Model = { docs: [{ id: 'doc-0', title: 'A', own: 'Own.', wire: [], diff: null }], finishedAt: '2026-11-28T00:30:00.000Z', canonicalNote: '' };
    writeModel(dir, model);
    const nonceOf = () => /nonce-([\w-]+)/.exec(readFileSync(path.join(dir, 'report/index.html'), 'utf8'))![1];
    await buildReport(dir);
    const nonce = nonceOf();
    await buildReport(dir);
    await buildReport(dir, { full: true });
    expect(nonceOf()).toBe(nonce);
    const other = path.join(tmp, 'nonce-other');
    writeModel(other, model);
    await buildReport(other);
    expect(/nonce-([\w-]+)/.exec(readFileSync(path.join(other, 'report/index.html'), 'utf8'))![1]).not.toBe(nonce);
  });

  it('a report without a valid manifest (an interrupted build, a damaged file) is rebuilt whole', async () => {
    const dir = path.join(tmp, 'interrupted');
    const model: Model = { docs: Array.from({ length: 5 }, (_, i) => ({ id: `doc-${i}`, title: `T${i}`, own: `Own ${i}.`, wire: [1], diff: null })), finishedAt: '2026-11-28T00:30:00.000Z', canonicalNote: '' };
    writeModel(dir, model);
    await buildReport(dir);
    const want = snapshot(path.join(dir, 'report'));

    // What a build killed half-way leaves: no manifest, a stale page, a temp file, a damaged page.
    rmSync(path.join(dir, 'report', MANIFEST_FILE));
    writeFileSync(path.join(dir, 'report/docs/doc-9.html'), 'stale');
    writeFileSync(path.join(dir, 'report/docs/doc-1.html.tmp-1-1'), 'half');
    writeFileSync(path.join(dir, 'report/docs/doc-2.html'), 'damaged');
    const r = await buildReport(dir);
    expect(r.mode).toBe('full');
    expect(r.fullReason).toMatch(/no valid manifest/);
    const got = snapshot(path.join(dir, 'report'));
    // A new nonce (the old one went with the manifest); otherwise the same report.
    const normal = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([k]) => k !== MANIFEST_FILE).map(([k, v]) => [k, v.replace(/nonce(-|=")[\w-]+/g, 'nonce')]));
    expectSame(normal(got), normal(want));

    writeFileSync(path.join(dir, 'report', MANIFEST_FILE), '{"format":1,"version":');
    expect((await buildReport(dir)).fullReason).toMatch(/no valid manifest/);

    // A page deleted by hand behind the manifest's back is written again.
    rmSync(path.join(dir, 'report/docs/doc-3.html'));
    const again = await buildReport(dir);
    expect(again).toMatchObject({ mode: 'incremental', rendered: 1 });
    expect(readdirSync(path.join(dir, 'report/docs'))).toContain('doc-3.html');
  });

  it('a diff rewritten with the same bytes costs a read, not a render', async () => {
    const dir = path.join(tmp, 'same-diff');
    const model: Model = { docs: [{ id: 'doc-0', title: 'A', own: 'Own.', wire: [], diff: '--- a\n+++ b\n-x\n' }], finishedAt: '2026-11-28T00:30:00.000Z', canonicalNote: '' };
    writeModel(dir, model);
    await buildReport(dir);
    put(path.join(dir, 'diffs/doc-0.diff'), '--- a\n+++ b\n-x\n');
    expect(await buildReport(dir)).toMatchObject({ mode: 'incremental', rendered: 0 });
    put(path.join(dir, 'diffs/doc-0.diff'), '--- a\n+++ b\n-y\n');
    expect(await buildReport(dir)).toMatchObject({ mode: 'incremental', rendered: 1 });
    expect(readFileSync(path.join(dir, 'report/docs/doc-0.html'), 'utf8')).toContain('<span class="d-del">-y</span>');
  });
});
