/**
 * The real command line, spawned as a user (or a scheduler) runs it: exit
 * codes are a contract.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { ConfigError } from '../src/config.ts';
import { EXIT, ExitError, exitCodeFor } from '../src/cli.ts';
import { checkFolders, UsageError } from '../src/pipeline.ts';
import { REPO_ROOT } from './helpers/shared.ts';

const BIN = path.join(REPO_ROOT, 'bin/newsclean.mjs');
const RAW = path.join(REPO_ROOT, 'raw');
const run = promisify(execFile);

let work: string;

async function newsclean(args: string[], cwd = work): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'newsclean-cli-'));
  mkdirSync(path.join(work, 'bad-input'));
  mkdirSync(path.join(work, 'good-input'));
  mkdirSync(path.join(work, 'empty-input'));
  writeFileSync(path.join(work, 'empty-input/scan.pdf'), '%PDF-1.4');
  writeFileSync(path.join(work, 'good-input/ok.txt'), 'A perfectly readable paragraph of news text.\n');
  writeFileSync(path.join(work, 'bad-input/ok.txt'), 'A perfectly readable paragraph of news text.\n');
  writeFileSync(path.join(work, 'bad-input/dump.jsonl'), `${JSON.stringify({ id: 'a', text: 'Good record.' })}\n{not json\n`);
  writeFileSync(path.join(work, 'unknown-key.config.ts'), 'export default { languages: ["en"], langauges: ["de"], stages: { segment: { bogus: 1 } } };\n');
  writeFileSync(path.join(work, 'wrong-type.config.ts'), 'export default { concurrency: "four" };\n');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.concurrent('newsclean CLI', () => {
  it('--version prints the package version; --help shows examples and exit codes', async () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const v = await newsclean(['--version']);
    expect(v).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const h = await newsclean(['run', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Examples:');
    expect(h.stdout).toContain('--concurrency <n>');
    expect(h.stdout).toMatch(/3 finished but some inputs failed/);
  });

  it('run on the sample exits 0, prints a summary and writes every contract file', async () => {
    const out = path.join(work, 'out-ok');
    const r = await newsclean(['run', '--input', RAW, '--output', out, '--concurrency', '2'], REPO_ROOT);
    expect(r.stderr).toMatch(/newsclean: 5 documents/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/documents\s+5/);
    expect(r.stdout).toMatch(/removed blocks\s+\d+/);
    for (const f of ['documents.jsonl', 'clusters.jsonl', 'flags.jsonl', 'set-aside.jsonl', 'run.json', 'report/index.html']) {
      expect(existsSync(path.join(out, f)), f).toBe(true);
    }
    const runJson = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(runJson).toMatchObject({ tool: { name: 'newsclean' }, concurrency: 2, counts: { inputs: 5, documentsRead: 5, failedInputs: 0 } });
    expect(runJson.config.file).toBe(path.join(REPO_ROOT, 'pipeline.config.ts'));
  });

  it('--quiet prints nothing on success', async () => {
    const r = await newsclean(['run', '--input', 'good-input', '--output', path.join(work, 'out-quiet'), '--quiet']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('warns when the input folder has no input files, and still writes an empty, valid output', async () => {
    const out = path.join(work, 'out-empty');
    const r = await newsclean(['run', '--input', 'empty-input', '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: no input files in .*empty-input \(skipped: 1 \.pdf\)/);
    expect(readFileSync(path.join(out, 'documents.jsonl'), 'utf8')).toBe('');
  });

  it('exits 3 when some inputs failed, after writing the outputs of the others', async () => {
    const out = path.join(work, 'out-bad');
    const r = await newsclean(['run', '--input', 'bad-input', '--output', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/dump\.jsonl:2 \[read\] malformed JSON/);
    const runJson = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(runJson.counts).toMatchObject({ documentsRead: 2, failedInputs: 1 });
    expect(runJson.errors).toEqual([{ source: 'dump.jsonl', stage: 'read', message: expect.stringMatching(/^malformed JSON/), line: 2 }]);
    expect(readFileSync(path.join(out, 'documents.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('exits 2 on usage errors: bad option value, unknown option, missing input folder, input inside output', async () => {
    const zero = await newsclean(['run', '--concurrency', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/concurrency.*integer from 1 to 256/);
    expect((await newsclean(['run', '--frobnicate'])).code).toBe(2);
    expect((await newsclean(['frobnicate'])).code).toBe(2);
    const missing = await newsclean(['run', '--input', 'no-such-folder', '--output', path.join(work, 'o')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/input folder not found: .*no-such-folder/);
    // The other folder checks in-process (each spawn costs a second or two).
    await expect(checkFolders(path.join(work, 'bad-input'), path.join(work, 'bad-input/ok.txt/out'))).rejects.toThrow(/output folder cannot be created: a part of .* is a file/);
    await expect(checkFolders(path.join(work, 'bad-input'), work)).rejects.toThrow(/inside it; choose another --output/);
    await expect(checkFolders(path.join(work, 'bad-input'), path.join(work, 'bad-input'))).rejects.toBeInstanceOf(UsageError);
    await expect(checkFolders(path.join(work, 'bad-input/ok.txt'), path.join(work, 'o5'))).rejects.toThrow(/input is not a folder/);
    await expect(checkFolders(path.join(work, 'bad-input'), path.join(work, 'bad-input', 'out'))).resolves.toBeUndefined();
  });

  it('exits 2 on configuration errors and names the key', async () => {
    const unknown = await newsclean(['run', '--config', 'unknown-key.config.ts', '--input', 'bad-input', '--output', path.join(work, 'o2')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('langauges: unknown key');
    expect(unknown.stderr).toContain('stages.segment.bogus: unknown key');
    const wrong = await newsclean(['run', '--config', 'wrong-type.config.ts', '--input', 'bad-input', '--output', path.join(work, 'o3')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/concurrency: .*expected number/i);
    const absent = await newsclean(['run', '--config', 'absent.config.ts', '--input', 'bad-input', '--output', path.join(work, 'o4')]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain('config file not found: absent.config.ts');
    // Nothing was written for a run that never started.
    expect(existsSync(path.join(work, 'o2'))).toBe(false);
  });
});

describe('exit code mapping', () => {
  it('maps each kind of failure to its documented code', () => {
    const stderr = process.stderr.write;
    const printed: string[] = [];
    process.stderr.write = ((chunk: string) => printed.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      expect(exitCodeFor(new ConfigError('invalid config:\n  concurrency: expected number'))).toBe(EXIT.usage);
      expect(exitCodeFor(new UsageError('input folder not found: x'))).toBe(EXIT.usage);
      expect(exitCodeFor(new CommanderError(1, 'commander.unknownOption', 'unknown option'))).toBe(EXIT.usage);
      expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(EXIT.ok);
      expect(exitCodeFor(new ExitError(EXIT.inputsFailed))).toBe(3);
      const disk = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
      expect(exitCodeFor(disk)).toBe(EXIT.fatal);
      expect(exitCodeFor(new TypeError('x is not a function'))).toBe(EXIT.fatal);
    } finally {
      process.stderr.write = stderr;
    }
    // A system error is explained by its message; a bug gets its stack trace.
    expect(printed.find((l) => l.includes('ENOSPC'))).toBe('newsclean: fatal: ENOSPC: no space left on device, write\n');
    expect(printed.find((l) => l.includes('TypeError'))).toMatch(/TypeError: x is not a function\n\s+at /);
  });
});
