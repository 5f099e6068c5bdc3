/**
 * SQLite implementation of the state store (better-sqlite3 12; version 13
 * crashes on Node 20).
 *
 * Durability: WAL journal, `synchronous = NORMAL`. A killed process never
 * corrupts the database or leaves half a transaction; after a power loss the
 * last committed run may be lost, which only means the next run redoes it
 * (outputs are rewritten from the state, see src/state/incremental.ts).
 */
import Database from 'better-sqlite3';
import type { InputError } from '../core/types.ts';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';
import {
  StateError,
  type CachedDocument,
  type CachedDocumentOutput,
  type CachedOutput,
  type InputRecord,
  type RunCommit,
  type RunRecord,
  type RunStatus,
  type StateStore,
  type StoredCluster,
} from './store.ts';

type Db = Database.Database;

interface RunRow {
  id: number;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  full: number;
  partition: number;
  counts: string;
}

/** Key in a running row's counts: the run has begun changing the outputs. */
const WRITING = 'writingOutputs';

/** Both output columns or neither (a row of schema 2 has neither). */
function outputOf(r: { output_lines: Buffer | null; output_summary: string | null }): CachedOutput | null {
  return r.output_lines !== null && r.output_summary !== null ? { lines: r.output_lines, summary: r.output_summary } : null;
}

function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    full: r.full === 1,
    partition: r.partition === 1,
    counts: JSON.parse(r.counts) as Record<string, unknown>,
  };
}

