import Database from 'better-sqlite3';
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tempDirs } from './helpers/tmp.ts';
import { createDoc } from '../src/core/doc.ts';
import type { Doc } from '../src/core/types.ts';
import { clusterRecordsOfSeqs } from '../src/io/records.ts';
import { serialiseDoc } from '../src/io/writers.ts';
import { decodeLines, encodeOutput, OUTPUT_FORMAT, patchDocumentLine, type OutputSummary } from '../src/state/doc-cache.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../src/state/migrations.ts';
import { SqliteStateStore } from '../src/state/sqlite.ts';
import { earlierOutputs, FileSlices, recordLayout, type LayoutEntry } from '../src/state/splice.ts';
import { BufferedStageState } from '../src/state/stage-state.ts';
import { emptyCommit, StateError, type RunCommit } from '../src/state/store.ts';

const tempDir = tempDirs('nc-state-');
const dbFile = () => path.join(tempDir(), 'state.db');

function commit(runId: number, over: Partial<RunCommit> = {}): RunCommit {
  return { ...emptyCommit(runId, 'fp1', '2026-01-01T00:00:00Z'), partition: true, counts: { processed: 1 }, ...over };
}

describe('SQLite state store', () => {
  it('migrates a new database to the current schema version and reopens it', async () => {
    const file = dbFile();
    const s = SqliteStateStore.open(file);
    expect(await s.fingerprint()).toBeNull();
    await s.close();
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
    await SqliteStateStore.open(file).close();
  });

  it('upgrades a version-1 database in place, keeping its data', async () => {
    const file = dbFile();
    const db = new Database(file);
    db.exec(MIGRATIONS[0]!.sql);
    db.pragma('user_version = 1');
    db.prepare(`INSERT INTO meta (key, value) VALUES ('fingerprint', 'old')`).run();
    db.close();
    const s = SqliteStateStore.open(file);
    expect(await s.fingerprint()).toBe('old');
    await s.beginRun('t', false);
    await s.commitRun(commit(1, { stageValues: new Map([['dedup', new Map<string, unknown>([['index', new Uint8Array([1, 2, 3])]])]]) }));
    expect((await s.stageValues()).get('dedup')?.get('index')).toEqual(new Uint8Array([1, 2, 3]));
    await s.close();
  });

  it('refuses a database written by a newer schema', async () => {
    const file = dbFile();
    await SqliteStateStore.open(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => SqliteStateStore.open(file)).toThrow(StateError);
    expect(() => SqliteStateStore.open(file)).toThrow(/newer than this newsclean knows/);
  });

  it('commits a run atomically and gives a killed run the same id again', async () => {
    const s = SqliteStateStore.open(dbFile());
    const first = await s.beginRun('t0', true);
    expect(first).toEqual({ runId: 1, crashed: null });
    await s.commitRun(
      commit(1, {
        upsertInputs: [{ path: 'a.txt', size: 3, mtimeMs: 5, hash: 'h', runId: 1, errors: [{ source: 'a.txt', stage: 'read', message: 'x' }] }],
        upsertDocuments: [{ id: 'a', input: 'a.txt', pos: 0, runId: 1, payload: Buffer.from('x') }],
        upsertClusters: [{ id: 'c1', canonical: 'text', canonicalReason: 'r', members: [{ doc: 'a', seq: 0 }], firstRun: 1, lastRun: 1 }],
        stageValues: new Map([['dedup', new Map<string, unknown>([['index', { n: 1 }]])]]),
      }),
    );
    // Run 2 starts and is "killed" before it touched an output: it is simply forgotten.
    expect((await s.beginRun('t1a', false)).runId).toBe(2);
    expect(await s.beginRun('t1b', false)).toEqual({ runId: 2, crashed: null });
    // Run 2 starts writing outputs and is "killed": nothing of it is committed, and the next run hears of it.
    await s.markWriting(2);
    const again = await s.beginRun('t2', false);
    expect(again.runId).toBe(2);
    expect(again.crashed?.startedAt).toBe('t1b');
    expect([...(await s.inputs()).values()]).toEqual([
      { path: 'a.txt', size: 3, mtimeMs: 5, hash: 'h', runId: 1, errors: [{ source: 'a.txt', stage: 'read', message: 'x' }] },
    ]);
    expect((await s.documents(['a.txt']))[0]?.payload.toString()).toBe('x');
    expect((await s.clusters()).get('c1')?.members).toEqual([{ doc: 'a', seq: 0 }]);
    expect((await s.stageValues()).get('dedup')?.get('index')).toEqual({ n: 1 });
    expect(await s.fingerprint()).toBe('fp1');
    const runs = await s.runs();
    expect(runs.map((r) => [r.id, r.status])).toEqual([[2, 'running'], [1, 'done']]);
    await s.close();
  });

  it('rolls back the whole commit when any part fails', async () => {
    const s = SqliteStateStore.open(dbFile());
    await s.beginRun('t0', true);
    // Run 7 was never started: the commit must fail and leave nothing behind.
    await expect(
      s.commitRun(commit(7, { upsertInputs: [{ path: 'b.txt', size: 1, mtimeMs: 1, hash: 'h', runId: 7, errors: [] }], fingerprint: 'fp2' })),
    ).rejects.toThrow(/not started/);
    expect((await s.inputs()).size).toBe(0);
    expect(await s.fingerprint()).toBeNull();
    await s.close();
  });

  it('resets, deletes and prunes run history', async () => {
    const s = SqliteStateStore.open(dbFile());
    for (let i = 1; i <= 4; i++) {
      await s.beginRun(`t${i}`, false);
      await s.commitRun(
        commit(i, {
          upsertInputs: [{ path: `f${i}`, size: i, mtimeMs: i, hash: 'h', runId: i, errors: [] }],
          deleteInputs: i === 3 ? ['f1'] : [],
          pruneRunsBefore: i === 4 ? 3 : null,
        }),
      );
    }
    expect([...(await s.inputs()).keys()].sort()).toEqual(['f2', 'f3', 'f4']);
    expect((await s.runs()).map((r) => r.id)).toEqual([4, 3]);
    // After pruning, numbering continues from the newest run.
    expect((await s.beginRun('t5', true)).runId).toBe(5);
    await s.commitRun(commit(5, { reset: true, upsertInputs: [{ path: 'g', size: 1, mtimeMs: 1, hash: 'h', runId: 5, errors: [] }] }));
    expect([...(await s.inputs()).keys()]).toEqual(['g']);
    await s.close();
  });

  it('records a failed run without changing anything else', async () => {
    const s = SqliteStateStore.open(dbFile());
    const { runId } = await s.beginRun('t0', true);
    await s.failRun(runId, 't1', { error: 'boom' });
    const [run] = await s.runs(1);
    expect(run).toMatchObject({ id: 1, status: 'failed', finishedAt: 't1', counts: { error: 'boom' } });
    expect((await s.beginRun('t2', false)).runId).toBe(2);
    await s.close();
  });
});

