/**
 * Incremental runs on persistent state: the `newsclean run` job as a
 * scheduler (or cron) runs it, over an input folder that keeps growing.
 *
 * One run:
 *  1. take the run lock of the output folder (exit 75 when another run holds it);
 *  2. open the state; decide full or incremental (full on the first run, with
 *     `--full`, or when the config or newsclean version changed: cached results
 *     would not match what this config produces);
 *  3. inventory the inputs: size + mtime against the state, content hash when
 *     they differ (a touched but unchanged file is not reprocessed); report
 *     inputs that disappeared;
 *  4. read and clean only the new and changed inputs; corpus stages reach
 *     what earlier runs learned through `ctx.state`;
 *  5. merge with the cached results of unchanged inputs (and the stored
 *     clusters) and write the outputs: the main files describe the whole
 *     corpus, `runs/<id>/` holds what this run added or changed, `runs/latest`
 *     points at the newest partition;
 *  6. commit everything the run learned to the state in ONE transaction, last.
 *
 * Crash safety (kill -9 at any moment): every file is written atomically
 * (temp + rename), and the state commit comes after every output. A run killed
 * before the commit leaves the state of the previous run, so the next run
 * redoes the same work with the same run id and writes the same outputs; it
 * also sees the unfinished run in the history and rewrites every output from
 * the state, so files a killed run touched cannot survive. Leftover temp files
 * and partitions of uncommitted runs are removed first.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync, type Stats } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { Logger as PinoLogger } from 'pino';
import { ConfigError, hashConfig, loadConfig, type ResolvedConfig } from '../config.ts';
import { runStages, type ConfiguredStage, type ReadItem } from '../core/runner.ts';
import type { ReviewDecisions } from '../core/stage.ts';
import type { Doc, InputError } from '../core/types.ts';
import { TEMP_MARK, writeFileAtomic } from '../io/atomic.ts';
import { shortHash } from '../io/ids.ts';
import { emptyStats, listInputs, readInputs, type InputFile } from '../io/readers.ts';
import { OUTPUT_FILES, serialiseDoc, writeDocFiles, writeRunJson, writeSerialisedOutputs, type SerialisedDoc, type WriteSummary } from '../io/writers.ts';
import { clusterRecordsOfSeqs } from '../io/records.ts';
import { stageLogger } from '../log.ts';
import { checkFolders, runCounts, runPipeline, runRecord, sortInputErrors, TOOL, type ProgressEvent, type RunRecord } from '../pipeline.ts';
import { compareBytes } from '../core/compare.ts';
import { buildReport } from '../report/index.ts';
import { enforceReviewDecisions, loadReviewDecisions } from '../review/index.ts';
import { configuredStages } from '../stages/configure.ts';
import { mergeClusters, toClusterRecord, type ClusterMerge } from './clusters.ts';
import {
  decodeDoc,
  decodeLines,
  decodeSummary,
  DOC_CACHE_VERSION,
  encodeDoc,
  encodeOutput,
  OUTPUT_FORMAT,
  patchDocumentLine,
  type EncodedOutput,
  type OutputSummary,
} from './doc-cache.ts';
import { acquireLock } from './lock.ts';
import { earlierOutputs, FileSlices, recordLayout, type EarlierOutputs, type LayoutEntry } from './splice.ts';
import { SqliteStateStore } from './sqlite.ts';
import { BufferedStageState } from './stage-state.ts';
import { emptyCommit, formatRunId, type CachedDocumentOutput, type InputRecord, type StateStore } from './store.ts';

/** Where the state and the lock live inside the output folder (hidden: readers and writers ignore it). */
export const STATE_DIR = '.newsclean';
export const RUNS_DIR = 'runs';
export const LATEST_LINK = 'latest';

export interface JobOptions {
  input: string;
  output: string;
  configFile?: string;
  configExplicit?: boolean;
  concurrency?: number;
  /** Reprocess every input (`--full`). */
  full?: boolean;
  /** Overrides `state.keepRuns` (`--keep-runs N`). */
  keepRuns?: number | null;
  /** Overrides `state.path` (`--state PATH`). */
  statePath?: string | null;
  log: PinoLogger;
  onProgress?: (event: ProgressEvent) => void;
  review?: ReviewDecisions;
  /** Build report/index.html (default true). */
  report?: boolean;
  /** Stages to run instead of the configured pipeline (library use, tests). */
  stages?: ConfiguredStage[];
}

