import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorDiff, explainDoc, resolveDocId, useColor } from '../src/report/cli.ts';
import { toDoc } from '../src/report/read.ts';
import { REPO_ROOT } from './helpers/shared.ts';
import { writeFixtureOutput } from './report.fixture.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'newsclean-report-cli-'));
const out = path.join(tmp, 'out');
beforeAll(() => writeFixtureOutput(out));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DIFF = '--- a/x.txt\n+++ b/x.txt\n@@ -1,2 +1,1 @@\n-Share this\n kept\n';

describe('terminal diff', () => {
  it('colours added, removed, hunk and header lines only when asked', () => {
    expect(colorDiff(DIFF, false)).toBe(DIFF);
    const coloured = colorDiff(DIFF, true);
    expect(coloured).toContain('\x1b[31m-Share this\x1b[0m');
    expect(coloured).toContain('\x1b[36m@@ -1,2 +1,1 @@\x1b[0m');
    expect(coloured).toContain('\x1b[1m--- a/x.txt\x1b[0m');
    expect(coloured).toContain('\n kept\n');
  });

  it('never passes control characters from content to the terminal', () => {
    const hostile = `-evil \x1b]0;pwned\x07 \x1b[2J text\r\n`;
    for (const color of [true, false]) {
      const printed = colorDiff(hostile, color).replace(/\x1b\[(?:0|1|2|3[1-6])m/g, '');
      expect(printed).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
      expect(printed).toContain('\\x1b]0;pwned\\x07');
    }
  });

  it('colour: a terminal yes, a pipe no; NO_COLOR off, FORCE_COLOR on, the flag wins over both', () => {
    expect(useColor({ isTTY: true }, undefined, {})).toBe(true);
    expect(useColor({ isTTY: false }, undefined, {})).toBe(false);
    expect(useColor({ isTTY: true }, undefined, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, undefined, { NO_COLOR: '' })).toBe(true);
    expect(useColor({ isTTY: false }, undefined, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor({ isTTY: true }, false, {})).toBe(false);
    expect(useColor({ isTTY: false }, true, { NO_COLOR: '1' })).toBe(true);
  });

  it('--explain lists removals with reasons and flags with suggestions', () => {
    const doc = toDoc({
      id: 'd',
      paragraphs: [{ text: 'The Wall Avenue Journal', seq: 1 }],
      removed: [{ text: 'Share this', reason: 'share', seq: 0 }],
      flags: [{ paragraph: 0, start: 4, end: 23, text: 'Wall Avenue Journal', kind: 'spun-expression', confidence: 0.85, suggestion: 'Wall Street Journal', evidence: 'street → avenue' }],
    });
    expect(explainDoc(doc, false)).toBe(
      '# d: 1 paragraphs kept, 1 blocks removed, 1 flags\n# removed [share] Share this\n# flag [spun-expression 0.85] ¶0 "Wall Avenue Journal" → "Wall Street Journal" — street → avenue\n',
    );
  });
});

describe('resolving a document id', () => {
  it('exact id, or a unique prefix', async () => {
    expect(await resolveDocId(out, 'wire-a')).toBe('wire-a');
    writeFileSync(path.join(out, 'diffs', 'hostile.diff'), DIFF);
    expect(await resolveDocId(out, 'host')).toBe('hostile');
  });

  it('ambiguous, set aside and unknown ids are usage errors that say why', async () => {
    writeFileSync(path.join(out, 'diffs', 'wire-b.diff'), DIFF);
    await expect(resolveDocId(out, 'wire')).rejects.toThrow('"wire" matches 2 documents: wire-a, wire-b');
    await expect(resolveDocId(out, 'german')).rejects.toThrow('document german was set aside (language: deu (accepted: en)); it has no diff');
    await expect(resolveDocId(out, 'nope')).rejects.toMatchObject({ name: 'UsageError', message: expect.stringContaining('no document "nope"') });
  });
});

describe('newsclean diff / report (the real command)', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/newsclean.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

  it('prints the plain diff in a pipe, exit 0; a wrong id or folder is exit 2', () => {
    const ok = cli(['diff', 'wire-a', '--output', out]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('-Home » News » World\n');
    expect(ok.stdout).not.toContain('\x1b[');
    const forced = cli(['diff', 'wire-a', '--output', out, '--color']);
    expect(forced.stdout).toContain('\x1b[31m-Home » News » World\x1b[0m');
    const bad = cli(['diff', 'nope', '--output', out]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('no document "nope"');
    const noFolder = cli(['report', '--output', path.join(tmp, 'missing')]);
    expect(noFolder.status).toBe(2);
    expect(noFolder.stderr).toContain('is not a newsclean output folder (no run.json)');
  });

  it('report builds the HTML report, then rewrites only what changed; --full renders every page', () => {
    const first = cli(['report', '--output', out]);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^report: .*report\/index\.html \(3 documents, 1 clusters, full build: no report yet, \d+ ms\)\n$/);
    const again = cli(['report', '--output', out]);
    // Nothing changed: no page rendered; the index shows run.json as before, so nothing is written either.
    expect(again.stdout).toMatch(/\(3 documents, 1 clusters, incremental: 0 pages rendered, 0 files written, 0 deleted, \d+ ms\)\n$/);
    const forced = cli(['report', '--output', out, '--full']);
    expect(forced.stdout).toMatch(/\(3 documents, 1 clusters, full build: requested, \d+ ms\)\n$/);
  });
});
