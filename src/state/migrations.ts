/**
 * Schema migrations of the SQLite state, applied in order inside one
 * transaction each; `PRAGMA user_version` holds the version reached. Never edit
 * a released migration: add the next one.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'inputs, cached documents, clusters, stage values, run history',
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
        full        INTEGER NOT NULL,
        partition   INTEGER NOT NULL DEFAULT 0,
        counts      TEXT NOT NULL DEFAULT '{}'
      ) STRICT;

      CREATE TABLE inputs (
        path     TEXT PRIMARY KEY,
        size     INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        hash     TEXT NOT NULL,
        run_id   INTEGER NOT NULL,
        errors   TEXT NOT NULL DEFAULT '[]'
      ) STRICT;

      CREATE TABLE documents (
        id      TEXT PRIMARY KEY,
        input   TEXT NOT NULL,
        pos     INTEGER NOT NULL,
        run_id  INTEGER NOT NULL,
        payload BLOB NOT NULL
      ) STRICT;
      CREATE INDEX documents_by_input ON documents (input, pos);

      CREATE TABLE clusters (
        id        TEXT PRIMARY KEY,
        record    TEXT NOT NULL,
        first_run INTEGER NOT NULL,
        last_run  INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE stage_values (
        stage TEXT NOT NULL,
        key   TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (stage, key)
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'binary stage values (serialised indexes)',
    sql: `
      CREATE TABLE stage_blobs (
        stage TEXT NOT NULL,
        key   TEXT NOT NULL,
        value BLOB NOT NULL,
        PRIMARY KEY (stage, key)
      ) STRICT;
    `,
  },
  {
    version: 3,
    description: "documents' serialised output lines, so unchanged documents are written without decoding",
    // NULL for documents cached by schema 2: the next run derives them from the payload and stores them.
    sql: `
      ALTER TABLE documents ADD COLUMN output_lines BLOB;
      ALTER TABLE documents ADD COLUMN output_summary TEXT;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
