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
 *   .manifest.json        what the report was built from (src/report/manifest.ts)
 *
 * A full build writes a new folder next to the old one and swaps it in at the
 * end, so a failed build leaves the old report. An incremental build (the
 * manifest says the report is complete and of the same code and context)
 * rewrites only what changed, in place, each file atomically, and writes the
 * manifest last; it produces the same bytes as a full build.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync, type BigIntStats } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import { writeFileAtomic } from '../io/atomic.ts';
import { pageFileName, pageHref } from './html.ts';
import { countBins } from './charts.ts';
import {
  CLUSTER_LIST_PAGE,
  CONFIDENCE_EDGES,
  LIST_LIMIT,
  PAGE_SIZE,
  renderClusterListPage,
  renderIndexPage,
  rowToArray,
  type Aggregates,
  type ClusterSummary,
  type TableRow,
} from './index-page.ts';
import { removedShare, renderClusterPageBytes, renderDocPage, rowsOfPage, type PageContext } from './pages.ts';
import { MANIFEST_FILE, newNonce, readManifest, reportVersion, serialiseManifest, sha256, type RecordSummary, type ReportManifest } from './manifest.ts';
import {
  isObj,
  readJsonl,
  readJsonlLines,
  readLineBuffers,
  readRunJson,
  toCluster,
  toDoc,
  toFlag,
  toSetAside,
  type ReportCluster,
  type ReportDoc,
  type ReportFlag,
} from './read.ts';

export const ROWS_PER_CHUNK = 500;
/** Diff files larger than this are cut on the document page (the file itself stays whole). */
const MAX_DIFF_CHARS = 4_000_000;
const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

export interface BuildReportOptions {
  /** Render every page into a fresh folder even when the manifest allows an incremental build (`newsclean report --full`). */
  full?: boolean;
}

export interface BuildReportResult {
  dir: string;
  documents: number;
  clusters: number;
  /** Bytes of report/index.html. */
  indexBytes: number;
  ms: number;
  /** `full`: every page rendered into a new folder, swapped in; `incremental`: only changed pages rewritten in place. */
  mode: 'full' | 'incremental';
  /** Why the build was full (null for an incremental build). */
  fullReason: string | null;
  /** Document and cluster pages rendered (the others were unchanged). */
  rendered: number;
  /** Files written (pages, data chunks, index, assets). */
  written: number;
  /** Files of an earlier build removed (pages of documents or clusters that are gone). */
  deleted: number;
}

/** A data file is a classic script (file:// forbids fetch and module scripts) handing JSON to report.js. */
function dataScript(name: string, payload: unknown): string {
  return `newscleanReport.receive(${JSON.stringify(name)},${JSON.stringify(payload)});\n`;
}

const cutDiff = (text: string, outputDir: string, file: string) =>
  text.length > MAX_DIFF_CHARS ? `${text.slice(0, MAX_DIFF_CHARS)}\n… (diff cut at ${MAX_DIFF_CHARS} characters; see ${path.relative(outputDir, file)})` : text;

/** diffs/<id>.diff, or null when the id would leave the folder. */
function diffPath(outputDir: string, id: string): string | null {
  const diffsDir = path.resolve(outputDir, 'diffs');
  const file = path.resolve(diffsDir, `${id}.diff`);
  return path.dirname(file) === diffsDir ? file : null;
}

async function readDiff(outputDir: string, id: string): Promise<string | null> {
  const file = diffPath(outputDir, id);
  if (!file) return null;
  try {
    return cutDiff(await readFile(file, 'utf8'), outputDir, file);
  } catch {
    return null;
  }
}

interface DiffIdentity {
  /** Stat signature (size, mtime, inode), null when there is no diff file. */
  sig: string | null;
  /** sha-256 of the file's bytes ('none' without a file). */
  hash: string;
  /** The text when it had to be read to hash it (undefined: not read, unchanged since the last build). */
  text?: string | null;
}

/** diffs/<id>.diff and its stat signature (size, mtime, inode), or null when there is no such file. */
function diffStat(outputDir: string, id: string): { file: string; sig: string } | null {
  const file = diffPath(outputDir, id);
  if (!file) return null;
  // Synchronous: a stat is a few microseconds from the inode cache, far less than a promise round trip.
  let st: BigIntStats | undefined;
  try {
    st = statSync(file, { bigint: true, throwIfNoEntry: false });
  } catch {
    st = undefined;
  }
  return st?.isFile() ? { file, sig: `${st.size}:${st.mtimeNs}:${st.ino}` } : null;
}

