/**
 * The stage runner. It knows the stage contract (src/core/stage.ts) and
 * nothing about any particular stage.
 *
 * Consecutive document stages form a segment that runs per document with
 * bounded concurrency (p-limit) while documents stream in from the readers; a
 * corpus stage is a barrier: collect on every document, resolve once, apply on
 * every document. Documents keep their input order, so outputs are
 * deterministic whatever the concurrency.
 */
import pLimit from 'p-limit';
import { performance } from 'node:perf_hooks';
import type { CorpusOutputs, CorpusStage, DocumentStage, Logger, ReviewDecisions, Stage, StageContext, StageState } from './stage.ts';
import type { Doc, InputError } from './types.ts';

export type ReadItem =
  | { kind: 'doc'; doc: Doc }
  | { kind: 'error'; error: InputError };

export interface ConfiguredStage {
  stage: Stage;
  options: unknown;
}

export interface RunStagesOptions {
  stages: ConfiguredStage[];
  languages: readonly string[];
  concurrency: number;
  log?: Logger;
  state?: StageState | null;
  review?: ReviewDecisions;
  /** Called after each document leaves the first segment, and at each corpus stage. */
  onProgress?: (event: { phase: string; done: number }) => void;
}

export interface StageReport {
  name: string;
  kind: 'document' | 'corpus';
  /** Wall-clock milliseconds spent in this stage (summed over documents for document stages). */
  ms: number;
  counts: Record<string, number>;
}

export interface RunStagesResult {
  /** Every document read, in input order (set-aside ones included, see `doc.setAside`). */
  docs: Doc[];
  errors: InputError[];
  corpus: CorpusOutputs;
  stages: StageReport[];
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };

export const acceptAllReview: ReviewDecisions = {
  isFlagRejected: () => false,
  isRemovalRejected: () => false,
  isClusterMemberRejected: () => false,
};

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function runStages(inputs: AsyncIterable<ReadItem> | Iterable<ReadItem>, opts: RunStagesOptions): Promise<RunStagesResult> {
  const log = opts.log ?? silentLogger;
  const corpus: CorpusOutputs = { clusters: new Map(), summaries: {} };
  const reports: StageReport[] = opts.stages.map(({ stage }) => ({ name: stage.name, kind: stage.kind, ms: 0, counts: {} }));
  const contexts: StageContext<unknown>[] = opts.stages.map(({ stage, options }, i) => ({
    options,
    languages: opts.languages,
    log,
    corpus,
    state: opts.state ?? null,
    review: opts.review ?? acceptAllReview,
    count(key: string, n = 1) {
      const counts = reports[i]!.counts;
      counts[key] = (counts[key] ?? 0) + n;
    },
  }));

  // Split the pipeline into segments: runs of document stages separated by corpus stages.
  type Segment = { kind: 'document'; indexes: number[] } | { kind: 'corpus'; index: number };
  const segments: Segment[] = [];
  opts.stages.forEach(({ stage }, i) => {
    const last = segments[segments.length - 1];
    if (stage.kind === 'document') {
      if (last?.kind === 'document') last.indexes.push(i);
      else segments.push({ kind: 'document', indexes: [i] });
    } else segments.push({ kind: 'corpus', index: i });
  });

  const docs: Doc[] = [];
  const errors: InputError[] = [];
  const limit = pLimit(opts.concurrency);

  const fail = (doc: Doc, stageName: string, err: unknown) => {
    const message = errorMessage(err);
    errors.push({ source: doc.source, stage: stageName, message });
    doc.setAside = { reason: 'error', detail: `${stageName}: ${message}` };
    log.warn('stage failed on document', { doc: doc.id, stage: stageName, error: message });
  };

  const runDocSegment = async (doc: Doc, indexes: number[]) => {
    for (const i of indexes) {
      if (doc.setAside) return;
      const stage = opts.stages[i]!.stage as DocumentStage;
      const t0 = performance.now();
      try {
        await stage.run(doc, contexts[i]!);
      } catch (err) {
        fail(doc, stage.name, err);
      } finally {
        reports[i]!.ms += performance.now() - t0;
      }
    }
  };

  // First segment: stream documents in, bounded in-flight work (backpressure on the reader).
  const first = segments[0]?.kind === 'document' ? segments[0] : null;
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  for await (const item of inputs) {
    if (item.kind === 'error') {
      errors.push(item.error);
      continue;
    }
    docs.push(item.doc);
    if (!first) continue;
    const p = limit(() => runDocSegment(item.doc, first.indexes)).then(() => {
      inFlight.delete(p);
      opts.onProgress?.({ phase: 'documents', done: ++done });
    });
    inFlight.add(p);
    if (inFlight.size >= opts.concurrency * 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);

  for (const seg of segments.slice(first ? 1 : 0)) {
    const active = () => docs.filter((d) => !d.setAside);
    if (seg.kind === 'document') {
      await Promise.all(active().map((doc) => limit(() => runDocSegment(doc, seg.indexes))));
      continue;
    }
    const stage = opts.stages[seg.index]!.stage as CorpusStage;
    const report = reports[seg.index]!;
    const t0 = performance.now();
    const run = stage.start(contexts[seg.index]!);
    for (const doc of active()) {
      try {
        await run.collect(doc);
      } catch (err) {
        fail(doc, stage.name, err);
      }
    }
    // A failure to resolve concerns the whole corpus: it is fatal, not per-document.
    await run.resolve();
    for (const doc of active()) {
      try {
        await run.apply(doc);
      } catch (err) {
        fail(doc, stage.name, err);
      }
    }
    report.ms += performance.now() - t0;
    opts.onProgress?.({ phase: stage.name, done: docs.length });
  }

  for (const r of reports) r.ms = Math.round(r.ms * 10) / 10;
  return { docs, errors, corpus, stages: reports };
}