/** What run.json says about the incremental side of a run. */
export interface IncrementalInfo {
  runId: string;
  mode: 'full' | 'incremental';
  /** Why everything was reprocessed (null for an incremental run). */
  fullReason: string | null;
  /** Input files read and cleaned in this run. */
  processedInputs: number;
  unchangedInputs: number;
  /** Inputs gone since the previous run, with the documents removed with them. */
  disappeared: { source: string; documents: string[] }[];
  /** Documents cleaned in this run (new or changed inputs). */
  processedDocuments: number;
  /** Documents of earlier runs whose record changed (a paragraph joined or left a cluster). */
  updatedDocuments: number;
  /** Per-input errors found in this run (run.json `errors` lists every current one). */
  failedThisRun: number;
  /** `runs/<id>` relative to the output folder, or null when the run changed nothing. */
  partition: string | null;
  /** Partitions deleted by retention (`--keep-runs`). */
  prunedRuns: string[];
}

export type JobRunRecord = RunRecord & { incremental?: IncrementalInfo };

export interface JobResult {
  /** run.json as written; for a run that found nothing to do, the run.json of the last run that changed the outputs. */
  run: JobRunRecord;
  /** False when nothing changed and the outputs were left as they were. */
  changed: boolean;
  runId: string | null;
}


async function hashFile(abs: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(abs, { highWaterMark: 1 << 16 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Which input a document or an error came from: `rel` or `rel#record`. */
function inputOf(source: string, known: ReadonlyMap<string, unknown>): string | null {
  if (known.has(source)) return source;
  for (let i = source.indexOf('#'); i !== -1; i = source.indexOf('#', i + 1)) {
    const prefix = source.slice(0, i);
    if (known.has(prefix)) return prefix;
  }
  return null;
}

interface Inventory {
  files: InputFile[];
  /** Unchanged since the state's record (possibly with a new mtime to store). */
  unchanged: { file: InputFile; record: InputRecord }[];
  /** New or changed, with their new identity. */
  changed: { file: InputFile; size: number; mtimeMs: number; hash: string }[];
  disappeared: InputRecord[];
}

async function takeInventory(files: InputFile[], seen: ReadonlyMap<string, InputRecord>): Promise<Inventory> {
  const limit = pLimit(16);
  const unchanged: Inventory['unchanged'] = [];
  const changed: Inventory['changed'] = [];
  const results = await Promise.all(
    files.map((file) => {
      // Synchronous: a stat from the inode cache takes microseconds, less than the promise and
      // thread-pool round trip of an asynchronous one (20,000 of them on every run).
      let st: Stats | undefined;
      try {
        st = statSync(file.abs, { throwIfNoEntry: false });
      } catch {
        st = undefined;
      }
      const prev = seen.get(file.rel);
      if (prev && st && prev.size === st.size && prev.mtimeMs === st.mtimeMs) return { kind: 'same' as const, file, record: prev };
      return limit(async () => {
        const size = st?.size ?? -1;
        const mtimeMs = st?.mtimeMs ?? -1;
        // A missing or unreadable file still goes to the readers, which report it as a per-input error.
        const hash = st ? await hashFile(file.abs).catch(() => '') : '';
        if (prev && hash !== '' && prev.hash === hash) return { kind: 'same' as const, file, record: { ...prev, size, mtimeMs } };
        return { kind: 'new' as const, file, size, mtimeMs, hash };
      });
    }),
  );
  for (const r of results) {
    if (r.kind === 'same') unchanged.push({ file: r.file, record: r.record });
    else changed.push({ file: r.file, size: r.size, mtimeMs: r.mtimeMs, hash: r.hash });
  }
  const present = new Set(files.map((f) => f.rel));
  const disappeared = [...seen.values()].filter((r) => !present.has(r.path)).sort((a, b) => compareBytes(a.path, b.path));
  return { files, unchanged, changed, disappeared };
}

/** Remove what a killed run may have left: temp files and partitions of runs that never committed. */
async function cleanLeftovers(output: string, firstUncommitted: number): Promise<void> {
  for (const dir of ['', OUTPUT_FILES.docsDir, OUTPUT_FILES.diffsDir, 'report', RUNS_DIR]) {
    const entries = await readdir(path.join(output, dir), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.name.includes(TEMP_MARK)) await rm(path.join(output, dir, e.name), { recursive: true, force: true });
      else if (dir === RUNS_DIR && /^\d+$/.test(e.name) && Number(e.name) >= firstUncommitted) {
        await rm(path.join(output, dir, e.name), { recursive: true, force: true });
      }
    }
  }
}

/** Partition folders present, oldest first. */
async function partitions(output: string): Promise<string[]> {
  const entries = await readdir(path.join(output, RUNS_DIR), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && /^\d+$/.test(e.name)).map((e) => e.name).sort();
}

/** Point `runs/latest` at the newest partition (atomic: a new link renamed over the old one). */
async function updateLatest(output: string): Promise<void> {
  const all = await partitions(output);
  const link = path.join(output, RUNS_DIR, LATEST_LINK);
  const newest = all[all.length - 1];
  if (!newest) {
    await rm(link, { force: true });
    return;
  }
  const tmp = `${link}${TEMP_MARK}${process.pid}`;
  await rm(tmp, { force: true });
  await symlink(newest, tmp);
  await rename(tmp, link);
}

/** Delete the oldest partitions beyond `keep`; returns the deleted ids. */
async function pruneRuns(output: string, keep: number | null): Promise<string[]> {
  if (keep === null) return [];
  const all = await partitions(output);
  const doomed = all.slice(0, Math.max(0, all.length - keep));
  for (const id of doomed) await rm(path.join(output, RUNS_DIR, id), { recursive: true, force: true });
  return doomed;
}

/**
 * What cached results depend on besides the inputs: newsclean's version, the
 * cache format, the effective config and the content of the review decision
 * files (a new decision must reach documents cleaned before it). When it
 * changes, the next run reprocesses everything.
 */
async function fingerprintOf(config: ResolvedConfig, stages: readonly ConfiguredStage[]): Promise<string> {
  const h = createHash('sha256').update(`${TOOL.name}@${TOOL.version}\ncache ${DOC_CACHE_VERSION}\n${hashConfig(config)}\n`);
  h.update(`${stages.map((s) => s.stage.name).join(',')}\n`);
  for (const file of config.review.decisions) h.update(await readFile(file).catch(() => Buffer.from(`missing ${file}`)));
  return h.digest('hex');
}

async function resolveConfig(opts: JobOptions): Promise<{ config: ResolvedConfig; file: string | null }> {
  const loaded = await loadConfig(opts.configFile ?? 'pipeline.config.ts', opts.configExplicit ?? false);
  if (opts.concurrency !== undefined) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) throw new ConfigError(`concurrency: expected a positive integer, got ${opts.concurrency}`);
    loaded.config.concurrency = opts.concurrency;
  }
  if (opts.keepRuns !== undefined) {
    if (opts.keepRuns !== null && (!Number.isInteger(opts.keepRuns) || opts.keepRuns < 1)) {
      throw new ConfigError(`keep-runs: expected a positive integer, got ${opts.keepRuns}`);
    }
    loaded.config.state.keepRuns = opts.keepRuns;
  }
  return { config: loaded.config, file: loaded.file };
}

