/**
 * `npm run bench:report [-- --docs N]`: build the report for a synthetic
 * output folder of N documents (default 20 000) and print the build time and
 * the sizes that matter for a reviewer's browser (index.html, data chunks).
 * With Chromium at /usr/bin/chromium it also times opening the index and the
 * first sort (which loads the per-document columns lazily).
 *
 * The folder is generated with a fixed-seed PRNG in the exact shape the
 * writers produce (src/io/records.ts): paragraphs with seq, removals with
 * reasons, span and document flags, clusters of near-identical paragraphs,
 * set-aside documents and a diff per document.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRng } from '../src/gen/random.ts';
import { buildReport } from '../src/report/index.ts';

const argDocs = process.argv.indexOf('--docs');
const N = argDocs > 0 ? Number(process.argv[argDocs + 1]) : 20_000;
const keep = process.argv.includes('--keep');

const rng = createRng(20211018);
const rand = rng.next;
const int = rng.int;
const pick = rng.pick;

const WORDS = (
  'the envoy said on monday that talks with the taliban would continue despite the withdrawal from kabul and the collapse of the government ' +
  'officials in washington and doha described negotiations as difficult while analysts warned of a humanitarian crisis across afghanistan ' +
  'secretary of state antony blinken thanked khalilzad for his decades of service to the american people and named thomas west as successor ' +
  'pakistan china and russia attended a meeting in moscow where delegates discussed aid frozen reserves refugees and security guarantees'
).split(' ');
const sentence = () => {
  const w = Array.from({ length: int(8, 24) }, () => pick(WORDS));
  return `${w[0]![0]!.toUpperCase()}${w.join(' ').slice(1)}.`;
};
const paragraph = () => Array.from({ length: int(1, 5) }, sentence).join(' ');
const BOILERPLATE: Array<[string, string]> = [
  ['share', 'Share this story on Facebook and Twitter'],
  ['follow', 'FOLLOW US: TWITTER (CLICK HERE)'],
  ['comment-form', 'Your email address will not be published. Required fields are marked *'],
  ['breadcrumb', 'Home » News » World » Asia'],
  ['copyright', 'Copyright ©2021 Example Media, Inc. All Rights Reserved.'],
  ['related', 'Related Articles'],
  ['caption-credit', 'Delegates arrive in Doha. [Photo: AP]'],
];
const FLAG_KINDS = ['spun-expression', 'collocation-anomaly', 'glued-quote', 'missing-space', 'sentence-break', 'name-variant', 'lost-apostrophe'];
const LANGS = ['en', 'en', 'en', 'en', 'fr', 'de', 'und'];

async function generate(dir: string): Promise<{ clusters: number }> {
  await mkdir(path.join(dir, 'diffs'), { recursive: true });
  const wire = Array.from({ length: Math.max(10, Math.floor(N / 10)) }, paragraph);
  const members = new Map<number, Array<{ doc: string; paragraph: number }>>();
  const docsOut = createWriteStream(path.join(dir, 'documents.jsonl'));
  const flagsOut = createWriteStream(path.join(dir, 'flags.jsonl'));
  const write = (s: NodeJS.WritableStream, line: string) => new Promise<void>((res) => (s.write(line) ? res() : s.once('drain', () => res())));
  let setAside = 0;
  const setAsideLines: string[] = [];
  for (let i = 0; i < N; i++) {
    const id = `dump__${String(i).padStart(6, '0')}`;
    if (rand() < 0.02) {
      setAside++;
      setAsideLines.push(JSON.stringify({ id, source: `dump.jsonl#L${i + 1}`, reason: pick(['language', 'empty', 'error']), detail: 'synthetic', url: null, title: null, date: null, lang: 'de', lang3: 'deu' }));
      continue;
    }
    const lang = pick(LANGS);
    const n = int(4, 18);
    let seq = 0;
    const paragraphs: Array<{ text: string; kind: string; lang: string; lang3: string; cluster: string | null; seq: number }> = [];
    const removed: Array<{ text: string; reason: string; stage: string; kind: string; seq: number }> = [];
    const rawLines: string[] = [];
    for (let p = 0; p < n; p++) {
      if (rand() < 0.15) {
        const [reason, text] = pick(BOILERPLATE);
        removed.push({ text, reason, stage: 'boilerplate', kind: 'paragraph', seq: seq++ });
        rawLines.push(`-${text}`, '-');
      }
      let text = paragraph();
      let cluster: string | null = null;
      if (rand() < 0.08) {
        const w = int(0, wire.length - 1);
        text = rand() < 0.5 ? wire[w]! : wire[w]!.replace(/the /, 'a ');
        cluster = `c${String(w).padStart(6, '0')}`;
        const list = members.get(w) ?? [];
        list.push({ doc: id, paragraph: paragraphs.length });
        members.set(w, list);
      }
      paragraphs.push({ text, kind: p === 0 ? 'heading' : 'paragraph', lang, lang3: lang, cluster, seq: seq++ });
      rawLines.push(` ${text}`, ' ');
    }
    const flags: unknown[] = [];
    if (rand() < 0.3) flags.push({ paragraph: null, start: null, end: null, text: null, kind: 'spun', confidence: 0.7, suggestion: null, evidence: '9 spun phrases', stage: 'artifacts' });
    for (let f = int(0, 6); f > 0; f--) {
      const pi = int(0, paragraphs.length - 1);
      const t = paragraphs[pi]!.text;
      const start = int(0, Math.max(0, t.length - 12));
      const end = Math.min(t.length, start + int(4, 12));
      flags.push({ paragraph: pi, start, end, text: t.slice(start, end), kind: pick(FLAG_KINDS), confidence: Math.round(rand() * 100) / 100, suggestion: rand() < 0.7 ? 'suggested text' : null, evidence: 'synthetic evidence', stage: 'artifacts' });
    }
    const record = {
      id,
      source: `dump.jsonl#L${i + 1}`,
      url: `https://news.example/${i}`,
      title: paragraphs[0]!.text.slice(0, 90),
      date: '2021-10-19',
      lang,
      lang3: lang,
      text: paragraphs.map((p) => p.text).join('\n\n'),
      paragraphs,
      removed,
      flags,
    };
    await write(docsOut, `${JSON.stringify(record)}\n`);
    for (const f of flags) await write(flagsOut, `${JSON.stringify({ doc: id, ...(f as object) })}\n`);
    const diff = `===================================================================\n--- a/dump.jsonl#L${i + 1}\n+++ b/${id}.txt\n@@ -1,${rawLines.length} +1,${paragraphs.length * 2} @@\n${rawLines.join('\n')}\n`;
    await writeFile(path.join(dir, 'diffs', `${id}.diff`), diff);
  }
  await new Promise((r) => docsOut.end(r));
  await new Promise((r) => flagsOut.end(r));
  const clusterLines = [...members]
    .filter(([, m]) => m.length > 1)
    .map(([w, m]) => JSON.stringify({ id: `c${String(w).padStart(6, '0')}`, canonical: wire[w], canonicalReason: 'most common variant', members: m, size: m.length }));
  await writeFile(path.join(dir, 'clusters.jsonl'), clusterLines.map((l) => `${l}\n`).join(''));
  await writeFile(path.join(dir, 'set-aside.jsonl'), setAsideLines.map((l) => `${l}\n`).join(''));
  await writeFile(
    path.join(dir, 'run.json'),
    JSON.stringify({ tool: { name: 'newsclean', version: 'bench' }, input: 'synthetic', output: dir, config: { file: null, hash: '0'.repeat(64) }, counts: { documents: N - setAside, setAside }, stages: [], summaries: {}, errors: [], setAside: [] }),
  );
  return { clusters: clusterLines.length };
}

async function dirSize(dir: string): Promise<{ bytes: number; files: number; largest: number }> {
  let bytes = 0;
  let files = 0;
  let largest = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const s = (await stat(path.join(e.parentPath, e.name))).size;
    bytes += s;
    files++;
    largest = Math.max(largest, s);
  }
  return { bytes, files, largest };
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(2)} MB`;

/**
 * 1 % new documents, spread through the corpus (each inserted after an
 * existing one, as new input files fall between old ones in input order),
 * each with its diff: what an incremental run hands the report.
 */
