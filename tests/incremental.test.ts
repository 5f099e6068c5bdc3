import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createRng } from '../src/gen/random.ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { main } from '../src/cli.ts';
import { resolveConfig } from '../src/config.ts';
import { defineCorpusStage } from '../src/core/stage.ts';
import type { ClusterRecord, Doc } from '../src/core/types.ts';
import { emptyStats, listInputs, readInputs } from '../src/io/readers.ts';
import { configuredStages } from '../src/stages/configure.ts';
import { acquireLock } from '../src/state/lock.ts';
import { runJob, STATE_DIR, type JobOptions } from '../src/state/incremental.ts';
import { SqliteStateStore } from '../src/state/sqlite.ts';
import Database from 'better-sqlite3';

const silent = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workspace() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nc-incr-'));
  dirs.push(root);
  const input = path.join(root, 'input');
  const output = path.join(root, 'output');
  mkdirSync(input);
  return { root, input, output };
}

/** A short news-like text, different for each `n`; paragraphs long enough to be content. */
function article(n: number, extra: string[] = []): string {
  const topics = ['harbour', 'railway', 'council', 'school', 'hospital', 'bridge', 'library', 'market', 'airport', 'museum'];
  const t = topics[n % topics.length]!;
  return [
    `City officials said on Tuesday that the ${t} project number ${n} would be finished before the end of the year, after months of delays.`,
    `The ${t} plan, which was first presented ${n + 2} years ago, had been criticised by residents who feared higher local taxes and traffic.`,
    ...extra,
    `A spokesperson for the ${t} authority declined to comment on the costs, saying a full report would be published in ${n % 12 + 1} weeks.`,
  ].join('\n\n');
}

const readJsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function job(ws: { input: string; output: string }, over: Partial<JobOptions> = {}) {
  return runJob({ input: ws.input, output: ws.output, configFile: path.join(ws.input, '..', 'none.config.ts'), log: silent, report: false, ...over });
}

/** A wire paragraph for the cross-run dedup tests, and the stages they run. */
const wire =
  'The foreign ministry said on Thursday that talks between the two delegations would resume in Geneva next week, after a pause of almost three months over the prisoner exchange.';
const dedupStages = () => configuredStages(resolveConfig({ pipeline: ['segment', 'normalize', 'reflow', 'dedup'] }));

/** Filler paragraphs that are no copies of anything: 24 random words of a vocabulary (its first `words` words). */
function fillerParagraphs(seed: number, words = 36): () => string {
  const rng = createRng(seed);
  const vocabulary = 'river market station winter council engineer teacher village budget harbour museum orchard factory journal meadow airline lantern chapel tunnel cabinet senator glacier quarry ferry canyon bakery theatre stadium clinic parish brewery vineyard archive garrison monastery observatory'.split(' ').slice(0, words);
  return () => Array.from({ length: 24 }, () => rng.pick(vocabulary)).join(' ') + '.';
}

