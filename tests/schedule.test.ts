import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { describeCron, ScheduleError, startScheduler } from '../src/schedule/scheduler.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  // Synchronous sink: each pino line is parsed as it is written.
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: createLogger({ format: 'json', destination }), lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduler', () => {
  it('rejects an invalid cron pattern with a clear message', () => {
    expect(() => describeCron('every hour')).toThrow(ScheduleError);
    expect(() => describeCron('every hour')).toThrow(/invalid --cron "every hour"/);
    expect(() => describeCron('0 * * * *', 'Mars/Olympus')).toThrow(ScheduleError);
    const next = describeCron('0 * * * *', 'UTC', 2);
    expect(next).toHaveLength(2);
    expect(next[1]!.getTime() - next[0]!.getTime()).toBe(3_600_000);
    expect(next[0]!.getUTCMinutes()).toBe(0);
  });

  it('skips a tick while the previous run is still going, and logs each run', async () => {
    const { log, lines } = capture();
    let running = 0;
    let maxConcurrent = 0;
    // Every second; each run takes 1.5 s, so at least one tick falls inside a run.
    const handle = startScheduler({
      cron: '* * * * * *',
      maxRuns: 2,
      log,
      job: async () => {
        running++;
        maxConcurrent = Math.max(maxConcurrent, running);
        await sleep(1_500);
        running--;
        return { exitCode: 0 };
      },
    });
    await handle.done;
    expect(handle.started).toBe(2);
    expect(maxConcurrent).toBe(1);
    expect(handle.skipped).toBeGreaterThanOrEqual(2);
    const events = lines.map((l) => l.event);
    expect(events.filter((e) => e === 'tick-skipped').length).toBe(handle.skipped);
    expect(events.filter((e) => e === 'scheduled-run-start')).toHaveLength(2);
    expect(lines.filter((l) => l.event === 'scheduled-run-end').every((l) => l.exitCode === 0 && typeof l.seconds === 'number')).toBe(true);
  }, 15_000);

  it('logs a locked run (exit 75) as a skipped run and a failure as an error, and keeps going', async () => {
    const { log, lines } = capture();
    const codes = [75, 3];
    const handle = startScheduler({ cron: '0 0 1 1 *', runNow: true, maxRuns: 1, log, job: async () => ({ exitCode: codes.shift()! }) });
    await handle.done;
    expect(lines.find((l) => l.event === 'scheduled-run-locked')).toMatchObject({ exitCode: 75, level: 40 });
    const h2 = startScheduler({ cron: '0 0 1 1 *', runNow: true, maxRuns: 1, log, job: async () => ({ exitCode: codes.shift()! }) });
    await h2.done;
    expect(lines.find((l) => l.event === 'scheduled-run-failed')).toMatchObject({ exitCode: 3, level: 50 });
  });

  it('stops on request and waits for the run in progress', async () => {
    const { log, lines } = capture();
    let finished = false;
    const handle = startScheduler({
      cron: '0 0 1 1 *',
      runNow: true,
      log,
      job: async () => {
        await sleep(300);
        finished = true;
        return { exitCode: 0 };
      },
    });
    await sleep(50);
    handle.stop();
    await handle.done;
    expect(finished).toBe(true);
    expect(lines.find((l) => l.event === 'schedule-stop')).toMatchObject({ waiting: true });
  });
});
