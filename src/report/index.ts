/**
 * Static HTML report built from an output folder (documents.jsonl,
 * clusters.jsonl, flags.jsonl, set-aside.jsonl, run.json, diffs/).
 *
 * Layout of `<output>/report/`:
 *   index.html            run summary, charts, paginated document table
 *   docs/<id>.html        one page per document
 *   clusters/<id>.html    one page per cluster; clusters/list-N.html lists them all
 *   data/rows-N.js        document table rows in input order, ROWS_PER_CHUNK per file
 *   data/columns.js       compact per-document sort/filter columns (loaded on first sort/filter)
 *   assets/report.css, assets/report.js
 *
 * The folder is built next to the old one and swapped in at the end, so a
 * report never mixes pages of two runs and a failed build leaves the old one.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import { pageFileName, pageHref } from './html.ts';
import {
  CLUSTER_LIST_PAGE,
  LIST_LIMIT,
  PAGE_SIZE,
  renderClusterListPage,
  renderIndexPage,
  rowToArray,
  type Aggregates,
  type ClusterSummary,
  type TableRow,
} from './index-page.ts';
import { removedShare, renderClusterPage, renderDocPage, type PageContext } from './pages.ts';
import { readJsonl, readRunJson, toCluster, toDoc, toFlag, toSetAside, type ReportCluster, type ReportDoc, type ReportFlag } from './read.ts';

export const ROWS_PER_CHUNK = 500;
/** Diff files larger than this are cut on the document page (the file itself stays whole). */
const MAX_DIFF_CHARS = 4_000_000;
const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

export interface BuildReportResult {
  dir: string;
  documents: number;
  clusters: number;
  /** Bytes of report/index.html. */
  indexBytes: number;
  ms: number;
}

/** A data file is a classic script (file:// forbids fetch and module scripts) handing JSON to report.js. */
function dataScript(name: string, payload: unknown): string {
  return `newscleanReport.receive(${JSON.stringify(name)},${JSON.stringify(payload)});\n`;
}

async function readDiff(outputDir: string, id: string): Promise<string | null> {
  const diffsDir = path.resolve(outputDir, 'diffs');
  const file = path.resolve(diffsDir, `${id}.diff`);
  if (path.dirname(file) !== diffsDir) return null;
  try {
    const text = await readFile(file, 'utf8');
    return text.length > MAX_DIFF_CHARS ? `${text.slice(0, MAX_DIFF_CHARS)}\n… (diff cut at ${MAX_DIFF_CHARS} characters; see ${path.relative(outputDir, file)})` : text;
  } catch {
    return null;
  }
}