describe('incremental runs', () => {
  it('adding 3 files to a processed folder processes exactly 3 documents', async () => {
    const ws = workspace();
    for (let i = 0; i < 5; i++) writeFileSync(path.join(ws.input, `a${i}.txt`), article(i));
    const first = await job(ws);
    expect(first.run.incremental).toMatchObject({ runId: '000001', mode: 'full', processedDocuments: 5, partition: 'runs/000001' });
    const oldTxt = path.join(ws.output, 'docs', 'a0.txt');
    const before = statSync(oldTxt).mtimeMs;

    for (let i = 5; i < 8; i++) writeFileSync(path.join(ws.input, `b${i}.txt`), article(i));
    const second = await job(ws);
    expect(second.run.incremental).toMatchObject({ runId: '000002', mode: 'incremental', processedInputs: 3, unchangedInputs: 5, processedDocuments: 3 });
    // The corpus view has all 8 documents, in input order; the partition only the 3 new ones.
    expect(readJsonl(path.join(ws.output, 'documents.jsonl')).map((d) => d.id)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b5', 'b6', 'b7']);
    expect(readJsonl(path.join(ws.output, 'runs', '000002', 'documents.jsonl')).map((d) => d.id)).toEqual(['b5', 'b6', 'b7']);
    expect(readlinkSync(path.join(ws.output, 'runs', 'latest'))).toBe('000002');
    expect(existsSync(path.join(ws.output, 'docs', 'b6.txt'))).toBe(true);
    // Files of documents that were not reprocessed are not rewritten.
    expect(statSync(oldTxt).mtimeMs).toBe(before);
    expect(second.run.counts.documents).toBe(8);
  });

  it('a run killed before it wrote anything is forgotten; one killed while writing is redone with every output rewritten', async () => {
    const ws = workspace();
    for (let i = 0; i < 3; i++) writeFileSync(path.join(ws.input, `a${i}.txt`), article(i));
    await job(ws);
    const runJson = readFileSync(path.join(ws.output, 'run.json'), 'utf8');
    // A run that found nothing to do, killed between starting and finishing (what the store then holds).
    let store = SqliteStateStore.open(path.join(ws.output, STATE_DIR, 'state.db'));
    expect((await store.beginRun('t', false)).runId).toBe(2);
    await store.close();
    const after = await job(ws);
    // Nothing to redo: the outputs stay those of run 1 (not a run 2 that never changed anything).
    expect(after).toMatchObject({ changed: false, runId: '000001' });
    expect(readFileSync(path.join(ws.output, 'run.json'), 'utf8')).toBe(runJson);

    // A run killed after it began writing: the next run rewrites every output (same id, same content).
    store = SqliteStateStore.open(path.join(ws.output, STATE_DIR, 'state.db'));
    await store.markWriting((await store.beginRun('t', false)).runId);
    await store.close();
    writeFileSync(path.join(ws.output, 'documents.jsonl'), 'half-written\n');
    const redo = await job(ws);
    expect(redo.changed).toBe(true);
    expect(readJsonl(path.join(ws.output, 'documents.jsonl')).map((d) => d.id)).toEqual(['a0', 'a1', 'a2']);
  });

  it('a rerun without changes leaves every output as it was and writes no partition', async () => {
    const ws = workspace();
    for (let i = 0; i < 3; i++) writeFileSync(path.join(ws.input, `a${i}.txt`), article(i));
    await job(ws);
    const snapshot = () => readdirSync(ws.output, { recursive: true }).map(String).filter((f) => !f.startsWith(STATE_DIR)).sort().map((f) => {
      const p = path.join(ws.output, f);
      return statSync(p).isFile() ? `${f} ${statSync(p).mtimeMs}` : f;
    });
    const before = snapshot();
    // A touched file with the same content is not a change.
    const touched = path.join(ws.input, 'a1.txt');
    utimesSync(touched, new Date(), new Date(Date.now() + 5_000));
    const again = await job(ws);
    expect(again.changed).toBe(false);
    expect(snapshot()).toEqual(before);
    const store = SqliteStateStore.open(path.join(ws.output, STATE_DIR, 'state.db'));
    const runs = await store.runs();
    // A run that changed nothing leaves no history row: run ids number the versions of the outputs.
    expect(runs.map((r) => [r.id, r.status, r.partition])).toEqual([[1, 'done', true]]);
    expect(again.runId).toBe('000001');
    expect((await store.inputs()).get('a1.txt')?.mtimeMs).toBe(statSync(touched).mtimeMs);
    await store.close();
  });

  it('reprocesses a changed input, reports a vanished one and takes its documents out of the outputs', async () => {
    const ws = workspace();
    for (let i = 0; i < 4; i++) writeFileSync(path.join(ws.input, `a${i}.txt`), article(i));
    await job(ws);
    writeFileSync(path.join(ws.input, 'a1.txt'), article(1, ['An added paragraph says the opening ceremony will take place in the spring with the mayor present.']));
    rmSync(path.join(ws.input, 'a3.txt'));
    const { run } = await job(ws);
    expect(run.incremental).toMatchObject({ processedInputs: 1, processedDocuments: 1, disappeared: [{ source: 'a3.txt', documents: ['a3'] }] });
    const docs = readJsonl(path.join(ws.output, 'documents.jsonl'));
    expect(docs.map((d) => d.id)).toEqual(['a0', 'a1', 'a2']);
    expect(String(docs[1]!.text)).toContain('opening ceremony');
    expect(existsSync(path.join(ws.output, 'docs', 'a3.txt'))).toBe(false);
    expect(existsSync(path.join(ws.output, 'diffs', 'a3.diff'))).toBe(false);
    const changes = JSON.parse(readFileSync(path.join(ws.output, 'runs', '000002', 'changes.json'), 'utf8'));
    expect(changes.disappeared).toEqual([{ source: 'a3.txt', documents: ['a3'] }]);
  });

  it('--full and a config change reprocess everything; --keep-runs prunes old partitions', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws.input, 'a0.txt'), article(0));
    await job(ws);
    writeFileSync(path.join(ws.input, 'a1.txt'), article(1));
    await job(ws);
    const full = await job(ws, { full: true, keepRuns: 2 });
    expect(full.run.incremental).toMatchObject({ runId: '000003', mode: 'full', fullReason: 'requested (--full)', processedDocuments: 2, prunedRuns: ['000001'] });
    expect(readdirSync(path.join(ws.output, 'runs')).sort()).toEqual(['000002', '000003', 'latest']);
    const config = path.join(ws.root, 'other.config.ts');
    writeFileSync(config, 'export default { concurrency: 2 };\n');
    const changedConfig = await job(ws, { configFile: config, configExplicit: true });
    expect(changedConfig.run.incremental).toMatchObject({ mode: 'full', processedDocuments: 2 });
    expect(changedConfig.run.incremental?.fullReason).toMatch(/config/);
  });

  it('keeps the state where --state says, and runs without state when the config disables it', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws.input, 'a0.txt'), article(0));
    const statePath = path.join(ws.root, 'elsewhere', 'state.db');
    await job(ws, { statePath });
    expect(existsSync(statePath)).toBe(true);
    expect(existsSync(path.join(ws.output, STATE_DIR, 'state.db'))).toBe(false);
    expect((await job(ws, { statePath })).changed).toBe(false);

    const stateless = workspace();
    writeFileSync(path.join(stateless.input, 'a0.txt'), article(0));
    const config = path.join(stateless.root, 'nostate.config.ts');
    writeFileSync(config, 'export default { state: { enabled: false } };\n');
    for (let i = 0; i < 2; i++) {
      const r = await job(stateless, { configFile: config, configExplicit: true });
      expect(r.changed).toBe(true);
      expect(r.run.counts.documents).toBe(1);
      expect(r.run.incremental).toBeUndefined();
    }
    expect(existsSync(path.join(stateless.output, STATE_DIR, 'state.db'))).toBe(false);
    expect(existsSync(path.join(stateless.output, 'runs'))).toBe(false);
  });

  it('a paragraph that duplicates one from an earlier run joins the earlier cluster with the same id', async () => {
    // A minimal cross-run dedup stage that follows the protocol of src/state/clusters.ts:
    // exact duplicates; ids handed out in order of creation (so not derivable from the
    // text) and kept in ctx.state with every paragraph seen so far.
    type Seen = Record<string, { id: string | null; first: { doc: string; seq: number } }>;
    const exactDup = defineCorpusStage({
      name: 'exact-dup',
      description: 'test stage',
      options: z.strictObject({}),
      start(ctx) {
        const docs: Doc[] = [];
        const clusters: ClusterRecord[] = [];
        return {
          collect: (d) => void docs.push(d),
          resolve() {
            const seen = ctx.state?.get<Seen>('exact-dup', 'seen') ?? {};
            let next = ctx.state?.get<number>('exact-dup', 'next') ?? 1;
            const groups = new Map<string, { doc: string; seq: number }[]>();
            for (const d of docs) {
              for (const b of d.blocks) {
                const key = createHash('sha1').update(b.text).digest('hex');
                if (!seen[key]) seen[key] = { id: null, first: { doc: d.id, seq: b.seq } };
                else groups.set(key, [...(groups.get(key) ?? [seen[key]!.first]), { doc: d.id, seq: b.seq }]);
              }
            }
            for (const [key, members] of groups) {
              const entry = seen[key]!;
              entry.id ??= `k${next++}`;
              clusters.push({ id: entry.id, canonical: 'x', canonicalReason: 'first copy', members });
            }
            ctx.state?.set('exact-dup', 'seen', seen);
            ctx.state?.set('exact-dup', 'next', next);
            for (const c of clusters) ctx.corpus.clusters.set(c.id, c);
          },
          apply(d) {
            for (const c of clusters) for (const m of c.members) if (m.doc === d.id) d.blocks.find((b) => b.seq === m.seq)!.cluster = c.id;
          },
        };
      },
    });
    const stages = [...configuredStages(resolveConfig({ pipeline: ['segment', 'normalize'] })), { stage: exactDup, options: {} }];
    const ws = workspace();
    const shared = 'Officials confirmed that the new bridge across the river will open to traffic on the first Monday of next month.';
    const other = 'A second statement, repeated word for word by several outlets, said the total cost had risen to forty million.';
    writeFileSync(path.join(ws.input, 'a.txt'), article(1, [other]));
    writeFileSync(path.join(ws.input, 'b.txt'), article(2, [other]));
    writeFileSync(path.join(ws.input, 'c.txt'), article(3, [shared]));
    await job(ws, { stages });
    const run1 = readJsonl(path.join(ws.output, 'clusters.jsonl'));
    expect(run1.map((c) => c.id)).toEqual(['k1']);

    writeFileSync(path.join(ws.input, 'd.txt'), article(4, [shared, other]));
    const second = await job(ws, { stages });
    const clusters = readJsonl(path.join(ws.output, 'clusters.jsonl'));
    // `other` keeps run 1's id k1 and gains d; `shared` (a singleton in run 1) becomes k2 with c and d.
    expect(clusters).toEqual([
      { id: 'k1', canonical: 'x', canonicalReason: 'first copy', members: [{ doc: 'a', paragraph: 2 }, { doc: 'b', paragraph: 2 }, { doc: 'd', paragraph: 3 }] },
      { id: 'k2', canonical: 'x', canonicalReason: 'first copy', members: [{ doc: 'c', paragraph: 2 }, { doc: 'd', paragraph: 2 }] },
    ]);
    // The earlier document c was not reprocessed, yet its paragraph now carries the new cluster id.
    const docs = Object.fromEntries(readJsonl(path.join(ws.output, 'documents.jsonl')).map((d) => [d.id, d.paragraphs as { cluster: string | null }[]]));
    expect(docs.c![2]!.cluster).toBe('k2');
    expect(docs.a![2]!.cluster).toBe('k1');
    expect(second.run.incremental).toMatchObject({ processedDocuments: 1, updatedDocuments: 1 });
    // The partition lists the new document and the earlier one whose record changed, and the touched clusters.
    expect(readJsonl(path.join(ws.output, 'runs', '000002', 'documents.jsonl')).map((d) => d.id)).toEqual(['c', 'd']);
    expect(readJsonl(path.join(ws.output, 'runs', '000002', 'clusters.jsonl')).map((c) => c.id)).toEqual(['k1', 'k2']);

    // When d goes away, k2 falls to one member and is dissolved; k1 keeps its id and a, b.
    rmSync(path.join(ws.input, 'd.txt'));
    await job(ws, { stages });
    expect(readJsonl(path.join(ws.output, 'clusters.jsonl')).map((c) => [c.id, (c.members as unknown[]).length])).toEqual([['k1', 2]]);
    const after = Object.fromEntries(readJsonl(path.join(ws.output, 'documents.jsonl')).map((d) => [d.id, d.paragraphs as { cluster: string | null }[]]));
    expect(after.c![2]!.cluster).toBeNull();
  });
});

