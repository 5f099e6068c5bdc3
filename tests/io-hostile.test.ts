/**
 * End to end: hostile record ids and file names in the input never make the
 * run write outside its output folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../src/pipeline.ts';

let base: string;

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'newsclean-hostile-'));
  const input = path.join(base, 'sandbox', 'input');
  mkdirSync(input, { recursive: true });
  const text = 'The envoy resigned on Monday after two decades of talks with the Taliban, the State Department said.';
  const hostileIds = ['../../x', '../escape', '/etc/passwd', '/tmp/abs', 'a\u0000b', 'tab\there\nnewline\u0007bell', '..', '.', '.hidden', 'C:\\Windows\\win.ini', 'ok', 'OK'];
  const lines = hostileIds.map((id) => JSON.stringify({ id, text: `${text} (${id.length})` }));
  writeFileSync(path.join(input, 'dump.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(path.join(input, 'dump2.jsonl.gz'), gzipSync(Buffer.from(`${JSON.stringify({ id: '../../../gz', text })}\n`)));
  // File names with characters that are legal on Linux but not in an id.
  writeFileSync(path.join(input, 'we ird name?.txt'), `${text}\n`);
  writeFileSync(path.join(input, 'ünïcödé.html'), `<p>${text}</p>`);
  mkdirSync(path.join(input, '..dots'));
  writeFileSync(path.join(input, '..dots', 'a.txt'), `${text}\n`);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('hostile ids end to end', () => {
  it('writes every file inside the output folder, under a safe and unique id', async () => {
    const sandbox = path.join(base, 'sandbox');
    const before = listTree(base).filter((p) => !p.startsWith('sandbox/out'));
    const output = path.join(sandbox, 'out');
    const { run } = await runPipeline({ input: path.join(sandbox, 'input'), output, configFile: path.join(base, 'none.config.ts'), configExplicit: false, report: false });

    expect(run.counts.documentsRead).toBe(12 + 1 + 2);
    // `..dots` is a hidden folder (leading dot): skipped and counted, not read.
    expect(run.counts.skipped).toEqual({ '(hidden)': 1 });
    // Nothing appeared anywhere but below the output folder.
    expect(listTree(base).filter((p) => !p.startsWith('sandbox/out'))).toEqual(before);

    const docs = readFileSync(path.join(output, 'documents.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; source: string });
    const aside = readFileSync(path.join(output, 'set-aside.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string });
    const ids = [...docs, ...aside].map((d) => d.id);
    expect(ids).toHaveLength(15);
    expect(new Set(ids.map((i) => i.toLowerCase())).size).toBe(15);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
    expect(ids).toContain('dump__ok');
    // The original key stays visible in `source`.
    expect(docs.map((d) => d.source)).toContain('dump.jsonl#../../x');
    for (const id of docs.map((d) => d.id)) {
      const file = path.join(output, 'docs', `${id}.txt`);
      expect(statSync(file).isFile()).toBe(true);
      expect(path.dirname(file)).toBe(path.join(output, 'docs'));
    }
  });
});