describe('buffered stage state', () => {
  it('reads committed values, sees its own writes, and hands back only the changes', () => {
    const st = new BufferedStageState(new Map([['boilerplate-repeat', new Map<string, unknown>([['host:a.com', { lines: ['x'] }]])]]));
    const read = st.get<{ lines: string[] }>('boilerplate-repeat', 'host:a.com');
    expect(read).toEqual({ lines: ['x'] });
    read!.lines.push('mutated');
    expect(st.get('boilerplate-repeat', 'host:a.com')).toEqual({ lines: ['x'] });
    expect(st.get('dedup', 'index')).toBeUndefined();
    st.set('dedup', 'index', { v: 1, when: new Date(0) });
    expect(st.get('dedup', 'index')).toEqual({ v: 1, when: '1970-01-01T00:00:00.000Z' });
    expect([...st.changes().keys()]).toEqual(['dedup']);
    expect(() => st.set('', 'k', 1)).toThrow();
    // Bytes: their own accessors, copied in and out, committed like JSON values.
    st.setBytes('dedup', 'blob', Buffer.from([9, 8]));
    const bytes = st.getBytes('dedup', 'blob')!;
    expect([...bytes]).toEqual([9, 8]);
    bytes[0] = 0;
    expect([...st.getBytes('dedup', 'blob')!]).toEqual([9, 8]);
    expect(st.get('dedup', 'blob')).toBeUndefined();
    expect(st.getBytes('dedup', 'index')).toBeUndefined();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => st.set('x', 'k', cyclic)).toThrow();
  });
});