/**
 * `newsclean run`: lock the output folder, then an incremental run on the
 * state (or, with `state.enabled: false`, a plain full run without state).
 */
export async function runJob(opts: JobOptions): Promise<JobResult> {
  const input = path.resolve(opts.input);
  const output = path.resolve(opts.output);
  const { config, file } = await resolveConfig(opts);
  await checkFolders(input, output);
  await mkdir(output, { recursive: true });
  const log = opts.log;
  const lock = acquireLock(path.join(output, STATE_DIR, 'lock'), {
    purpose: `newsclean run --input ${input} --output ${output}`,
    onStale: (o) => log.warn({ event: 'stale-lock', pid: o.pid, startedAt: o.startedAt }, `taking over the lock of a run that is gone (pid ${o.pid}, started ${o.startedAt})`),
  });
  try {
    if (!config.state.enabled) {
      log.info({ event: 'run-start', mode: 'stateless' }, 'state disabled in the config: full run without state');
      const { run } = await runPipeline({
        input,
        output,
        ...(opts.configFile !== undefined ? { configFile: opts.configFile } : {}),
        configExplicit: opts.configExplicit ?? false,
        concurrency: config.concurrency,
        log: stageLogger(log),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.review ? { review: opts.review } : {}),
        report: opts.report ?? true,
      });
      return { run, changed: true, runId: null };
    }
    const configured = opts.statePath ?? config.state.path;
    // A relative state path in the config is relative to the config file, like every path there.
    const statePath = configured
      ? path.resolve(opts.statePath ? process.cwd() : file ? path.dirname(file) : process.cwd(), configured)
      : path.join(output, STATE_DIR, 'state.db');
    const store = SqliteStateStore.open(statePath);
    try {
      return await incrementalRun({ ...opts, input, output }, config, file, store);
    } finally {
      await store.close();
    }
  } finally {
    lock.release();
  }
}

async function readPreviousRun(output: string): Promise<JobRunRecord | null> {
  try {
    return JSON.parse(await readFile(path.join(output, OUTPUT_FILES.run), 'utf8')) as JobRunRecord;
  } catch {
    return null;
  }
}

