import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'newsclean.mjs');
const root = mkdtempSync(path.join(os.tmpdir(), 'nc-sched-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('newsclean schedule', () => {
  it('runs the job on the cron schedule in child processes, logs each run as JSON, and skips ticks that overlap a run', () => {
    const input = path.join(root, 'in');
    const output = path.join(root, 'out');
    mkdirSync(input);
    writeFileSync(path.join(input, 'a.txt'), 'The council approved the new budget on Tuesday after a long debate about school funding and road repairs.\n');
    // Every second, two runs: a run (a child process) takes longer than a second, so ticks fall inside it.
    const r = spawnSync(process.execPath, [BIN, 'schedule', '--cron', '* * * * * *', '--max-runs', '2', '--input', input, '--output', output, '--log-format', 'json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    const lines = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const events = lines.map((l) => l.event);
    expect(events.filter((e) => e === 'scheduled-run-start')).toHaveLength(2);
    expect(lines.filter((l) => l.event === 'scheduled-run-end').map((l) => l.exitCode)).toEqual([0, 0]);
    expect(events).toContain('tick-skipped');
    // The child runs logged their own lines: the first one changed the outputs, the second found nothing new.
    expect(lines.filter((l) => l.event === 'run-end').map((l) => l.changed)).toEqual([true, false]);
    expect(JSON.parse(readFileSync(path.join(output, 'run.json'), 'utf8')).incremental.runId).toBe('000001');
  }, 150_000);

  it('rejects an invalid cron pattern as a usage error (exit 2)', () => {
    const r = spawnSync(process.execPath, [BIN, 'schedule', '--cron', 'every hour'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('invalid --cron "every hour"');
  }, 60_000);
});