describe('cross-run dedup with the built-in stage', () => {
  it('a copy in run 2 of a run-1 paragraph joins the run-1 cluster under the same id; a run-1 singleton gains its run-2 copy', async () => {
    const ws = workspace();
    const stages = dedupStages();
    const lone =
      'Farmers in the northern valley reported that the late frost had destroyed nearly half of the apricot harvest, and the regional government promised emergency payments before the summer.';
    const filler = fillerParagraphs(99);
    const doc = (...middle: string[]) => [filler(), filler(), ...middle, filler()].join('\n\n');
    writeFileSync(path.join(ws.input, 'a.txt'), doc(wire));
    writeFileSync(path.join(ws.input, 'b.txt'), doc(wire.replace('Thursday', 'Thursday evening')));
    writeFileSync(path.join(ws.input, 'c.txt'), doc(lone));
    await job(ws, { stages });
    const run1 = readJsonl(path.join(ws.output, 'clusters.jsonl'));
    expect(run1).toHaveLength(1);
    const wireId = run1[0]!.id;
    expect(run1[0]!.members).toEqual([{ doc: 'a', paragraph: 2 }, { doc: 'b', paragraph: 2 }]);

    // Run 2: one new document with a copy of each; the earlier documents are not reprocessed.
    writeFileSync(path.join(ws.input, 'd.txt'), doc(wire, lone));
    const second = await job(ws, { stages });
    expect(second.run.incremental?.processedDocuments).toBe(1);
    const clusters = readJsonl(path.join(ws.output, 'clusters.jsonl'));
    const wireCluster = clusters.find((c) => c.id === wireId);
    expect(wireCluster?.members).toEqual([{ doc: 'a', paragraph: 2 }, { doc: 'b', paragraph: 2 }, { doc: 'd', paragraph: 2 }]);
    const loneCluster = clusters.find((c) => c.id !== wireId);
    expect(loneCluster?.members).toEqual([{ doc: 'c', paragraph: 2 }, { doc: 'd', paragraph: 3 }]);
    const docs = Object.fromEntries(readJsonl(path.join(ws.output, 'documents.jsonl')).map((d) => [d.id, d.paragraphs as { cluster: string | null }[]]));
    expect(docs.d![2]!.cluster).toBe(wireId);
    expect(docs.c![2]!.cluster).toBe(loneCluster!.id);
  });
});

