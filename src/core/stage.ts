/**
 * Stage contract. A stage is a module under src/stages/ that default-exports the
 * result of `defineDocumentStage` or `defineCorpusStage`. The runner only knows
 * this interface; it never imports a particular stage.
 *
 * - A document stage is a function of one document (it may run concurrently on
 *   many documents); it mutates the document it is given.
 * - A corpus stage needs every document: the runner calls `collect` on each
 *   document (in input order), then `resolve` once, then `apply` on each
 *   document. Anything it learns that belongs to the whole run (clusters,
 *   cross-document evidence) goes through `ctx.corpus`.
 */
import type { z } from 'zod';
import type { ClusterRecord, Doc } from './types.ts';

export interface Logger {
  debug(msg: string, extra?: Record<string, unknown>): void;
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
}

/** What a run shares between corpus stages and the writers. */
export interface CorpusOutputs {
  /** Near-duplicate clusters by id; written to clusters.jsonl. */
  clusters: Map<string, ClusterRecord>;
  /** Free-form run-level results a stage wants in run.json (`stages.<name>`). */
  summaries: Record<string, unknown>;
}

/**
 * Persistent state shared across runs (issue: scheduled job). Optional: a
 * stage must work without it (a first run, or `state: false`).
 */
export interface StageState {
  /** Read a JSON value a stage stored under `key` in an earlier run. */
  get<T = unknown>(stage: string, key: string): T | undefined;
  /** Store a JSON value for later runs (committed at the end of a successful run). */
  set(stage: string, key: string, value: unknown): void;
  /**
   * Binary values (e.g. a serialised near-duplicate index), committed in the
   * same transaction as everything else: a run killed before its commit leaves
   * the bytes of the last successful run. Optional: check before use.
   */
  getBytes?(stage: string, key: string): Uint8Array | undefined;
  setBytes?(stage: string, key: string, value: Uint8Array): void;
  /**
   * Ids of the documents of earlier runs that stay in the corpus as they were (neither reprocessed
   * in this run nor vanished): what a stage kept about them is still true. Undefined when the
   * runner does not know.
   */
  readonly earlierDocuments?: ReadonlySet<string>;
}

/** Review decisions loaded from the files the config points at (report issue). */
export interface ReviewDecisions {
  /** True when a reviewer marked this flag (doc, kind, text) as wrong. */
  isFlagRejected(doc: string, kind: string, text: string): boolean;
  /** True when a reviewer marked this removal (doc, reason, text) as wrong. */
  isRemovalRejected(doc: string, reason: string, text: string): boolean;
  /** True when a reviewer said this paragraph text is not a copy in this cluster. */
  isClusterMemberRejected(cluster: string, doc: string, text: string): boolean;
}

export interface StageContext<O> {
  /** This stage's validated options (defaults filled in). */
  options: O;
  /** Accepted languages from the config (ISO 639-1 or 639-3 codes; empty = all). */
  languages: readonly string[];
  log: Logger;
  corpus: CorpusOutputs;
  state: StageState | null;
  review: ReviewDecisions;
  /** Count something for the run summary (`run.json` → `stages.<name>.counts`). */
  count(key: string, n?: number): void;
}

export interface DocumentStage<S extends z.ZodType = z.ZodType> {
  kind: 'document';
  name: string;
  description: string;
  /** zod schema of the options (a strict object); every field must have a default. */
  options: S;
  run(doc: Doc, ctx: StageContext<z.output<S>>): void | Promise<void>;
}

export interface CorpusRun {
  collect(doc: Doc): void | Promise<void>;
  resolve(): void | Promise<void>;
  apply(doc: Doc): void | Promise<void>;
}

export interface CorpusStage<S extends z.ZodType = z.ZodType> {
  kind: 'corpus';
  name: string;
  description: string;
  /** zod schema of the options (a strict object); every field must have a default. */
  options: S;
  /** Called once per run; the returned object keeps the stage's run state. */
  start(ctx: StageContext<z.output<S>>): CorpusRun;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Stage = DocumentStage<any> | CorpusStage<any>;

export function defineDocumentStage<S extends z.ZodType>(stage: Omit<DocumentStage<S>, 'kind'>): DocumentStage<S> {
  return { kind: 'document', ...stage };
}

export function defineCorpusStage<S extends z.ZodType>(stage: Omit<CorpusStage<S>, 'kind'>): CorpusStage<S> {
  return { kind: 'corpus', ...stage };
}