export async function buildReport(outputDir: string): Promise<BuildReportResult> {
  const t0 = performance.now();
  const run = await readRunJson(outputDir);
  const finalDir = path.join(outputDir, 'report');
  const tmpDir = `${finalDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const result = await buildInto(outputDir, tmpDir, run);
    if (existsSync(finalDir)) {
      const old = `${finalDir}.tmp-old-${process.pid}-${randomBytes(4).toString('hex')}`;
      await rename(finalDir, old);
      await rename(tmpDir, finalDir);
      await rm(old, { recursive: true, force: true });
    } else await rename(tmpDir, finalDir);
    const indexBytes = (await stat(path.join(finalDir, 'index.html'))).size;
    return { ...result, dir: finalDir, indexBytes, ms: Math.round(performance.now() - t0) };
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    throw err;
  }
}

async function buildInto(outputDir: string, dir: string, run: Record<string, unknown>): Promise<{ documents: number; clusters: number }> {
  const config = run.config as { hash?: unknown } | undefined;
  const ctx: PageContext = {
    nonce: randomBytes(18).toString('base64url'),
    reviewKey: `newsclean-review:${path.resolve(outputDir)}`,
    configHash: typeof config?.hash === 'string' ? config.hash : '',
  };
  for (const sub of ['docs', 'clusters', 'data', 'assets']) await mkdir(path.join(dir, sub), { recursive: true });
  await cp(path.join(ASSETS_DIR, 'report.js'), path.join(dir, 'assets/report.js'));
  await cp(path.join(ASSETS_DIR, 'report.css'), path.join(dir, 'assets/report.css'));

  const agg: Aggregates = {
    documents: 0,
    paragraphs: 0,
    removedByReason: new Map(),
    flagsByKind: new Map(),
    flagConfidences: [],
    languages: new Map(),
    setAsideTotal: 0,
    setAsideByReason: new Map(),
    setAsideShown: [],
    clusters: [],
    problems: [],
  };
  const bad = (file: string) => (line: number, message: string) => agg.problems.push(`${file} line ${line}: ${message}`);
  const inc = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);

  // Clusters first: document pages link to them and cluster pages need member texts.
  const clusters: ReportCluster[] = [];
  for await (const r of readJsonl(path.join(outputDir, 'clusters.jsonl'), bad('clusters.jsonl'))) clusters.push(toCluster(r));
  const wanted = new Set(clusters.flatMap((c) => c.members.map((m) => `${m.doc}\u0000${m.paragraph}`)));
  const memberTexts = new Map<string, string>();

  // documents.jsonl records carry their flags; flags.jsonl (the same flags, one
  // per line) is read only for records without a `flags` field, and only once.
  let flagsByDoc: Map<string, ReportFlag[]> | null = null;
  const flagsFromFlagsFile = async (id: string): Promise<ReportFlag[]> => {
    if (!flagsByDoc) {
      flagsByDoc = new Map();
      for await (const r of readJsonl(path.join(outputDir, 'flags.jsonl'), bad('flags.jsonl'))) {
        const doc = String(r.doc ?? '');
        const list = flagsByDoc.get(doc) ?? [];
        list.push(toFlag(r));
        flagsByDoc.set(doc, list);
      }
    }
    return flagsByDoc.get(id) ?? [];
  };

  // Page files are read (diffs) and written with bounded concurrency; the
  // producer waits when too many are in flight, so memory stays bounded.
  const io = pLimit(16);
  const pending = new Set<Promise<void>>();
  const schedule = async (task: () => Promise<void>) => {
    const p = io(task).then(() => {
      pending.delete(p);
    });
    pending.add(p);
    if (pending.size > 64) await Promise.race(pending);
  };
  const write = (rel: string, content: string) => schedule(() => writeFile(path.join(dir, rel), content));

  const rows: TableRow[] = [];
  let held: ReportDoc | null = null;
  let prevId: string | null = null;
  const emitDoc = async (doc: ReportDoc, nextId: string | null) => {
    const nav = { prev: prevId, next: nextId };
    prevId = doc.id;
    await schedule(async () => {
      const diff = await readDiff(outputDir, doc.id);
      await writeFile(path.join(dir, 'docs', pageFileName(doc.id)), renderDocPage(doc, diff, nav, ctx));
    });
  };
  const seen = new Set<string>();
  for await (const r of readJsonl(path.join(outputDir, 'documents.jsonl'), bad('documents.jsonl'))) {
    const doc = toDoc(r);
    if (!doc.id || seen.has(doc.id)) {
      agg.problems.push(`documents.jsonl: ${doc.id ? `duplicate id ${doc.id}` : 'record without id'} (skipped in the report)`);
      continue;
    }
    seen.add(doc.id);
    if (!Array.isArray(r.flags)) doc.flags = await flagsFromFlagsFile(doc.id);
    agg.documents++;
    agg.paragraphs += doc.paragraphs.length;
    inc(agg.languages, doc.lang ?? 'und');
    for (const rm of doc.removed) inc(agg.removedByReason, rm.reason);
    for (const f of doc.flags) {
      inc(agg.flagsByKind, f.kind);
      agg.flagConfidences.push(f.confidence);
    }
    doc.paragraphs.forEach((p, i) => {
      const key = `${doc.id}\u0000${i}`;
      if (wanted.has(key)) memberTexts.set(key, p.text);
    });
    rows.push({
      id: doc.id,
      href: pageHref('docs/', doc.id),
      title: (doc.title ?? '').slice(0, 200),
      source: doc.source,
      lang: doc.lang ?? 'und',
      paragraphs: doc.paragraphs.length,
      removed: doc.removed.length,
      removedPermille: Math.round(removedShare(doc) * 1000),
      flags: doc.flags.length,
      kinds: [...new Set(doc.flags.map((f) => f.kind))].sort(),
      clusterParas: doc.paragraphs.filter((p) => p.cluster).length,
      date: doc.date ?? '',
    });
    if (held) await emitDoc(held, doc.id);
    held = doc;
  }
  if (held) await emitDoc(held, null);

  for await (const r of readJsonl(path.join(outputDir, 'set-aside.jsonl'), bad('set-aside.jsonl'))) {
    const s = toSetAside(r);
    agg.setAsideTotal++;
    inc(agg.setAsideByReason, s.reason);
    if (agg.setAsideShown.length < LIST_LIMIT) agg.setAsideShown.push(s);
  }

  const docIds = new Set(rows.map((r) => r.id));
  for (const [i, c] of clusters.entries()) {
    agg.clusters.push({ id: c.id, size: c.members.length, docs: new Set(c.members.map((m) => m.doc)).size, canonical: c.canonical });
    const missing = c.members.filter((m) => !docIds.has(m.doc));
    if (missing.length) agg.problems.push(`cluster ${c.id}: ${missing.length} members point at documents not in documents.jsonl`);
    const nav = { prev: clusters[i - 1]?.id ?? null, next: clusters[i + 1]?.id ?? null };
    const page = renderClusterPage(c, (doc, p) => memberTexts.get(`${doc}\u0000${p}`) ?? null, nav, ctx);
    await write(`clusters/${pageFileName(c.id)}`, page);
  }
  const byId = [...agg.clusters].sort((a, b) => a.id.localeCompare(b.id));
  const listPages = Math.ceil(byId.length / CLUSTER_LIST_PAGE);
  for (let p = 0; p < listPages; p++) {
    const slice: ClusterSummary[] = byId.slice(p * CLUSTER_LIST_PAGE, (p + 1) * CLUSTER_LIST_PAGE);
    await write(`clusters/list-${p + 1}.html`, renderClusterListPage(slice, p + 1, listPages, ctx));
  }

  const chunks = Math.ceil(rows.length / ROWS_PER_CHUNK);
  for (let c = 0; c < chunks; c++) {
    await write(`data/rows-${c}.js`, dataScript(`rows-${c}`, rows.slice(c * ROWS_PER_CHUNK, (c + 1) * ROWS_PER_CHUNK).map(rowToArray)));
  }
  const langs = [...agg.languages.keys()].sort();
  const kinds = [...agg.flagsByKind.keys()].sort();
  await write(
    'data/columns.js',
    dataScript('columns', {
      id: rows.map((r) => r.id),
      lang: rows.map((r) => langs.indexOf(r.lang)),
      langs,
      kinds,
      kindSets: rows.map((r) => r.kinds.map((k) => kinds.indexOf(k)).join('.')),
      paragraphs: rows.map((r) => r.paragraphs),
      removed: rows.map((r) => r.removed),
      removedPermille: rows.map((r) => r.removedPermille),
      flags: rows.map((r) => r.flags),
      clusterParas: rows.map((r) => r.clusterParas),
    }),
  );
  await write('index.html', renderIndexPage(run, agg, rows.slice(0, PAGE_SIZE), chunks, listPages, ctx));
  await Promise.all(pending);
  return { documents: agg.documents, clusters: clusters.length };
}