/** Bring a database to the newest schema; refuse one written by a newer newsclean. */
export function migrate(db: Db, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new StateError(
      `state ${file} has schema version ${current}, newer than this newsclean knows (${SCHEMA_VERSION}); upgrade newsclean or point --state elsewhere`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

export class SqliteStateStore implements StateStore {
  readonly location: string;
  private readonly db: Db;

  private constructor(file: string, db: Db) {
    this.location = file;
    this.db = db;
  }

  static open(file: string): SqliteStateStore {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    let db: Db;
    try {
      db = new Database(file, { timeout: 5_000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, file);
    } catch (err) {
      if (err instanceof StateError) throw err;
      throw new StateError(`cannot open state ${file}: ${(err as Error).message}`);
    }
    return new SqliteStateStore(file, db);
  }

  async fingerprint(): Promise<string | null> {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'fingerprint'`).get() as { value: string } | undefined;
    return row?.value ?? null;
  }

  async runs(limit = 1_000_000): Promise<RunRecord[]> {
    const rows = this.db.prepare(`SELECT * FROM runs ORDER BY id DESC LIMIT ?`).all(limit) as RunRow[];
    return rows.map(toRun);
  }

  async beginRun(startedAt: string, full: boolean): Promise<{ runId: number; crashed: RunRecord | null }> {
    return this.db.transaction(() => {
      const last = this.db.prepare(`SELECT max(id) AS id FROM runs WHERE status != 'running'`).get() as { id: number | null };
      const runId = (last.id ?? 0) + 1;
      const stale = this.db.prepare(`SELECT * FROM runs WHERE status = 'running' ORDER BY id DESC LIMIT 1`).get() as RunRow | undefined;
      this.db.prepare(`DELETE FROM runs WHERE status = 'running'`).run();
      this.db
        .prepare(`INSERT INTO runs (id, started_at, status, full) VALUES (?, ?, 'running', ?)`)
        .run(runId, startedAt, full ? 1 : 0);
      const crashed = stale ? toRun(stale) : null;
      return { runId, crashed: crashed && crashed.counts[WRITING] === true ? crashed : null };
    })();
  }

  async markWriting(runId: number): Promise<void> {
    // Kept in the running row's counts (commitRun overwrites them): no schema change needed.
    const updated = this.db.prepare(`UPDATE runs SET counts = ? WHERE id = ? AND status = 'running'`).run(JSON.stringify({ [WRITING]: true }), runId);
    if (updated.changes !== 1) throw new StateError(`run ${runId} was not started in ${this.location}`);
  }

  /** Record a run that failed as a whole (nothing else changes). */
  async failRun(runId: number, finishedAt: string, counts: Record<string, unknown>): Promise<void> {
    this.db
      .prepare(`UPDATE runs SET status = 'failed', finished_at = ?, counts = ? WHERE id = ?`)
      .run(finishedAt, JSON.stringify(counts), runId);
  }

  async inputs(): Promise<Map<string, InputRecord>> {
    const rows = this.db.prepare(`SELECT path, size, mtime_ms, hash, run_id, errors FROM inputs`).all() as {
      path: string;
      size: number;
      mtime_ms: number;
      hash: string;
      run_id: number;
      errors: string;
    }[];
    return new Map(
      rows.map((r) => [
        r.path,
        { path: r.path, size: r.size, mtimeMs: r.mtime_ms, hash: r.hash, runId: r.run_id, errors: JSON.parse(r.errors) as InputError[] },
      ]),
    );
  }

  async documents(inputs?: readonly string[]): Promise<CachedDocument[]> {
    type Row = { id: string; input: string; pos: number; run_id: number; payload: Buffer; output_lines: Buffer | null; output_summary: string | null };
    const toDoc = (r: Row): CachedDocument => ({ id: r.id, input: r.input, pos: r.pos, runId: r.run_id, payload: r.payload, output: outputOf(r) });
    if (!inputs) {
      return (this.db.prepare(`SELECT * FROM documents ORDER BY input, pos`).all() as Row[]).map(toDoc);
    }
    const stmt = this.db.prepare(`SELECT * FROM documents WHERE input = ? ORDER BY pos`);
    return inputs.flatMap((i) => (stmt.all(i) as Row[]).map(toDoc));
  }

  async documentOutputs(): Promise<CachedDocumentOutput[]> {
    type Row = { id: string; input: string; pos: number; run_id: number; output_summary: string | null; has_lines: number };
    const rows = this.db
      .prepare(`SELECT id, input, pos, run_id, output_summary, output_lines IS NOT NULL AS has_lines FROM documents ORDER BY input, pos`)
      .all() as Row[];
    // Both output columns or neither (a row of schema 2 has neither).
    return rows.map((r) => ({ id: r.id, input: r.input, pos: r.pos, runId: r.run_id, summary: r.has_lines === 1 ? r.output_summary : null }));
  }

  /** Prepared once: an incremental run that cannot copy lines from the previous files asks for each document's lines in turn. */
  private linesStatement: Database.Statement | null = null;

  async documentLines(ids: readonly string[]): Promise<Map<string, Buffer>> {
    const stmt = (this.linesStatement ??= this.db.prepare(`SELECT output_lines FROM documents WHERE id = ?`));
    const out = new Map<string, Buffer>();
    for (const id of ids) {
      const row = stmt.get(id) as { output_lines: Buffer | null } | undefined;
      if (row?.output_lines) out.set(id, row.output_lines);
    }
    return out;
  }

  async outputLayout(): Promise<string | null> {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'output_layout'`).get() as { value: string } | undefined;
    return row?.value ?? null;
  }

  async documentPayloads(ids: readonly string[]): Promise<Map<string, Buffer>> {
    const stmt = this.db.prepare(`SELECT payload FROM documents WHERE id = ?`);
    const out = new Map<string, Buffer>();
    for (const id of ids) {
      const row = stmt.get(id) as { payload: Buffer } | undefined;
      if (row) out.set(id, row.payload);
    }
    return out;
  }

  async clusters(): Promise<Map<string, StoredCluster>> {
    const rows = this.db.prepare(`SELECT id, record, first_run, last_run FROM clusters`).all() as {
      id: string;
      record: string;
      first_run: number;
      last_run: number;
    }[];
    return new Map(
      rows.map((r) => {
        const rec = JSON.parse(r.record) as Omit<StoredCluster, 'id' | 'firstRun' | 'lastRun'>;
        return [r.id, { id: r.id, ...rec, firstRun: r.first_run, lastRun: r.last_run }];
      }),
    );
  }

  async stageValues(): Promise<Map<string, Map<string, unknown>>> {
    const rows = this.db.prepare(`SELECT stage, key, value FROM stage_values`).all() as { stage: string; key: string; value: string }[];
    const blobs = this.db.prepare(`SELECT stage, key, value FROM stage_blobs`).all() as { stage: string; key: string; value: Buffer }[];
    const out = new Map<string, Map<string, unknown>>();
    const put = (stage: string, key: string, value: unknown) => {
      let m = out.get(stage);
      if (!m) out.set(stage, (m = new Map()));
      m.set(key, value);
    };
    for (const r of rows) put(r.stage, r.key, JSON.parse(r.value));
    for (const b of blobs) put(b.stage, b.key, new Uint8Array(b.value.buffer, b.value.byteOffset, b.value.byteLength));
    return out;
  }

  async commitRun(c: RunCommit): Promise<void> {
    const db = this.db;
    db.transaction(() => {
      if (c.reset) {
        db.exec(`DELETE FROM documents; DELETE FROM clusters; DELETE FROM stage_values; DELETE FROM stage_blobs; DELETE FROM inputs;`);
      }
      const delInput = db.prepare(`DELETE FROM inputs WHERE path = ?`);
      for (const p of c.deleteInputs) delInput.run(p);
      const putInput = db.prepare(
        `INSERT OR REPLACE INTO inputs (path, size, mtime_ms, hash, run_id, errors) VALUES (?, ?, ?, ?, ?, ?)`,
      );
      for (const i of c.upsertInputs) putInput.run(i.path, i.size, i.mtimeMs, i.hash, i.runId, JSON.stringify(i.errors));

      const delDoc = db.prepare(`DELETE FROM documents WHERE id = ?`);
      for (const id of c.deleteDocuments) delDoc.run(id);
      const putDoc = db.prepare(
        `INSERT OR REPLACE INTO documents (id, input, pos, run_id, payload, output_lines, output_summary) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const d of c.upsertDocuments) putDoc.run(d.id, d.input, d.pos, d.runId, d.payload, d.output?.lines ?? null, d.output?.summary ?? null);
      const putOutput = db.prepare(`UPDATE documents SET run_id = ?, output_lines = ?, output_summary = ? WHERE id = ?`);
      for (const u of c.updateOutputs ?? []) {
        if (putOutput.run(u.runId, u.output.lines, u.output.summary, u.id).changes !== 1) throw new StateError(`cannot update the output of document ${u.id}: not in the state`);
      }

      const delCluster = db.prepare(`DELETE FROM clusters WHERE id = ?`);
      for (const id of c.deleteClusters) delCluster.run(id);
      const putCluster = db.prepare(`INSERT OR REPLACE INTO clusters (id, record, first_run, last_run) VALUES (?, ?, ?, ?)`);
      for (const k of c.upsertClusters) {
        const { id, firstRun, lastRun, ...record } = k;
        putCluster.run(id, JSON.stringify(record), firstRun, lastRun);
      }

      const putValue = db.prepare(`INSERT OR REPLACE INTO stage_values (stage, key, value) VALUES (?, ?, ?)`);
      const delValue = db.prepare(`DELETE FROM stage_values WHERE stage = ? AND key = ?`);
      const putBlob = db.prepare(`INSERT OR REPLACE INTO stage_blobs (stage, key, value) VALUES (?, ?, ?)`);
      const delBlob = db.prepare(`DELETE FROM stage_blobs WHERE stage = ? AND key = ?`);
      for (const [stage, values] of c.stageValues) {
        for (const [key, value] of values) {
          // A key holds either JSON or bytes: writing one kind removes the other.
          if (value instanceof Uint8Array) {
            delValue.run(stage, key);
            putBlob.run(stage, key, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
          } else {
            delBlob.run(stage, key);
            if (value === undefined) delValue.run(stage, key);
            else putValue.run(stage, key, JSON.stringify(value));
          }
        }
      }

      db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('fingerprint', ?)`).run(c.fingerprint);
      if (c.outputLayout === null) db.prepare(`DELETE FROM meta WHERE key = 'output_layout'`).run();
      else if (c.outputLayout !== undefined) db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('output_layout', ?)`).run(c.outputLayout);
      db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('last_check', ?)`).run(JSON.stringify({ at: c.finishedAt, counts: c.counts }));
      const updated = c.discardRun
        ? db.prepare(`DELETE FROM runs WHERE id = ? AND status = 'running'`).run(c.runId)
        : db
            .prepare(`UPDATE runs SET status = ?, finished_at = ?, full = ?, partition = ?, counts = ? WHERE id = ?`)
            .run(c.status, c.finishedAt, c.full ? 1 : 0, c.partition ? 1 : 0, JSON.stringify(c.counts), c.runId);
      if (updated.changes !== 1) throw new StateError(`run ${c.runId} was not started in ${this.location}`);
      if (c.pruneRunsBefore !== null) db.prepare(`DELETE FROM runs WHERE id < ?`).run(c.pruneRunsBefore);
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