export async function incrementalRun(
  opts: JobOptions & { input: string; output: string },
  config: ResolvedConfig,
  configFile: string | null,
  store: StateStore,
): Promise<JobResult> {
  const { input, output, log } = opts;
  const t0 = performance.now();
  const started = new Date();
  const stages = opts.stages ?? configuredStages(config);
  const fingerprint = await fingerprintOf(config, stages);
  const committed = await store.fingerprint();
  const fullReason = opts.full
    ? 'requested (--full)'
    : committed === null
      ? 'first run on this state'
      : committed !== fingerprint
        ? 'the config or the newsclean version changed since the last run'
        : null;
  const full = fullReason !== null;
  const { runId, crashed } = await store.beginRun(started.toISOString(), full);
  const runName = formatRunId(runId);
  const runLog = log.child({ run: runName });
  try {
    return await doRun();
  } catch (err) {
    await store.failRun(runId, new Date().toISOString(), { error: (err as Error).message }).catch(() => {});
    runLog.error({ event: 'run-failed', error: (err as Error).message }, `run ${runName} failed`);
    throw err;
  }

  async function doRun(): Promise<JobResult> {
    // Where the time goes, for the run-end log line (not in run.json: timings would break its determinism).
    const phases: Record<string, number> = {};
    let phaseStart = t0;
    const phase = (name: string) => {
      const now = performance.now();
      phases[name] = Math.round(now - phaseStart);
      phaseStart = now;
    };
    if (crashed) runLog.warn({ event: 'recover', crashedRun: formatRunId(crashed.id), startedAt: crashed.startedAt }, `run ${formatRunId(crashed.id)} did not finish; redoing it and rewriting every output from the state`);
    await cleanLeftovers(output, runId);

    const stats = emptyStats();
    const folderErrors: InputError[] = [];
    const files = await listInputs(input, stats, [output], folderErrors);
    const seen = full ? new Map<string, InputRecord>() : await store.inputs();
    const inv = await takeInventory(files, seen);
    const outputsPresent = existsSync(path.join(output, OUTPUT_FILES.run)) && existsSync(path.join(output, OUTPUT_FILES.documents));
    const mtimeOnly = inv.unchanged.filter(({ record }) => seen.get(record.path)!.mtimeMs !== record.mtimeMs).map((u) => u.record);
    log.info(
      { event: 'run-start', candidateRun: runName, mode: full ? 'full' : 'incremental', reason: fullReason, inputs: files.length, changed: inv.changed.length, unchanged: inv.unchanged.length, disappeared: inv.disappeared.length },
      `run starting (${full ? `full: ${fullReason}` : 'incremental'}; it becomes run ${runName} if it changes the outputs)`,
    );
    for (const d of inv.disappeared) runLog.warn({ event: 'input-disappeared', source: d.path }, `input disappeared: ${d.path}`);

    // Nothing new, nothing gone, outputs intact: leave them exactly as they are.
    if (!full && !crashed && outputsPresent && inv.changed.length === 0 && inv.disappeared.length === 0) {
      const previous = await readPreviousRun(output);
      const seconds = Math.round(performance.now() - t0) / 1000;
      await store.commitRun({
        ...emptyCommit(runId, fingerprint),
        counts: { inputs: files.length, processedInputs: 0, unchangedInputs: inv.unchanged.length, seconds },
        upsertInputs: mtimeOnly,
        discardRun: true,
      });
      const current = previous?.incremental?.runId ?? null;
      log.info(
        { event: 'run-end', run: null, currentRun: current, changed: false, inputs: files.length, processedDocuments: 0, seconds },
        `no new or changed inputs; the outputs are those of run ${current ?? '(unknown)'}`,
      );
      if (!previous) throw new Error(`${OUTPUT_FILES.run} in ${output} is unreadable`);
      return { run: previous, changed: false, runId: current };
    }

    // Cached documents of the inputs we keep; everything else is reprocessed or gone.
    const keptInputs = new Map(inv.unchanged.map((u) => [u.record.path, u.record]));
    // Without their payloads: unchanged documents are written from their cached output lines.
    const cached: CachedDocumentOutput[] = full ? [] : await store.documentOutputs();
    const staleDocIds = cached.filter((c) => !keptInputs.has(c.input)).map((c) => c.id);
    const kept = cached.filter((c) => keptInputs.has(c.input));
    const takenIds = new Set(kept.map((c) => c.id.toLowerCase()));

    // Read and clean the new and changed inputs only.
    const readStats = emptyStats();
    // The files the inventory found new or changed, in walk order: the folder is not walked a second time.
    // (A file that appears after the inventory is new to the next run.)
    const items = readInputs(
      input,
      {
        maxBytes: config.input.maxBytes,
        listed: { files: inv.changed.map((c) => c.file), folderErrors },
        onFile: (_f, i, total) => opts.onProgress?.({ phase: 'read', filesDone: i + 1, filesTotal: total, documents: readStats.documents }),
      },
      readStats,
    );
    phase('inventory');
    const review = opts.review ?? (await loadReviewDecisions(config.review.decisions));
    const stageState = new BufferedStageState(full ? new Map() : await store.stageValues(), new Set(kept.map((c) => c.id)));
    const result = await runStages(keepIdsStable(items, takenIds), {
      stages,
      languages: config.languages,
      concurrency: config.concurrency,
      log: stageLogger(runLog),
      state: stageState,
      review,
      onProgress: (e) => opts.onProgress?.(e.phase === 'documents' ? { phase: 'documents', done: e.done } : { phase: 'stage', stage: e.phase }),
    });
    // Decisions apply to what this run cleaned; earlier documents had them applied when they were cleaned.
    enforceReviewDecisions(result.docs, result.corpus, review);
    phase('clean');

    // Documents of this run, by input.
    const fileIndex = new Map(files.map((f, i) => [f.rel, i]));
    const fresh: { doc: Doc; input: string; pos: number }[] = [];
    const posIn = new Map<string, number>();
    for (const doc of result.docs) {
      const rel = inputOf(doc.source, fileIndex) ?? doc.source;
      const pos = posIn.get(rel) ?? 0;
      posIn.set(rel, pos + 1);
      fresh.push({ doc, input: rel, pos });
    }
    const errorsByInput = new Map<string, InputError[]>();
    for (const e of result.errors) {
      const rel = inputOf(e.source, fileIndex) ?? e.source;
      errorsByInput.set(rel, [...(errorsByInput.get(rel) ?? []), e]);
    }

    // Documents cached by schema 2 have no output lines yet: derived once from their payload, stored with this run.
    const withoutOutput = kept.filter((c) => c.summary === null).map((c) => c.id);
    const legacy = withoutOutput.length ? await store.documentPayloads(withoutOutput) : new Map<string, Buffer>();
    const keptEntries = kept.map((c): CorpusEntry => {
      if (c.summary !== null) {
        return { id: c.id, input: c.input, pos: c.pos, runId: c.runId, summary: decodeSummary(c.summary), lines: null, doc: null, fresh: false, patched: false, outputChanged: false };
      }
      const payload = legacy.get(c.id);
      if (!payload) throw new Error(`state: cached document ${c.id} has neither output lines nor a payload`);
      return { ...freshEntry(decodeDoc(payload), c.input, c.pos), runId: c.runId, fresh: false, outputChanged: true };
    });
    const freshEntries = fresh.map((f) => freshEntry(f.doc, f.input, f.pos));
    const freshIds = new Set(freshEntries.map((f) => f.id));

    // Merge clusters with the stored ones and patch the cluster ids of earlier documents.
    const liveDocs = new Set([...keptEntries.map((k) => k.id), ...freshEntries.map((f) => f.id)]);
    const merge = mergeClusters({
      stored: full ? new Map() : await store.clusters(),
      fresh: result.corpus.clusters.values(),
      liveDocs,
      reprocessed: freshIds,
      runId,
    });
    // Only documents whose clusters changed have their lines read from the state here (to be patched).
    const toPatch = keptEntries.flatMap((k) => {
      const clusters = clustersAfterMerge(k, merge);
      return clusters ? [{ k, clusters }] : [];
    });
    const patchLines = await store.documentLines(toPatch.filter(({ k }) => !k.lines).map(({ k }) => k.id));
    for (const { k, clusters } of toPatch) patchClusters(k, clusters, k.lines ?? storedLines(k, patchLines.get(k.id)));

    // The whole corpus in input order: file order of the walk, then position inside the file.
    const order = (e: { input: string; pos: number }) => [fileIndex.get(e.input) ?? Number.MAX_SAFE_INTEGER, e.pos] as const;
    const all = [...keptEntries, ...freshEntries].sort((a, b) => {
      const [fa, pa] = order(a);
      const [fb, pb] = order(b);
      return fa - fb || pa - pb || compareBytes(a.input, b.input);
    });
    const rewriteAll = full || crashed !== null || !outputsPresent;
    // The lines of unchanged documents: copied from the files the last committed run wrote when they are still those files.
    const earlier = rewriteAll ? null : earlierOutputs(output, await store.outputLayout());

    phase('merge');
    // From here the outputs change: a kill after this point means the next run rewrites them all.
    await store.markWriting(runId);
    opts.onProgress?.({ phase: 'write' });
    const clusterList = [...merge.clusters.values()].map(toClusterRecord);
    // docs/ and diffs/ of this run's documents; after a crash those of every document (from the cached payloads).
    const docFileDocs = freshEntries.filter((e) => !e.doc!.setAside).map((e) => e.doc!);
    if (rewriteAll) {
      const others = keptEntries.filter((e) => e.summary.setAside === null).map((e) => e.id);
      const payloads = await store.documentPayloads(others);
      for (const id of others) docFileDocs.push(decodeDoc(payloads.get(id)!));
    }
    await writeDocFiles(output, docFileDocs);
    const source = await LineSource.open(output, store, earlier);
    const layout: LayoutEntry[] = [];
    let written: WriteSummary;
    try {
      written = await writeSerialisedOutputs(output, all.map((e) => serialisedOf(e, source, layout)), clusterList, { deleteStaleDocFiles: true });
    } finally {
      await source.close();
    }
    const writtenLayout = recordLayout(output, layout);
    phase('write-main');

    // Every current per-input error: this run's, and those cached with unchanged inputs.
    const errors = sortInputErrors([...inv.unchanged.flatMap((u) => u.record.errors), ...result.errors]);
    stats.files = files.length;
    stats.documents = readStats.documents;
    stats.bytes = readStats.bytes;
    stats.replacedBytes = all.reduce((n, e) => n + e.summary.replacedBytes, 0);
    // What run.json needs of every document: set-aside ones are listed there.
    const allDocs = all.map((e) => ({ id: e.id, source: e.summary.source, setAside: e.summary.setAside }));
    const counts = runCounts(stats, { ...result, docs: allDocs, errors }, written);

    const partitionEntries = all.filter((e) => e.fresh || e.patched);
    const disappeared = inv.disappeared.map((d) => ({
      source: d.path,
      documents: cached.filter((c) => c.input === d.path).map((c) => c.id),
    }));
    const changedOutputs = partitionEntries.length > 0 || disappeared.length > 0 || merge.touched.size > 0;
    const partitionRel = changedOutputs ? `${RUNS_DIR}/${runName}` : null;

    const info: IncrementalInfo = {
      runId: runName,
      mode: full ? 'full' : 'incremental',
      fullReason,
      processedInputs: inv.changed.length,
      unchangedInputs: inv.unchanged.length,
      disappeared,
      processedDocuments: fresh.length,
      updatedDocuments: all.filter((e) => e.patched && !e.fresh).length,
      failedThisRun: result.errors.length,
      partition: partitionRel,
      prunedRuns: [],
    };
    const run: JobRunRecord = {
      ...runRecord({ input, output, configFile, config, started, counts, result, docs: allDocs, errors }),
      incremental: info,
    };

    if (partitionRel) {
      const dir = path.join(output, partitionRel);
      // Written under a temp name and renamed: a partition is there whole or not at all.
      const tmpDir = `${dir}${TEMP_MARK}${process.pid}`;
      await rm(tmpDir, { recursive: true, force: true });
      await writeSerialisedOutputs(tmpDir, partitionEntries.map((e) => serialisedOf(e, null)), [], { deleteStaleDocFiles: false });
      // Only the touched clusters and their members' documents (in corpus order, so member order is the main file's):
      // mapping every cluster over the whole corpus again cost about a second per 20k documents.
      const touchedClusters = clusterList.filter((c) => merge.touched.has(c.id));
      const memberDocs = new Set(touchedClusters.flatMap((c) => c.members.map((m) => m.doc)));
      const memberSeqs = all.filter((e) => e.summary.setAside === null && memberDocs.has(e.id)).map((e) => ({ id: e.id, seqs: e.summary.seqs }));
      const touchedRecords = clusterRecordsOfSeqs(touchedClusters, memberSeqs);
      const touchedLines = touchedRecords.map((c) => `${JSON.stringify(c)}\n`);
      await writeFileAtomic(tmpDir, [OUTPUT_FILES.clusters], touchedLines.join(''));
      const deletedClusters = [...merge.touched].filter((id) => !merge.clusters.has(id)).sort();
      await writeFileAtomic(tmpDir, ['changes.json'], `${JSON.stringify({ run: runName, disappeared, deletedClusters }, null, 2)}\n`);
      await rm(dir, { recursive: true, force: true });
      await rename(tmpDir, dir);
    }
    info.prunedRuns = await pruneRuns(output, config.state.keepRuns);
    await updateLatest(output);

    run.finishedAt = new Date().toISOString();
    run.seconds = Math.round(performance.now() - t0) / 1000;
    if (partitionRel) await writeRunJson(path.join(output, partitionRel), run);
    await writeRunJson(output, run);
    phase('write');
    let report: { mode: string; rendered: number; written: number; deleted: number } | null = null;
    if (opts.report ?? true) {
      opts.onProgress?.({ phase: 'report' });
      const r = await buildReport(output);
      report = { mode: r.mode, rendered: r.rendered, written: r.written, deleted: r.deleted };
      phase('report');
    }

    // Last: the state. Until this commits, the next run redoes this one.
    const prunedBefore = info.prunedRuns.length ? Number(info.prunedRuns[info.prunedRuns.length - 1]) + 1 : null;
    await store.commitRun({
      runId,
      finishedAt: run.finishedAt,
      status: 'done',
      full,
      partition: partitionRel !== null,
      counts: { ...info, recoveredFrom: crashed ? formatRunId(crashed.id) : null, documents: counts.documents, clusters: counts.clusters, seconds: run.seconds },
      fingerprint,
      outputLayout: writtenLayout,
      reset: full,
      upsertInputs: [
        ...inv.changed.map((c) => ({ path: c.file.rel, size: c.size, mtimeMs: c.mtimeMs, hash: c.hash, runId, errors: errorsByInput.get(c.file.rel) ?? [] })),
        ...(full ? inv.unchanged.map((u) => u.record) : mtimeOnly),
      ],
      deleteInputs: inv.disappeared.map((d) => d.path),
      upsertDocuments: freshEntries.map((e) => ({ id: e.id, input: e.input, pos: e.pos, runId, payload: encodeDoc(e.doc!), output: encodedOutput(e) })),
      // Patched documents belong to this run's outputs (as before schema 3); documents given lines for the first time keep their run.
      updateOutputs: keptEntries.filter((e) => e.outputChanged).map((e) => ({ id: e.id, runId: e.patched ? runId : e.runId, output: encodedOutput(e) })),
      deleteDocuments: staleDocIds.filter((id) => !freshIds.has(id)),
      upsertClusters: full ? [...merge.clusters.values()] : merge.upsert,
      deleteClusters: merge.delete,
      stageValues: stageState.changes(),
      pruneRunsBefore: prunedBefore,
    });
    phase('commit');
    runLog.info(
      {
        event: 'run-end',
        changed: true,
        mode: info.mode,
        inputs: files.length,
        processedInputs: info.processedInputs,
        processedDocuments: info.processedDocuments,
        updatedDocuments: info.updatedDocuments,
        disappeared: disappeared.length,
        documents: counts.documents,
        clusters: counts.clusters,
        failedThisRun: info.failedThisRun,
        failures: result.errors.slice(0, 20),
        partition: partitionRel,
        seconds: run.seconds,
        phaseMs: phases,
        report,
      },
      `run ${runName} done: ${info.processedDocuments} documents processed, ${counts.documents} in the corpus (${run.seconds.toFixed(2)} s)`,
    );
    return { run, changed: true, runId: runName };
  }
}