describe('canonical texts across runs', () => {
  it('a cluster keeps its canonical text when later runs bring spun, abridged or exact copies, takes a clearly better version, and drops a text whose documents are all deleted', async () => {
    const ws = workspace();
    const stages = dedupStages();
    const spun =
      'The foreign ministry stated on Thursday that negotiations between the two delegations would restart in Geneva next week, after a break of almost three months over the prisoner exchange.';
    const abridged = 'The foreign ministry said on Thursday that talks between the two delegations would resume in Geneva next week.';
    const fuller =
      wire.slice(0, -1) + ', which both governments had blamed on each other, and the mediators from Norway and Qatar would attend the first session as observers.';
    const filler = fillerParagraphs(7);
    const write = (name: string, paragraph: string) => writeFileSync(path.join(ws.input, `${name}.txt`), [filler(), paragraph, filler()].join('\n\n'));
    const wireCluster = () => {
      const all = readJsonl(path.join(ws.output, 'clusters.jsonl'));
      expect(all).toHaveLength(1);
      return all[0] as { id: string; canonical: string; members: unknown[]; canonicalMember?: unknown; [k: string]: unknown };
    };
    for (const name of ['a', 'b', 'c']) write(name, wire);
    await job(ws, { stages });
    const run1 = wireCluster();
    expect(run1.canonical).toBe(wire);

    // Run 2: a spun and an abridged copy. Chosen among the new members alone, the canonical
    // would flip to one of them; weighed against the three earlier members it stays.
    write('d', spun);
    write('e', abridged);
    const second = await job(ws, { stages });
    expect(second.run.incremental?.processedDocuments).toBe(2);
    const run2 = wireCluster();
    expect(run2.id).toBe(run1.id);
    expect(run2.members).toHaveLength(5);
    expect(run2.canonical).toBe(wire);
    // The record's counts describe the whole cluster, not this run's share of it.
    expect(run2).toMatchObject({ size: 5, documents: 5, canonicalMember: { doc: 'a', seq: 1 } });

    // An exact copy of the canonical text: the text stays, and so does the member it is taken from.
    write('f', wire);
    await job(ws, { stages });
    expect(wireCluster()).toMatchObject({ id: run1.id, canonical: wire, size: 6, canonicalMember: { doc: 'a', seq: 1 } });

    // Run 4: a fuller version, copied by more sites than the cluster had members: it outscores the earlier text.
    for (const name of ['g', 'h', 'i', 'j', 'k', 'l', 'm']) write(name, fuller);
    await job(ws, { stages });
    const run3 = wireCluster();
    expect(run3.id).toBe(run1.id);
    expect(run3.members).toHaveLength(13);
    expect(run3).toMatchObject({ size: 13, documents: 13 });

    // The document the canonical was taken from is deleted: an exact copy in another document stands in.
    rmSync(path.join(ws.input, 'g.txt'));
    write('n', spun);
    await job(ws, { stages });
    expect(wireCluster()).toMatchObject({ canonical: fuller, size: 13, canonicalMember: { doc: 'h', seq: 1 } });

    // Every document with that text is deleted (a takedown): it is not kept as the canonical text.
    for (const name of ['h', 'i', 'j', 'k', 'l', 'm']) rmSync(path.join(ws.input, `${name}.txt`));
    write('o', wire);
    await job(ws, { stages });
    const after = wireCluster();
    expect(after).toMatchObject({ id: run1.id, canonical: wire, size: 8, canonicalMember: { doc: 'o', seq: 1 } });
    expect(readFileSync(path.join(ws.output, 'clusters.jsonl'), 'utf8')).not.toContain('Norway and Qatar');
    expect(run3.canonical).toBe(fuller);
  });
});

