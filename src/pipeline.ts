/**
 * One run, end to end: load the config → stream the readers → run the
 * configured stages → write the outputs → build the report. The CLI is a thin
 * layer over `runPipeline`; tests and library users call it directly.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, hashConfig, loadConfig, type ResolvedConfig } from './config.ts';
import { runStages, silentLogger, type RunStagesResult } from './core/runner.ts';
import type { Logger, ReviewDecisions, StageState } from './core/stage.ts';
import { compareBytes, sortedByKey } from './core/compare.ts';
import type { Doc, InputError } from './core/types.ts';
import { TOOL } from './io/package-info.ts';
import { emptyStats, readInputs, type ReadStats } from './io/readers.ts';
import { sortedCounts, writeOutputs, writeRunJson, type WriteSummary } from './io/writers.ts';
import { buildReport } from './report/index.ts';
import { enforceReviewDecisions, loadReviewDecisions } from './review/index.ts';
import { configuredStages } from './stages/configure.ts';

export { TOOL };

/** A bad --input/--output: a usage error (exit 2), like a bad config. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type ProgressEvent =
  | { phase: 'read'; filesDone: number; filesTotal: number; documents: number }
  | { phase: 'documents'; done: number }
  | { phase: 'stage'; stage: string }
  | { phase: 'write' }
  | { phase: 'report' };

export interface PipelineOptions {
  input: string;
  output: string;
  /** Config file; `configExplicit` false means a missing file falls back to defaults. */
  configFile?: string;
  configExplicit?: boolean;
  /** Overrides `concurrency` from the config. */
  concurrency?: number;
  log?: Logger;
  onProgress?: (event: ProgressEvent) => void;
  /** Persistent state for incremental runs (src/state); none by default. */
  state?: StageState | null;
  review?: ReviewDecisions;
  /** Build report/index.html after writing (default true). */
  report?: boolean;
}

export interface RunCounts {
  /** Input files read (not skipped). */
  inputs: number;
  /** Documents the readers produced (a JSONL line is one). */
  documentsRead: number;
  /** Documents in documents.jsonl. */
  documents: number;
  setAside: Record<string, number>;
  /** Per-input errors: unreadable files, malformed JSONL lines, documents a stage failed on. */
  failedInputs: number;
  skipped: Record<string, number>;
  paragraphs: number;
  removed: Record<string, number>;
  flags: Record<string, number>;
  clusters: number;
  replacedBytes: number;
  bytesRead: number;
  staleFilesDeleted: number;
}

/** The content of run.json. Timing fields (startedAt, finishedAt, seconds, stages[].ms) are the only ones that differ between two runs on the same input. */
export interface RunRecord {
  tool: { name: string; version: string };
  input: string;
  output: string;
  config: { file: string | null; hash: string };
  concurrency: number;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  counts: RunCounts;
  stages: { name: string; kind: string; ms: number; counts: Record<string, number> }[];
  summaries: Record<string, unknown>;
  errors: InputError[];
  setAside: { id: string; source: string; reason: string; detail: string }[];
}

export interface PipelineResult {
  run: RunRecord;
  config: ResolvedConfig;
  /** The documents and corpus outputs, for library use. */
  result: RunStagesResult;
}

/** Per-input errors in a fixed order (source, line, stage, message). */
export function sortInputErrors(errors: readonly InputError[]): InputError[] {
  return [...errors].sort(
    (a, b) => compareBytes(a.source, b.source) || (a.line ?? 0) - (b.line ?? 0) || compareBytes(a.stage, b.stage) || compareBytes(a.message, b.message),
  );
}

export interface RunRecordFields {
  input: string;
  output: string;
  configFile: string | null;
  config: ResolvedConfig;
  started: Date;
  counts: RunCounts;
  result: Pick<RunStagesResult, 'stages' | 'corpus'>;
  /** Every document of the outputs (set-aside ones are listed from here). */
  docs: readonly Pick<Doc, 'id' | 'source' | 'setAside'>[];
  errors: readonly InputError[];
}