describe('cached output lines (schema 3)', () => {
  /** A cleaned document with arbitrary texts (quotes, non-BMP, lone surrogates), flags, removals and clusters. */
  const docArb = fc
    .record({
      id: fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/),
      title: fc.option(fc.string({ unit: 'binary', maxLength: 20 })),
      blocks: fc.array(
        fc.record({ text: fc.string({ unit: 'binary', maxLength: 40 }), cluster: fc.option(fc.stringMatching(/^c[0-9a-f]{1,6}$/)), flagged: fc.boolean() }),
        { maxLength: 6 },
      ),
      removed: fc.array(fc.constantFrom('share', 'byline', 'cookie-notice'), { maxLength: 3 }),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map((r): Doc => {
      const doc = createDoc({ id: r.id, source: `${r.id}.txt`, format: 'text', raw: 'raw', title: r.title });
      doc.blocks = r.blocks.map((b, i) => ({
        seq: i * 2,
        kind: 'paragraph',
        text: b.text,
        source: { start: 0, end: 0 },
        cluster: b.cluster,
        flags: b.flagged && b.text.length > 0 ? [{ start: 0, end: 1, text: b.text.slice(0, 1), kind: 'mt-debris', confidence: r.confidence, suggestion: null, evidence: 'e', stage: 'artifacts' }] : [],
      }));
      doc.removed = r.removed.map((reason, i) => ({ seq: i * 2 + 1, kind: 'paragraph', text: reason, source: { start: 0, end: 0 }, reason, stage: 'boilerplate' }));
      return doc;
    });

  it("patching a line's cluster ids gives the line the writer writes for the patched document", () => {
    fc.assert(
      fc.property(docArb, fc.array(fc.option(fc.stringMatching(/^c[0-9a-f]{1,6}$/)), { minLength: 6, maxLength: 6 }), (doc, assigned) => {
        const before = serialiseDoc(doc).lines();
        const clusters = doc.blocks.map((_, i) => assigned[i] ?? null);
        doc.blocks.forEach((b, i) => {
          b.cluster = clusters[i];
        });
        const after = serialiseDoc(doc).lines();
        expect(patchDocumentLine(before.line, clusters).toString('utf8')).toBe(after.line.toString('utf8'));
        // Flag lines hold no cluster ids.
        expect(after.flagLines.equals(before.flagLines)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('packed lines come back byte for byte', () => {
    fc.assert(
      fc.property(docArb, (doc) => {
        const { line, flagLines } = serialiseDoc(doc).lines();
        const summary: OutputSummary = {
          v: OUTPUT_FORMAT, source: doc.source, setAside: null, replacedBytes: 0, seqs: [], clusters: [], removedByReason: {}, flagsByKind: {}, lineBytes: line.length,
        };
        const back = decodeLines(encodeOutput(summary, line, flagLines).lines, summary);
        expect(back.line.equals(line)).toBe(true);
        expect(back.flagLines.equals(flagLines)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('a line whose paragraph count does not match is refused, not patched', () => {
    const doc = createDoc({ id: 'a', source: 'a.txt', format: 'text', raw: 'x' });
    doc.blocks = [{ seq: 0, kind: 'paragraph', text: 'x', source: { start: 0, end: 1 }, flags: [] }];
    expect(() => patchDocumentLine(serialiseDoc(doc).lines().line, [])).toThrow(/1 paragraphs, expected 0/);
  });
});

describe('cluster records from block seqs', () => {
  /** The straightforward definition (one map per document, one key string per member), as the writers had it. */
  function referenceRecords(clusters: { id: string; members: { doc: string; seq: number }[] }[], docs: { id: string; seqs: number[] }[]) {
    const index = new Map(docs.map((d) => [d.id, new Map(d.seqs.map((s, j) => [s, j]))]));
    const order = new Map(docs.map((d, i) => [d.id, i]));
    const out = [];
    for (const c of clusters) {
      const seen = new Set<string>();
      const members: { doc: string; paragraph: number }[] = [];
      for (const m of c.members) {
        const paragraph = index.get(m.doc)?.get(m.seq);
        if (paragraph === undefined || seen.has(`${m.doc}\0${paragraph}`)) continue;
        seen.add(`${m.doc}\0${paragraph}`);
        members.push({ doc: m.doc, paragraph });
      }
      if (!members.length) continue;
      members.sort((a, b) => order.get(a.doc)! - order.get(b.doc)! || a.paragraph - b.paragraph);
      out.push({ id: c.id, canonical: 'x', canonicalReason: 'r', members });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  it('equal the straightforward definition: members in input order, duplicates and unknown documents or blocks dropped, long documents too', () => {
    const docIds = ['a', 'b', 'c', 'd', 'e'];
    const arb = fc.record({
      docs: fc.uniqueArray(fc.constantFrom(...docIds), { minLength: 1 }).chain((ids) =>
        fc.tuple(...ids.map((id) => fc.uniqueArray(fc.nat(80), { maxLength: 40 }).map((seqs) => ({ id, seqs })))),
      ),
      clusters: fc.uniqueArray(
        fc.record({ id: fc.string({ minLength: 1, maxLength: 3 }), members: fc.array(fc.record({ doc: fc.constantFrom(...docIds, 'gone'), seq: fc.nat(80) }), { maxLength: 30 }) }),
        { selector: (c) => c.id, maxLength: 8 },
      ),
    });
    fc.assert(
      fc.property(arb, ({ docs, clusters }) => {
        const records = clusters.map((c) => ({ ...c, canonical: 'x', canonicalReason: 'r' }));
        expect(clusterRecordsOfSeqs(records, docs)).toEqual(referenceRecords(clusters, docs));
      }),
    );
  });
});

describe('layout of the previous output files (splice)', () => {
  const write = (dir: string, docs: string, flags: string) => {
    writeFileSync(path.join(dir, 'documents.jsonl'), docs);
    writeFileSync(path.join(dir, 'flags.jsonl'), flags);
  };
  const docs = '{"id":"a","x":1}\n{"id":"b","x":"é"}\n{"id":"c"}\n';
  const flags = '{"doc":"a","k":1}\n{"doc":"a","k":2}\n{"doc":"c","k":3}\n';
  const layout: LayoutEntry[] = [
    ['a', 17, 36],
    ['b', Buffer.byteLength('{"id":"b","x":"é"}\n'), 0],
    ['c', 11, 18],
  ];

  it('gives each document\'s line and flag lines in the files the last run wrote, and nothing for files written by anything else', () => {
    const dir = tempDir();
    write(dir, docs, flags);
    const stored = recordLayout(dir, layout);
    expect(earlierOutputs(dir, null)).toBeNull();
    const earlier = earlierOutputs(dir, stored)!;
    const at = (text: string, r: { offset: number; length: number }) => Buffer.from(text).subarray(r.offset, r.offset + r.length).toString();
    expect(at(docs, earlier.documents.get('b')!)).toBe('{"id":"b","x":"é"}\n');
    expect(at(docs, earlier.documents.get('c')!)).toBe('{"id":"c"}\n');
    expect(at(flags, earlier.flags.get('a')!)).toBe('{"doc":"a","k":1}\n{"doc":"a","k":2}\n');
    expect(at(flags, earlier.flags.get('c')!)).toBe('{"doc":"c","k":3}\n');
    expect(earlier.flags.has('b')).toBe(false);
    // Rewritten (same bytes, another mtime): no longer the files the state knows.
    write(dir, docs, flags);
    utimesSync(path.join(dir, 'flags.jsonl'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(earlierOutputs(dir, stored)).toBeNull();
  });

  it('is not used when it does not add up to the files, or is damaged', () => {
    const dir = tempDir();
    write(dir, docs, flags);
    expect(earlierOutputs(dir, recordLayout(dir, layout.slice(0, 2)))).toBeNull();
    expect(earlierOutputs(dir, '{"signature":')).toBeNull();
    expect(earlierOutputs(dir, 'null')).toBeNull();
  });

  it('reads byte ranges in any order through its window', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'f');
    const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''));
    writeFileSync(file, data);
    const slices = await FileSlices.open(file);
    try {
      for (const [o, l] of [[0, 10], [5000, 3000], [100, 1], [9990, 10]] as const) expect((await slices.slice(o, l)).equals(data.subarray(o, o + l))).toBe(true);
      await expect(slices.slice(9995, 10)).rejects.toThrow(/ended before byte/);
    } finally {
      await slices.close();
    }
  });
});