describe('state schema 3 (cached output lines)', () => {
  it('a state written by schema 2 is upgraded without loss: the next runs write what a state that was never downgraded gives', async () => {
    const stages = configuredStages(resolveConfig({ pipeline: ['segment', 'normalize', 'reflow', 'dedup'] }));
    const wire =
      'The foreign ministry said on Thursday that talks between the two delegations would resume in Geneva next week, after a pause of almost three months over the prisoner exchange.';
    const lone =
      'Farmers in the northern valley reported that the late frost had destroyed nearly half of the apricot harvest, and the regional government promised emergency payments before the summer.';
    const texts = (seed: number) => {
      const filler = fillerParagraphs(seed, 20);
      return (...middle: string[]) => [filler(), filler(), ...middle, filler()].join('\n\n');
    };
    const upgraded = workspace();
    const reference = workspace();
    const write = (name: string, make: (doc: ReturnType<typeof texts>) => string, seed: number) => {
      for (const ws of [upgraded, reference]) writeFileSync(path.join(ws.input, name), make(texts(seed)));
    };
    write('a.txt', (doc) => doc(wire), 1);
    write('b.txt', (doc) => doc(wire.replace('Thursday', 'Thursday evening')), 2);
    write('c.txt', (doc) => doc(lone), 3);
    for (const ws of [upgraded, reference]) await job(ws, { stages });

    // Turn the upgraded workspace's state back into what schema 2 wrote: no output columns, user_version 2.
    const stateFile = path.join(upgraded.output, STATE_DIR, 'state.db');
    const db = new Database(stateFile);
    db.exec('ALTER TABLE documents DROP COLUMN output_lines; ALTER TABLE documents DROP COLUMN output_summary;');
    db.pragma('user_version = 2');
    db.close();

    const files = ['documents.jsonl', 'flags.jsonl', 'clusters.jsonl', 'set-aside.jsonl'];
    const same = (run: string) => {
      for (const f of [...files, ...files.map((x) => `runs/${run}/${x}`), `runs/${run}/changes.json`]) {
        expect(readFileSync(path.join(upgraded.output, f), 'utf8'), f).toBe(readFileSync(path.join(reference.output, f), 'utf8'));
      }
    };
    // Run 2: a copy of the wire paragraph and of the run-1 singleton: earlier documents change cluster ids.
    write('d.txt', (doc) => doc(wire, lone), 4);
    const results = [];
    for (const ws of [upgraded, reference]) results.push(await job(ws, { stages }));
    // c: its singleton paragraph joined a cluster (a and b were in the wire cluster already).
    expect(results.map((r) => r.run.incremental?.updatedDocuments)).toEqual([1, 1]);
    same('000002');
    const migrated = new Database(stateFile, { readonly: true });
    expect(migrated.pragma('user_version', { simple: true })).toBe(3);
    expect(migrated.prepare('SELECT count(*) AS n FROM documents WHERE output_lines IS NULL OR output_summary IS NULL').get()).toEqual({ n: 0 });
    migrated.close();

    // Run 3, from the lines the upgrade stored: another copy; b and d removed, so the wire cluster dissolves and a's line is patched.
    write('e.txt', (doc) => doc(lone), 5);
    for (const ws of [upgraded, reference]) for (const gone of ['b.txt', 'd.txt']) rmSync(path.join(ws.input, gone));
    results.length = 0;
    for (const ws of [upgraded, reference]) results.push(await job(ws, { stages }));
    expect(results.map((r) => r.run.incremental?.updatedDocuments)).toEqual([1, 1]);
    same('000003');
    const clusters = readJsonl(path.join(upgraded.output, 'clusters.jsonl'));
    expect(clusters.map((c) => (c.members as { doc: string }[]).map((m) => m.doc))).toEqual([['c', 'e']]);
    const a = readJsonl(path.join(upgraded.output, 'documents.jsonl')).find((d) => d.id === 'a');
    expect((a?.paragraphs as { cluster: string | null }[]).map((p) => p.cluster)).toEqual([null, null, null, null]);
  });
});