/**
 * One document of the corpus after this run, as the writers need it: its
 * output lines, from the state (deflated, decoded only when written) or made
 * in this run (a document cleaned now, one whose clusters changed, one cached
 * by an older schema), and the summary that stands in for the decoded `Doc`.
 */
interface CorpusEntry {
  id: string;
  input: string;
  pos: number;
  /** Run that last wrote this document's output. */
  runId: number;
  summary: OutputSummary;
  /** Its lines when made or read in this run (null: unchanged, read from the previous files or the state when written). */
  lines: { line: Buffer; flagLines: Buffer } | null;
  /** The cleaned document, for documents cleaned in this run (their per-document files and payload). */
  doc: Doc | null;
  /** Cleaned in this run. */
  fresh: boolean;
  /** A paragraph joined or left a cluster in this run: the record changed. */
  patched: boolean;
  /** Its output must be (re)stored in the state: fresh, patched or derived from an old payload. */
  outputChanged: boolean;
}

function freshEntry(doc: Doc, input: string, pos: number): CorpusEntry {
  const serialised = serialiseDoc(doc);
  const lines = serialised.lines();
  const summary: OutputSummary = {
    v: OUTPUT_FORMAT,
    source: doc.source,
    setAside: doc.setAside ? { reason: doc.setAside.reason, detail: doc.setAside.detail } : null,
    replacedBytes: Number(doc.meta.replacedBytes) || 0,
    seqs: [...serialised.seqs],
    clusters: doc.blocks.map((b) => b.cluster ?? null),
    removedByReason: { ...serialised.removedByReason },
    flagsByKind: { ...serialised.flagsByKind },
    lineBytes: lines.line.length,
  };
  return { id: doc.id, input, pos, runId: 0, summary, lines, doc, fresh: true, patched: false, outputChanged: true };
}