/** run.json without its end time: shared by a plain run and an incremental job. */
export function runRecord(f: RunRecordFields): RunRecord {
  return {
    tool: { name: TOOL.name, version: TOOL.version },
    input: f.input,
    output: f.output,
    config: { file: f.configFile, hash: hashConfig(f.config) },
    concurrency: f.config.concurrency,
    startedAt: f.started.toISOString(),
    finishedAt: '',
    seconds: 0,
    counts: f.counts,
    stages: f.result.stages.map((s) => ({ ...s, counts: sortedCounts(s.counts) })),
    summaries: sortedByKey(f.result.corpus.summaries),
    errors: sortInputErrors(f.errors),
    setAside: f.docs.filter((d) => d.setAside).map((d) => ({ id: d.id, source: d.source, reason: d.setAside!.reason, detail: d.setAside!.detail })),
  };
}

export async function checkFolders(input: string, output: string): Promise<void> {
  const st = await stat(input).catch(() => null);
  if (!st) throw new UsageError(`input folder not found: ${input}`);
  if (!st.isDirectory()) throw new UsageError(`input is not a folder: ${input}`);
  const out = await stat(output).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOTDIR') throw new UsageError(`output folder cannot be created: a part of ${output} is a file`);
    return null;
  });
  if (out && !out.isDirectory()) throw new UsageError(`output exists and is not a folder: ${output}`);
  // The writers delete stale files below the output folder: it must never contain the input.
  const rel = path.relative(output, input);
  if (rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))) {
    throw new UsageError(`the input folder ${input} is the output folder or inside it; choose another --output`);
  }
}

export function runCounts(
  stats: ReadStats,
  result: Pick<RunStagesResult, 'errors'> & { docs: readonly Pick<Doc, 'setAside'>[] },
  written: WriteSummary,
): RunCounts {
  const setAside: Record<string, number> = {};
  for (const d of result.docs) if (d.setAside) setAside[d.setAside.reason] = (setAside[d.setAside.reason] ?? 0) + 1;
  return {
    inputs: stats.files,
    documentsRead: stats.documents,
    documents: written.documents,
    setAside: sortedCounts(setAside),
    failedInputs: result.errors.length,
    skipped: sortedCounts(stats.skipped),
    paragraphs: written.paragraphs,
    removed: written.removedByReason,
    flags: written.flagsByKind,
    clusters: written.clusters,
    replacedBytes: stats.replacedBytes,
    bytesRead: stats.bytes,
    staleFilesDeleted: written.staleDeleted,
  };
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const started = new Date();
  const t0 = performance.now();
  const log = opts.log ?? silentLogger;
  const input = path.resolve(opts.input);
  const output = path.resolve(opts.output);

  const loaded = await loadConfig(opts.configFile ?? 'pipeline.config.ts', opts.configExplicit ?? false);
  const config = loaded.config;
  if (opts.concurrency !== undefined) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) throw new ConfigError(`concurrency: expected a positive integer, got ${opts.concurrency}`);
    config.concurrency = opts.concurrency;
  }
  await checkFolders(input, output);
  // Review decisions exported from the report (`review.decisions`): stages consult them, and they are enforced after the stages.
  const review = opts.review ?? (await loadReviewDecisions(config.review.decisions));

  const stats = emptyStats();
  const items = readInputs(
    input,
    {
      maxBytes: config.input.maxBytes,
      exclude: [output],
      onFile: (_f, i, total) => opts.onProgress?.({ phase: 'read', filesDone: i + 1, filesTotal: total, documents: stats.documents }),
    },
    stats,
  );
  const result = await runStages(items, {
    stages: configuredStages(config),
    languages: config.languages,
    concurrency: config.concurrency,
    log,
    state: opts.state ?? null,
    review,
    onProgress: (e) => opts.onProgress?.(e.phase === 'documents' ? { phase: 'documents', done: e.done } : { phase: 'stage', stage: e.phase }),
  });

  enforceReviewDecisions(result.docs, result.corpus, review);

  opts.onProgress?.({ phase: 'write' });
  const written = await writeOutputs(output, result.docs, result.corpus.clusters.values());
  const run = runRecord({
    input,
    output,
    configFile: loaded.file,
    config,
    started,
    counts: runCounts(stats, result, written),
    result,
    docs: result.docs,
    errors: result.errors,
  });
  run.finishedAt = new Date().toISOString();
  run.seconds = Math.round(performance.now() - t0) / 1000;
  await writeRunJson(output, run);

  if (opts.report ?? true) {
    opts.onProgress?.({ phase: 'report' });
    await buildReport(output);
  }
  return { run, config, result };
}