/**
 * What a document page's diff section depends on, when that needs no read:
 * no diff file, or one whose size, mtime and inode match the last build's.
 * Answered synchronously, without a promise (most of 20,000 documents take
 * this path); `undefined` when the file must be read (diffIdentity).
 */
function knownDiffIdentity(stat: { sig: string } | null, known: [string, string] | undefined): DiffIdentity | undefined {
  if (!stat) return { sig: null, hash: 'none', text: null };
  return known && known[0] === stat.sig ? { sig: stat.sig, hash: known[1] } : undefined;
}

/**
 * What a document page's diff section depends on: a diff the last build
 * knew by its signature is not read; any other is read and hashed (a run
 * that rewrites a diff with the same bytes costs a read, not a render).
 */
async function diffIdentity(outputDir: string, id: string, known: [string, string] | undefined): Promise<DiffIdentity> {
  const stat = diffStat(outputDir, id);
  const fast = knownDiffIdentity(stat, known);
  if (fast || !stat) return fast ?? { sig: null, hash: 'none', text: null };
  const bytes = await readFile(stat.file).catch(() => null);
  if (!bytes) return { sig: null, hash: 'none', text: null };
  return { sig: stat.sig, hash: sha256(bytes), text: cutDiff(bytes.toString('utf8'), outputDir, stat.file) };
}

const SUBDIRS = ['docs', 'clusters', 'data', 'assets'] as const;

/** Stands for the text of a cluster member whose paragraph is not in documents.jsonl. */
const MISSING_TEXT = '\u0001missing';
/** A member text's part of a cluster page key (shortened: it is kept per member paragraph in the manifest). */
const textHash = (text: string | null): string => (text === null ? MISSING_TEXT : sha256(text).slice(0, 16));

/** An empty or whitespace-only line (skipped, as String.trim would have it); JSON lines start with `{`. */
function isBlankLine(bytes: Buffer): boolean {
  if (bytes.length === 0) return true;
  if (bytes[0] === 0x7b) return false;
  return bytes.toString('utf8').trim() === '';
}

/** Every entry of a report folder, relative (files of the sub-folders, anything else at the top). */
async function listReport(dir: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.isDirectory() && (SUBDIRS as readonly string[]).includes(e.name)) {
      for (const name of await readdir(path.join(dir, e.name)).catch(() => [] as string[])) out.add(`${e.name}/${name}`);
    } else out.add(e.name);
  }
  out.delete(MANIFEST_FILE);
  return out;
}

/**
 * Build `<output>/report/`. When the folder holds a complete report of the
 * same report code and page context (its manifest says so), only the pages
 * whose inputs changed are rendered and rewritten in place, the small derived
 * files (index, cluster lists, data chunks) only when their content changed,
 * and pages of documents or clusters that are gone are deleted: the result is
 * byte-identical to a full build. Otherwise (first build, `full`, report code
 * or config changed, an earlier build that did not finish) every page is
 * rendered into a new folder that replaces the old one whole.
 */
