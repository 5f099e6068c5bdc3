/**
 * The persistent state of incremental runs, behind a narrow interface.
 *
 * The interface is asynchronous and transaction-shaped so that a networked
 * backend (Postgres, for runs from several machines) can implement it the same
 * way as the embedded SQLite one (src/state/sqlite.ts):
 *
 * - reads happen at the start of a run (what was seen, what was cached);
 * - `beginRun` records that a run started (its own tiny transaction, so a
 *   crashed run is visible to the next one);
 * - everything a run learned is written by ONE `commitRun` call, atomically,
 *   after the outputs are on disk. A run killed before that leaves the state
 *   exactly as the previous successful run left it.
 *
 * Payloads (cached document results, stage values) are opaque to the store.
 */
import type { InputError } from '../core/types.ts';

/** An input file as last seen by a successful run. */
export interface InputRecord {
  /** Path relative to the input folder, `/`-separated. */
  path: string;
  size: number;
  mtimeMs: number;
  /** sha256 of the file's bytes (hex). */
  hash: string;
  /** Run that last (re)processed it. */
  runId: number;
  /** Per-input errors of that run (unreadable file, malformed JSONL lines, stage failures). */
  errors: InputError[];
}

/** The cached result of one document, enough to write every output without reprocessing it. */
export interface CachedDocument {
  id: string;
  /** Input path it came from (several documents per JSONL input). */
  input: string;
  /** Position inside that input (0 for single-document files). */
  pos: number;
  runId: number;
  /** Serialised results (the incremental layer decides the format; compressed). */
  payload: Buffer;
  /**
   * The document's serialised output lines and their summary (schema 3; the
   * incremental layer decides the format). Null for a document cached by an
   * older newsclean (or written without one): the layer derives it from the payload once.
   */
  output?: CachedOutput | null;
}

export interface CachedOutput {
  lines: Buffer;
  summary: string;
}

/** A cached document as an incremental run first reads it (what it needs of a document it does not reprocess): without its payload and its (large) output lines. */
export interface CachedDocumentOutput extends Omit<CachedDocument, 'payload' | 'output'> {
  /** Its output summary; null for a document cached without output lines (schema 2). */
  summary: string | null;
}

export interface StoredClusterMember {
  doc: string;
  seq: number;
}

export interface StoredCluster {
  id: string;
  canonical: string;
  canonicalReason: string;
  members: StoredClusterMember[];
  extra?: Record<string, unknown>;
  /** Run that created it. */
  firstRun: number;
  /** Run that last changed it. */
  lastRun: number;
}

export type RunStatus = 'running' | 'done' | 'failed';

export interface RunRecord {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  /** Everything was reprocessed (`--full`, first run, config or version change). */
  full: boolean;
  /** Whether `runs/<id>/` was written (false for runs that found nothing to do). */
  partition: boolean;
  counts: Record<string, unknown>;
}

export interface RunCommit {
  runId: number;
  finishedAt: string;
  status: 'done' | 'failed';
  full: boolean;
  partition: boolean;
  counts: Record<string, unknown>;
  /** Config hash + tool version the cached results were made with. */
  fingerprint: string;
  /** Start from empty documents, clusters and stage values (a full run replaces them). */
  reset: boolean;
  upsertInputs: InputRecord[];
  deleteInputs: string[];
  upsertDocuments: CachedDocument[];
  /** Cached documents kept whose output changed (a paragraph joined or left a cluster) or was derived for the first time; the payload stays. */
  updateOutputs?: { id: string; runId: number; output: CachedOutput }[];
  /**
   * Layout and stat signature of the corpus-wide output files this run wrote (src/state/splice.ts;
   * opaque to the store): the next run copies unchanged lines from them only when they still have
   * that signature. Undefined keeps the stored one.
   */
  outputLayout?: string | null;
  /** Ids of documents to forget (their input changed or disappeared). */
  deleteDocuments: string[];
  upsertClusters: StoredCluster[];
  deleteClusters: string[];
  /** Stage values written during the run, by stage then key: JSON-serialisable, or bytes (Uint8Array); undefined deletes. */
  stageValues: Map<string, Map<string, unknown>>;
  /** Forget the history of runs with a smaller id (retention, `--keep-runs`); null keeps all. */
  pruneRunsBefore: number | null;
  /**
   * The run changed no output: drop its history row, so run ids number the
   * versions of the outputs (the next run that changes something gets this id).
   */
  discardRun?: boolean;
}

/** A commit that records the run and changes nothing else; callers spread in what their run changed. */
export function emptyCommit(runId: number, fingerprint: string, finishedAt = new Date().toISOString()): RunCommit {
  return {
    runId,
    finishedAt,
    status: 'done',
    full: false,
    partition: false,
    counts: {},
    fingerprint,
    reset: false,
    upsertInputs: [],
    deleteInputs: [],
    upsertDocuments: [],
    deleteDocuments: [],
    upsertClusters: [],
    deleteClusters: [],
    stageValues: new Map(),
    pruneRunsBefore: null,
  };
}

export interface StateStore {
  /** Where the state lives (a file path, a connection string without secrets). */
  readonly location: string;
  /** The fingerprint of the last successful run (null before the first). */
  fingerprint(): Promise<string | null>;
  /** Newest runs first. */
  runs(limit?: number): Promise<RunRecord[]>;
  /**
   * Record the start of a run and return its id: one more than the last
   * finished run, so a run that was killed and redone gets the same id.
   * A row left `running` by a killed run that had begun writing outputs
   * (`markWriting`) is reported through `crashed`; one killed before that
   * changed nothing and is forgotten.
   */
  beginRun(startedAt: string, full: boolean): Promise<{ runId: number; crashed: RunRecord | null }>;
  /**
   * Record that the started run is about to change the outputs. A run killed
   * after this must be redone with every output rewritten from the state; a
   * run killed before it (e.g. one that found nothing to do) left them as
   * they were, and redoing it would give the outputs a run that never was.
   */
  markWriting(runId: number): Promise<void>;
  inputs(): Promise<Map<string, InputRecord>>;
  /** Cached documents, all or those of the given inputs. */
  documents(inputs?: readonly string[]): Promise<CachedDocument[]>;
  /** Every cached document without its payload and output lines, by input then position. */
  documentOutputs(): Promise<CachedDocumentOutput[]>;
  /** The cached output lines of the given documents (ids without any are left out). */
  documentLines(ids: readonly string[]): Promise<Map<string, Buffer>>;
  /** The output layout the last committed run recorded (null when none). */
  outputLayout(): Promise<string | null>;
  /** The payloads of the given documents (missing ids are left out). */
  documentPayloads(ids: readonly string[]): Promise<Map<string, Buffer>>;
  clusters(): Promise<Map<string, StoredCluster>>;
  stageValues(): Promise<Map<string, Map<string, unknown>>>;
  commitRun(commit: RunCommit): Promise<void>;
  /** Record that a started run failed as a whole; nothing else changes. */
  failRun(runId: number, finishedAt: string, counts: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}

/** Run ids are numbers in the state and zero-padded in folder names and logs. */
export function formatRunId(id: number): string {
  return String(id).padStart(6, '0');
}