describe('state schema 3: unchanged documents are written from their cached lines', () => {
  it('a run with new documents neither decodes nor needs the payloads of unchanged ones; after a crash it rewrites their files from them', async () => {
    const ws = workspace();
    for (let i = 0; i < 4; i++) writeFileSync(path.join(ws.input, `a${i}.txt`), article(i));
    await job(ws);
    const before = readFileSync(path.join(ws.output, 'documents.jsonl'), 'utf8');
    // Payloads that cannot be decoded: a run that touched them would fail.
    const stateFile = path.join(ws.output, STATE_DIR, 'state.db');
    const db = new Database(stateFile);
    db.prepare(`UPDATE documents SET payload = X'00'`).run();
    db.close();
    writeFileSync(path.join(ws.input, 'b.txt'), article(9));
    const second = await job(ws);
    expect(second.run.incremental?.processedDocuments).toBe(1);
    const lines = readFileSync(path.join(ws.output, 'documents.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['a0', 'a1', 'a2', 'a3', 'b']);
    // The unchanged documents' lines are the bytes run 1 wrote.
    expect(lines.slice(0, 4).join('\n')).toBe(before.trimEnd());
    // Recovery after a crash rewrites docs/ and diffs/ of every document from the payloads, so there they are needed.
    const store = SqliteStateStore.open(stateFile);
    const { runId } = await store.beginRun(new Date().toISOString(), false);
    await store.markWriting(runId);
    await store.close();
    writeFileSync(path.join(ws.input, 'c.txt'), article(10));
    await expect(job(ws)).rejects.toThrow(/unexpected end of file/);
  });
});

describe('unchanged lines copied from the previous output files', () => {
  const spun = (n: number) => [`The Wall Avenue Journal reported the figures for project ${n} first, citing people who had seen the plan.`];
  const outputsOf = (dir: string) => ['documents.jsonl', 'flags.jsonl', 'clusters.jsonl', 'set-aside.jsonl'].map((f) => readFileSync(path.join(dir, f), 'utf8'));

  it('copies them from the files the last run wrote, and reads the state when those files were written by anything else', async () => {
    // Two folders with the same inputs and runs: in `ws` the state's cached lines cannot be inflated (a run
    // that reads them fails), in `twin` documents.jsonl was rewritten by someone else (same bytes, not the
    // file the run wrote), so its run reads the state.
    const ws = workspace();
    const twin = workspace();
    const add = (name: string, n: number) => {
      for (const w of [ws, twin]) writeFileSync(path.join(w.input, name), article(n, spun(n)));
    };
    for (let i = 0; i < 4; i++) add(`a${i}.txt`, i);
    await job(ws);
    await job(twin);
    expect(readJsonl(path.join(ws.output, 'flags.jsonl')).length).toBeGreaterThan(0);
    const db = new Database(path.join(ws.output, STATE_DIR, 'state.db'));
    db.prepare(`UPDATE documents SET output_lines = X'00'`).run();
    db.close();
    const touch = (w: { output: string }) => {
      const docs = path.join(w.output, 'documents.jsonl');
      writeFileSync(docs, readFileSync(docs));
      utimesSync(docs, new Date(2001, 1, 1), new Date(2001, 1, 1));
    };
    touch(twin);
    add('a1b.txt', 9);
    const second = await job(ws);
    expect(second.run.incremental?.processedDocuments).toBe(1);
    await job(twin);
    expect(outputsOf(ws.output)).toEqual(outputsOf(twin.output));
    // Not the file the last run wrote: `ws` now has to read the broken state, and says so.
    touch(ws);
    add('a2b.txt', 10);
    await expect(job(ws)).rejects.toThrow(/unexpected end of file/);
  });
});

describe('run lock through the CLI', () => {
  async function cli(ws: { input: string; output: string }): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    const code = await main(['node', 'newsclean', 'run', '--input', ws.input, '--output', ws.output, '--quiet']);
    vi.restoreAllMocks();
    return { code, stderr };
  }

  it('refuses a concurrent run with exit code 75 and says who holds the lock', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws.input, 'a.txt'), article(0));
    const lock = acquireLock(path.join(ws.output, STATE_DIR, 'lock'), { purpose: 'test' });
    try {
      const { code, stderr } = await cli(ws);
      expect(code).toBe(75);
      expect(stderr).toContain(`pid ${process.pid}`);
      expect(existsSync(path.join(ws.output, 'documents.jsonl'))).toBe(false);
    } finally {
      lock.release();
    }
    expect((await cli(ws)).code).toBe(0);
  });

  it('takes over a lock left by a killed run', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws.input, 'a.txt'), article(0));
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    mkdirSync(path.join(ws.output, STATE_DIR), { recursive: true });
    writeFileSync(path.join(ws.output, STATE_DIR, 'lock'), JSON.stringify({ pid: dead, hostname: os.hostname(), processStart: null, startedAt: '2020-01-01T00:00:00Z', purpose: 'killed' }));
    const { code } = await cli(ws);
    expect(code).toBe(0);
    expect(readJsonl(path.join(ws.output, 'documents.jsonl')).map((d) => d.id)).toEqual(['a']);
    expect(existsSync(path.join(ws.output, STATE_DIR, 'lock'))).toBe(false);
  });
});

describe('reading what the inventory listed', () => {
  it('reads the listed files, with the folder errors of that walk, without walking the folder again', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws.input, 'a.txt'), article(0));
    writeFileSync(path.join(ws.input, 'b.txt'), article(1));
    const files = await listInputs(ws.input, emptyStats(), []);
    // A file written after the listing is not read (it is new to the next run).
    writeFileSync(path.join(ws.input, 'c.txt'), article(2));
    const folderErrors = [{ source: 'sub/', stage: 'read', message: 'cannot read folder: EACCES' }];
    const stats = emptyStats();
    const read: string[] = [];
    for await (const item of readInputs(ws.input, { maxBytes: 1_000_000, listed: { files: files.filter((f) => f.rel === 'b.txt'), folderErrors } }, stats)) {
      read.push(item.kind === 'doc' ? item.doc.source : `error ${item.error.source}`);
    }
    expect(read).toEqual(['error sub/', 'b.txt']);
    expect(stats.files).toBe(1);
  });
});