type Lines = { line: Buffer; flagLines: Buffer };

/** A kept document's lines from its deflated lines in the state. */
function storedLines(e: CorpusEntry, stored: Buffer | undefined): Lines {
  if (!stored) throw new Error(`state: cached document ${e.id} has no output lines`);
  return decodeLines(stored, e.summary);
}

/**
 * Where the lines of unchanged documents come from when the corpus-wide
 * files are written: byte ranges of the previous documents.jsonl and
 * flags.jsonl (src/state/splice.ts) when those are the files the last
 * committed run wrote and the ranges agree with the state's summary, the
 * state otherwise.
 */
class LineSource {
  private constructor(
    private readonly store: StateStore,
    private readonly earlier: EarlierOutputs | null,
    private readonly documents: FileSlices | null,
    private readonly flags: FileSlices | null,
  ) {}

  static async open(output: string, store: StateStore, earlier: EarlierOutputs | null): Promise<LineSource> {
    if (!earlier) return new LineSource(store, null, null, null);
    const documents = await FileSlices.open(path.join(output, OUTPUT_FILES.documents));
    const flags = await FileSlices.open(path.join(output, OUTPUT_FILES.flags)).catch(async (err: unknown) => {
      await documents.close();
      throw err;
    });
    return new LineSource(store, earlier, documents, flags);
  }