async function addDocuments(dir: string, share: number): Promise<number> {
  const lines = (await readFile(path.join(dir, 'documents.jsonl'), 'utf8')).split('\n').filter(Boolean);
  const every = Math.max(1, Math.round(1 / share));
  const out: string[] = [];
  let added = 0;
  for (const [i, line] of lines.entries()) {
    out.push(line);
    if (i % every !== every - 1) continue;
    const rec = JSON.parse(line) as { id: string; title: string; paragraphs: Array<{ cluster: string | null }> };
    const id = `${rec.id}_new`;
    // Clustered paragraphs stay out of clusters here: cluster pages changing is measured by bench:incremental.
    out.push(JSON.stringify({ ...rec, id, title: `${rec.title} (new)`, paragraphs: rec.paragraphs.map((p) => ({ ...p, cluster: null })) }));
    await writeFile(path.join(dir, 'diffs', `${id}.diff`), `--- a/${id}\n+++ b/${id}.txt\n@@ -1 +1 @@\n-new document\n+new document\n`);
    added++;
  }
  await writeFile(path.join(dir, 'documents.jsonl.new'), `${out.join('\n')}\n`);
  await rename(path.join(dir, 'documents.jsonl.new'), path.join(dir, 'documents.jsonl'));
  return added;
}