export async function buildReport(outputDir: string, opts: BuildReportOptions = {}): Promise<BuildReportResult> {
  const t0 = performance.now();
  const run = await readRunJson(outputDir);
  const finalDir = path.join(outputDir, 'report');
  const previous = await readManifest(finalDir);
  const config = run.config as { hash?: unknown } | undefined;
  const ctx: PageContext = {
    // One nonce per output folder, kept in the manifest: see docs/report.md (Security).
    nonce: previous?.nonce ?? newNonce(),
    reviewKey: `newsclean-review:${path.resolve(outputDir)}`,
    configHash: typeof config?.hash === 'string' ? config.hash : '',
  };
  const version = reportVersion();
  const context = sha256(version, ctx.nonce, ctx.reviewKey, ctx.configHash);
  const fullReason = opts.full
    ? 'requested'
    : !previous
      ? existsSync(finalDir)
        ? 'no valid manifest (built by an older version, or an earlier build did not finish)'
        : 'no report yet'
      : previous.version !== version
        ? 'the report code changed'
        : previous.context !== context
          ? 'the config or the output folder changed'
          : null;
  const manifestOf = (built: Built) => serialiseManifest({ version, nonce: ctx.nonce, context, files: built.files, diffs: built.diffs, records: built.records });
  const finish = async (built: Built, mode: BuildReportResult['mode']): Promise<BuildReportResult> => {
    const indexBytes = (await stat(path.join(finalDir, 'index.html'))).size;
    const { files: _files, diffs: _diffs, records: _records, ...counts } = built;
    return { ...counts, dir: finalDir, indexBytes, ms: Math.round(performance.now() - t0), mode, fullReason };
  };

  if (fullReason === null && previous) {
    const existing = await listReport(finalDir);
    // From here until the new manifest is written the report is not known to be complete.
    await rm(path.join(finalDir, MANIFEST_FILE), { force: true });
    const built = await buildInto(outputDir, finalDir, run, ctx, context, previous, existing);
    for (const rel of existing) {
      if (built.files[rel] !== undefined) continue;
      await rm(path.join(finalDir, rel), { recursive: true, force: true });
      built.deleted++;
    }
    await writeFileAtomic(finalDir, [MANIFEST_FILE], manifestOf(built), true);
    return finish(built, 'incremental');
  }

  const tmpDir = `${finalDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const built = await buildInto(outputDir, tmpDir, run, ctx, context, null, new Set());
    await writeFile(path.join(tmpDir, MANIFEST_FILE), manifestOf(built));
    if (existsSync(finalDir)) {
      const old = `${finalDir}.tmp-old-${process.pid}-${randomBytes(4).toString('hex')}`;
      await rename(finalDir, old);
      await rename(tmpDir, finalDir);
      await rm(old, { recursive: true, force: true });
    } else await rename(tmpDir, finalDir);
    return finish(built, 'full');
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true });
    throw err;
  }
}

/** What one build produced: its counts, and the page keys and diff identities the next manifest records. */
interface Built extends Pick<ReportManifest, 'files' | 'diffs' | 'records'> {
  documents: number;
  clusters: number;
  rendered: number;
  written: number;
  deleted: number;
}

/**
 * Render the report into `dir`. With `previous` (an in-place incremental
 * build), a page whose key matches the manifest and whose file exists is
 * neither rendered nor written.
 */
async function buildInto(
  outputDir: string,
  dir: string,
  run: Record<string, unknown>,
  ctx: PageContext,
  context: string,
  previous: ReportManifest | null,
  existing: ReadonlySet<string>,
): Promise<Built> {
  const built: Built = { documents: 0, clusters: 0, rendered: 0, written: 0, deleted: 0, files: {}, diffs: {}, records: {} };
  for (const sub of SUBDIRS) await mkdir(path.join(dir, sub), { recursive: true });
  const unchanged = (rel: string, key: string) => {
    built.files[rel] = key;
    return previous !== null && previous.files[rel] === key && existing.has(rel);
  };
  // In place, a file is replaced atomically (a reader never sees half a page); a fresh folder is swapped in whole.
  const put = async (rel: string, content: string | Buffer) => {
    built.written++;
    if (previous) await writeFileAtomic(dir, rel.split('/'), content);
    else await writeFile(path.join(dir, rel), content);
  };

  const agg: Aggregates = {
    documents: 0,
    paragraphs: 0,
    removedByReason: new Map(),
    flagsByKind: new Map(),
    flagConfidenceBins: countBins([], CONFIDENCE_EDGES),
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
  const clusterLines: string[] = [];
  for await (const { line, value } of readJsonlLines(path.join(outputDir, 'clusters.jsonl'), bad('clusters.jsonl'))) {
    clusters.push(toCluster(value));
    clusterLines.push(line);
  }
  // Texts of clustered paragraphs, by document then paragraph (nested maps: no key strings built per paragraph).
  const memberTexts = new Map<string, Map<number, string | null>>();
  for (const c of clusters) {
    for (const m of c.members) {
      const paras = memberTexts.get(m.doc) ?? new Map<number, string | null>();
      paras.set(m.paragraph, null);
      memberTexts.set(m.doc, paras);
    }
  }

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
  // (A Promise.race over the pending set on every call attached one more
  // handler to each pending task per call: with 20,000 documents that was
  // over a million promise reactions, most of an unchanged build's time.)
  const io = pLimit(16);
  let inFlight = 0;
  /** The first task that failed: the build stops at the producer's next step. */
  const failed: { error: unknown }[] = [];
  const rethrow = () => {
    const first = failed[0];
    if (first) throw first.error;
  };
  const waiting: (() => void)[] = [];
  const waitForSlot = () => new Promise<void>((resolve) => waiting.push(resolve));
  const schedule = async (task: () => Promise<void>) => {
    rethrow();
    inFlight++;
    void io(task)
      .catch((error: unknown) => {
        failed.push({ error });
      })
      .finally(() => {
        inFlight--;
        for (const wake of waiting.splice(0)) wake();
      });
    while (inFlight > 64) await waitForSlot();
    rethrow();
  };
  const drain = async () => {
    while (inFlight > 0) await waitForSlot();
    rethrow();
  };
  /** A small derived file (index, lists, data chunks, assets): rendered every time, written when its content changed. */
  const write = (rel: string, content: string) => (unchanged(rel, sha256(content)) ? Promise.resolve() : schedule(() => put(rel, content)));
  const renderPage = async (rel: string, render: () => Promise<string | Buffer> | string | Buffer) => {
    built.rendered++;
    await put(rel, await render());
  };
  /** A page keyed by its inputs: rendered only when they changed. */
  const page = async (rel: string, key: string, render: () => Promise<string> | string) => {
    if (!unchanged(rel, key)) await renderPage(rel, render);
  };

  // A document page depends on its record, its diff and the page context,
  // nothing else (its prev/next links come from data/columns.js): a new
  // document renders its own page only.
  const rows: TableRow[] = [];
  const emitDoc = async (id: string, lineHash: string, fileFlags: string, doc: () => ReportDoc) => {
    const rel = `docs/${pageFileName(id)}`;
    const fast = knownDiffIdentity(diffStat(outputDir, id), previous?.diffs[id]);
    if (fast) {
      if (fast.sig !== null) built.diffs[id] = [fast.sig, fast.hash];
      if (unchanged(rel, sha256(context, 'doc', lineHash, fileFlags, fast.hash))) return;
    }
    await schedule(async () => {
      const diff = fast ?? (await diffIdentity(outputDir, id, previous?.diffs[id]));
      if (diff.sig !== null) built.diffs[id] = [diff.sig, diff.hash];
      const key = sha256(context, 'doc', lineHash, fileFlags, diff.hash);
      await page(rel, key, async () => renderDocPage(doc(), diff.text !== undefined ? diff.text : await readDiff(outputDir, id), ctx));
    });
  };
  const addSummary = (sum: RecordSummary) => {
    agg.documents++;
    agg.paragraphs += sum.row.paragraphs;
    inc(agg.languages, sum.row.lang);
    for (const [reason, n] of sum.removed) inc(agg.removedByReason, reason, n);
    for (const [kind, n] of sum.flagKinds) inc(agg.flagsByKind, kind, n);
    sum.confidenceBins.forEach((n, i) => {
      agg.flagConfidenceBins[i] = (agg.flagConfidenceBins[i] ?? 0) + n;
    });
    rows.push(sum.row);
  };
  /** Hash of each cluster member paragraph's text, by document then paragraph: cluster page keys use these, not the texts. */
  const memberHashes = new Map<string, Map<number, string>>();
  /** Where the lines of documents that were not parsed are, to read a few again when a cluster page needs their texts. */
  const unparsed = new Map<string, { offset: number; length: number }>();
  const seen = new Set<string>();
  const docsFile = path.join(outputDir, 'documents.jsonl');
  let lineNo = 0;
  for await (const { bytes, offset } of existsSync(docsFile) ? readLineBuffers(docsFile) : []) {
    lineNo++;
    if (isBlankLine(bytes)) continue;
    const lineHash = sha256(bytes);
    // A line the last build parsed: its summary stands in for it, unless it lacks a member paragraph clusters.jsonl now lists.
    const known = previous?.records[lineHash];
    const clustered = known && memberTexts.get(known.row.id);
    if (known && !seen.has(known.row.id) && (!clustered || [...clustered.keys()].every((p) => known.members.some(([q]) => q === p)))) {
      seen.add(known.row.id);
      // Only the current member paragraphs are kept, as a build that parses the line keeps them.
      const members = known.members.filter(([p]) => clustered?.has(p));
      built.records[lineHash] = { ...known, members };
      addSummary(known);
      if (clustered) memberHashes.set(known.row.id, new Map(members));
      unparsed.set(known.row.id, { offset, length: bytes.length });
      await emitDoc(known.row.id, lineHash, '', () => toDoc(JSON.parse(bytes.toString('utf8')) as Record<string, unknown>));
      continue;
    }
    let r: Record<string, unknown>;
    try {
      const v: unknown = JSON.parse(bytes.toString('utf8'));
      if (!isObj(v)) {
        agg.problems.push(`documents.jsonl line ${lineNo}: not a JSON object`);
        continue;
      }
      r = v;
    } catch (err) {
      agg.problems.push(`documents.jsonl line ${lineNo}: ${(err as Error).message}`);
      continue;
    }
    const doc = toDoc(r);
    if (!doc.id || seen.has(doc.id)) {
      agg.problems.push(`documents.jsonl: ${doc.id ? `duplicate id ${doc.id}` : 'record without id'} (skipped in the report)`);
      continue;
    }
    seen.add(doc.id);
    let fileFlags = '';
    if (!Array.isArray(r.flags)) {
      doc.flags = await flagsFromFlagsFile(doc.id);
      fileFlags = JSON.stringify(doc.flags);
    }
    const texts = memberTexts.get(doc.id);
    const members: [number, string][] = [];
    if (texts) {
      for (const i of texts.keys()) {
        const text = doc.paragraphs[i]?.text ?? null;
        texts.set(i, text);
        members.push([i, textHash(text)]);
      }
      members.sort((a, b) => a[0] - b[0]);
      memberHashes.set(doc.id, new Map(members));
    }
    const removed = new Map<string, number>();
    for (const rm of doc.removed) inc(removed, rm.reason);
    const flagKinds = new Map<string, number>();
    for (const f of doc.flags) inc(flagKinds, f.kind);
    const summary: RecordSummary = {
      row: {
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
      },
      removed: [...removed],
      flagKinds: [...flagKinds],
      confidenceBins: countBins(doc.flags.map((f) => f.confidence), CONFIDENCE_EDGES),
      members,
    };
    addSummary(summary);
    // Flags read from flags.jsonl are not part of the line: such a record is parsed every time.
    if (!fileFlags) built.records[lineHash] = summary;
    await emitDoc(doc.id, lineHash, fileFlags, () => doc);
  }

  for await (const r of readJsonl(path.join(outputDir, 'set-aside.jsonl'), bad('set-aside.jsonl'))) {
    const s = toSetAside(r);
    agg.setAsideTotal++;
    inc(agg.setAsideByReason, s.reason);
    if (agg.setAsideShown.length < LIST_LIMIT) agg.setAsideShown.push(s);
  }

  const docIds = new Set(rows.map((r) => r.id));
  const toRender: { c: ReportCluster; i: number; rel: string }[] = [];
  for (const [i, c] of clusters.entries()) {
    agg.clusters.push({ id: c.id, size: c.members.length, docs: new Set(c.members.map((m) => m.doc)).size, canonical: c.canonical });
    const missing = c.members.filter((m) => !docIds.has(m.doc));
    if (missing.length) agg.problems.push(`cluster ${c.id}: ${missing.length} members point at documents not in documents.jsonl`);
    // A cluster page depends on its record, its members' texts (by hash), its neighbours and the context.
    const hashes = c.members.map((m) => memberHashes.get(m.doc)?.get(m.paragraph) ?? MISSING_TEXT);
    // The member hashes joined by the separator sha256() puts after each part: the same bytes as one part per hash, in one update.
    const key = sha256(context, 'cluster', clusterLines[i]!, hashes.join('\u0000'), clusters[i - 1]?.id ?? '', clusters[i + 1]?.id ?? '');
    const rel = `clusters/${pageFileName(c.id)}`;
    if (!unchanged(rel, key)) toRender.push({ c, i, rel });
  }
  // Member texts of the pages to render that sit in lines this build did not parse: read those lines again, by offset.
  const reread = new Map<string, { offset: number; length: number }>();
  for (const { c } of toRender) for (const m of c.members) if (!reread.has(m.doc) && unparsed.has(m.doc)) reread.set(m.doc, unparsed.get(m.doc)!);
  if (reread.size) {
    const fh = await open(docsFile, 'r');
    try {
      for (const [id, at] of [...reread].sort((a, b) => a[1].offset - b[1].offset)) {
        const buf = Buffer.alloc(at.length);
        await fh.read(buf, 0, at.length, at.offset);
        const doc = toDoc(JSON.parse(buf.toString('utf8')) as Record<string, unknown>);
        const texts = memberTexts.get(id);
        if (texts) for (const p of texts.keys()) texts.set(p, doc.paragraphs[p]?.text ?? null);
      }
    } finally {
      await fh.close();
    }
  }
  const memberText = (doc: string, p: number) => memberTexts.get(doc)?.get(p) ?? null;
  for (const { c, i, rel } of toRender) {
    const nav = { prev: clusters[i - 1]?.id ?? null, next: clusters[i + 1]?.id ?? null };
    await schedule(async () => {
      // In place, the page's earlier rendering (same report code: the manifest's version matched) gives the rows and word diffs it already had.
      const earlier = previous && existing.has(rel) ? await readFile(path.join(dir, rel)).catch(() => null) : null;
      const rows = earlier ? rowsOfPage(earlier, c.canonical) : null;
      await renderPage(rel, () => renderClusterPageBytes(c, memberText, nav, ctx, rows));
    });
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
  for (const name of ['report.js', 'report.css']) await write(`assets/${name}`, await readFile(path.join(ASSETS_DIR, name), 'utf8'));
  await drain();
  built.documents = agg.documents;
  built.clusters = clusters.length;
  return built;
}
