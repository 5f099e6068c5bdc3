/**
 * Two runs on the same input give byte-identical outputs, with documents
 * processed concurrently; only run.json's timing fields differ (README,
 * "Determinism").
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../src/gen/random.ts';
import { runPipeline } from '../src/pipeline.ts';
import { REPO_ROOT, SEEDS_DIR } from './helpers/shared.ts';

let work: string;
let input: string;
const CONFIG = path.join(REPO_ROOT, 'pipeline.config.ts');

/** Every file below `dir` (relative path → content). */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      // Dot folders hold run state (incremental runs), not outputs.
      if (name.startsWith('.')) continue;
      const abs = path.join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else files.set(path.relative(dir, abs), readFileSync(abs, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

const TIMING = new Set(['startedAt', 'finishedAt', 'seconds', 'ms']);
function withoutTiming(runJson: string): unknown {
  return JSON.parse(runJson, (k, v) => (TIMING.has(k) ? undefined : v));
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'newsclean-determinism-'));
  input = path.join(work, 'input');
  mkdirSync(path.join(input, 'seeds'), { recursive: true });
  for (const f of readdirSync(SEEDS_DIR).filter((f) => f.endsWith('.txt'))) copyFileSync(path.join(SEEDS_DIR, f), path.join(input, 'seeds', f));
  // Reuse the seeds' sentences to make more documents: syndicated copies, HTML pages, a JSONL export.
  const sentences = readdirSync(SEEDS_DIR)
    .filter((f) => f.endsWith('.txt'))
    .flatMap((f) => readFileSync(path.join(SEEDS_DIR, f), 'utf8').split(/(?<=[.!?])\s+/))
    .filter((s) => s.length > 40);
  const rng = createRng(42);
  const pick = () => rng.pick(sentences);
  const paragraphs = () => Array.from({ length: rng.int(2, 6) }, () => `${pick()} ${pick()}`);
  mkdirSync(path.join(input, 'html/site-a'), { recursive: true });
  for (let i = 0; i < 12; i++) {
    const body = paragraphs().map((p) => `<p>${p}</p>`).join('\n');
    writeFileSync(path.join(input, `html/site-a/page-${i}.html`), `<html><head><title>Story ${i}</title></head><body><article>${body}</article><footer><p>Share this story!</p></footer></body></html>`);
  }
  const records = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `rec-${i}`, title: `Record ${i}`, date: '2021-10-19', text: paragraphs().join('\n\n') }));
  records.splice(7, 0, '{"id": "broken", ');
  writeFileSync(path.join(input, 'export.jsonl.gz'), gzipSync(Buffer.from(records.join('\n'))));
  writeFileSync(path.join(input, 'notes.pdf'), 'skipped');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('determinism', () => {
  it('two runs with concurrency 4 give byte-identical outputs except run.json timing fields; concurrency 1 gives the same data', async () => {
    const out = path.join(work, 'out');
    const first = await runPipeline({ input, output: out, configFile: CONFIG, configExplicit: true, concurrency: 4 });
    expect(first.run.counts.documentsRead).toBe(5 + 12 + 30);
    expect(first.run.counts.failedInputs).toBe(1);
    const a = snapshot(out);
    await runPipeline({ input, output: out, configFile: CONFIG, configExplicit: true, concurrency: 4 });
    const b = snapshot(out);

    expect([...b.keys()]).toEqual([...a.keys()]);
    expect(a.has('documents.jsonl') && a.has('docs/seeds__003_f13e62c379a43971.txt')).toBe(true);
    for (const [file, content] of a) {
      if (file === 'run.json') expect(withoutTiming(b.get(file)!)).toEqual(withoutTiming(content));
      else if (file.startsWith('report/')) continue; // built by src/report from these files; checked by the report's own tests
      else expect(b.get(file), file).toBe(content);
    }
    expect(b.get('run.json')).not.toBe(undefined);

    const serialOut = path.join(work, 'serial');
    await runPipeline({ input, output: serialOut, configFile: CONFIG, configExplicit: true, concurrency: 1 });
    const c = snapshot(serialOut);
    for (const [file, content] of a) {
      if (file === 'run.json' || file.startsWith('report/')) continue;
      expect(c.get(file), file).toBe(content);
    }
  });
});