async function timedBuild(dir: string): Promise<string> {
  const t = performance.now();
  const r = await buildReport(dir);
  const s = (performance.now() - t) / 1000;
  return `${s.toFixed(2)} s (${r.mode}${r.fullReason ? `: ${r.fullReason}` : ''}; ${r.rendered} pages rendered, ${r.written} files written, ${r.deleted} deleted)`;
}

async function browserTimings(index: string): Promise<string[]> {
  if (!existsSync('/usr/bin/chromium')) return ['browser: skipped (no /usr/bin/chromium)'];
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    let t = performance.now();
    await page.goto(pathToFileURL(index).href);
    await page.locator('#doc-table[data-ready="yes"]').waitFor();
    const open = performance.now() - t;
    t = performance.now();
    await page.locator('th button[data-sort="flags"]').click();
    await page.locator('th button[data-sort="flags"][aria-sort="descending"]').waitFor();
    const sort = performance.now() - t;
    // Next page of the sorted table (rows come from chunks all over the corpus).
    t = performance.now();
    await page.locator('#page-next').click();
    await page.waitForFunction(() => /page 2 of/.test(document.getElementById('page-info')?.textContent ?? ''));
    const next = performance.now() - t;
    t = performance.now();
    await page.locator('#f-lang').selectOption('fr');
    await page.waitForFunction(() => /match/.test(document.getElementById('table-status')?.textContent ?? ''));
    const filter = performance.now() - t;
    return [
      `browser: open index ${open.toFixed(0)} ms · first sort (loads columns.js) ${sort.toFixed(0)} ms · next page of the sorted table ${next.toFixed(0)} ms · filter ${filter.toFixed(0)} ms`,
    ];
  } finally {
    await browser.close();
  }
}

const dir = await mkdtemp(path.join(tmpdir(), 'newsclean-bench-report-'));
try {
  let t = performance.now();
  const { clusters } = await generate(dir);
  const genMs = performance.now() - t;
  t = performance.now();
  const mem0 = process.memoryUsage().rss;
  const r = await buildReport(dir);
  const buildMs = performance.now() - t;
  const report = await dirSize(r.dir);
  const data = await dirSize(path.join(r.dir, 'data'));
  const columns = (await stat(path.join(r.dir, 'data', 'columns.js'))).size;
  const lines = [
    `bench:report — ${N} documents generated (${r.documents} kept, ${clusters} clusters) in ${(genMs / 1000).toFixed(1)} s`,
    `build: ${(buildMs / 1000).toFixed(2)} s (${((r.documents / buildMs) * 1000).toFixed(0)} documents/s), rss ${mb(mem0)} → ${mb(process.memoryUsage().rss)}`,
    `index.html: ${(r.indexBytes / 1024).toFixed(1)} KB (target < 5 MB: ${r.indexBytes < 5 * 1024 * 1024 ? 'met' : 'NOT met'})`,
    `data/: ${mb(data.bytes)} in ${data.files} files (columns.js ${mb(columns)}, loaded on first sort/filter; largest chunk ${(data.largest / 1024).toFixed(0)} KB)`,
    `report/: ${mb(report.bytes)} in ${report.files} files (largest ${(report.largest / 1024).toFixed(0)} KB)`,
    ...(await browserTimings(path.join(r.dir, 'index.html'))),
  ];
  console.log(lines.join('\n'));
  console.log(`rebuild, nothing changed: ${await timedBuild(dir)}`);
  const added = await addDocuments(dir, 0.01);
  console.log(`rebuild after ${added} new documents (1%): ${await timedBuild(dir)}`);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  if (keep) console.log(`kept: ${dir}`);
} finally {
  if (!keep) await rm(dir, { recursive: true, force: true });
}