  async linesOf(e: CorpusEntry): Promise<Lines> {
    if (e.lines) return e.lines;
    const s = e.summary;
    const line = s.setAside === null ? this.earlier?.documents.get(e.id) : undefined;
    const flagCount = Object.values(s.flagsByKind).reduce((a, b) => a + b, 0);
    const flags = this.earlier?.flags.get(e.id);
    if (line && line.length === s.lineBytes && (flagCount === 0) === (flags === undefined)) {
      return {
        line: await this.documents!.slice(line.offset, line.length),
        flagLines: flags ? await this.flags!.slice(flags.offset, flags.length) : Buffer.alloc(0),
      };
    }
    return storedLines(e, (await this.store.documentLines([e.id])).get(e.id));
  }

  async close(): Promise<void> {
    await Promise.all([this.documents?.close(), this.flags?.close()]);
  }
}

/**
 * The writers' view of an entry; `source` gives the lines of unchanged
 * documents (null: every entry has its lines). `layout` collects, in the
 * order the writer asks for them, the byte lengths of the kept documents'
 * lines (the next run splices the files by it).
 */
function serialisedOf(e: CorpusEntry, source: LineSource | null, layout?: LayoutEntry[]): SerialisedDoc {
  const s = e.summary;
  const lines = async () => {
    if (!e.lines && !source) throw new Error(`internal: the lines of document ${e.id} were not read`);
    const l = e.lines ?? (await source!.linesOf(e));
    if (layout && s.setAside === null) layout.push([e.id, l.line.length, l.flagLines.length]);
    return l;
  };
  return { id: e.id, setAside: s.setAside !== null, seqs: s.seqs, removedByReason: s.removedByReason, flagsByKind: s.flagsByKind, lines };
}

function encodedOutput(e: CorpusEntry): EncodedOutput {
  if (!e.lines) throw new Error(`internal: the lines of document ${e.id} were not read`);
  return encodeOutput(e.summary, e.lines.line, e.lines.flagLines);
}

/**
 * A kept document's paragraph cluster ids after the merge, when they change
 * (null otherwise): a paragraph takes the cluster it is a member of, keeps one
 * that still exists, or loses one that was deleted.
 */
function clustersAfterMerge(e: CorpusEntry, merge: ClusterMerge): (string | null)[] | null {
  const bySeq = merge.membership.get(e.id);
  const s = e.summary;
  let next: (string | null)[] | null = null;
  for (let i = 0; i < s.seqs.length; i++) {
    const was = s.clusters[i] ?? null;
    const now = bySeq?.get(s.seqs[i]!) ?? (was !== null && merge.clusters.has(was) ? was : null);
    if (was !== now) (next ??= [...s.clusters])[i] = now;
  }
  return next;
}

/**
 * Bring a kept document's paragraph cluster ids up to date with the merged
 * clusters (`next`, from clustersAfterMerge: called only when they change):
 * its documents.jsonl line (`lines`, as cached) is decoded, patched and
 * serialised again (flag lines hold no cluster ids and stay as they are).
 */
function patchClusters(e: CorpusEntry, next: (string | null)[], lines: Lines): void {
  const s = e.summary;
  const { line, flagLines } = lines;
  // A set-aside document's line holds no cluster ids.
  const patched = s.setAside === null ? patchDocumentLine(line, next) : line;
  e.lines = { line: patched, flagLines };
  e.summary = { ...s, clusters: next, lineBytes: patched.length };
  e.patched = true;
  e.outputChanged = true;
}

/**
 * Documents of earlier runs keep their ids. A new document whose id an
 * unchanged document already has (ids are unique case-insensitively) gets a
 * suffix from a hash of its source, as the id allocator does for collisions.
 */
async function* keepIdsStable(items: AsyncIterable<ReadItem>, taken: Set<string>): AsyncGenerator<ReadItem> {
  for await (const item of items) {
    if (item.kind === 'doc' && taken.has(item.doc.id.toLowerCase())) {
      const base = `${item.doc.id}_${shortHash(item.doc.source)}`;
      let id = base;
      for (let n = 2; taken.has(id.toLowerCase()); n++) id = `${base}_${n}`;
      item.doc.id = id;
    }
    if (item.kind === 'doc') taken.add(item.doc.id.toLowerCase());
    yield item;
  }
}
