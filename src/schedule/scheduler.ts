/**
 * Foreground scheduler (`newsclean schedule --cron "0 * * * *"`).
 *
 * croner fires the job on the cron pattern; `protect` makes it skip a tick
 * while the previous run is still going (logged as `tick skipped`), instead of
 * queueing runs that would pile up behind a slow one. Each run is a fresh
 * child process (`newsclean run …`), so a run that crashes or leaks memory
 * cannot take the scheduler down, and the run lock in the output folder still
 * refuses a run started by hand (or by cron) meanwhile: that run exits 75 and
 * the scheduler logs it as `locked`, not as a failure.
 *
 * SIGINT/SIGTERM stop the schedule; a run in progress is allowed to finish
 * (a second signal forwards SIGTERM to it).
 */
import { Cron } from 'croner';
import { spawn } from 'node:child_process';
import type { Logger as PinoLogger } from 'pino';
import { EXIT_LOCKED } from '../state/lock.ts';

export interface JobOutcome {
  exitCode: number;
}

export type Job = (tick: { scheduledAt: Date; sequence: number }) => Promise<JobOutcome>;

export interface SchedulerOptions {
  cron: string;
  timezone?: string;
  /** Also run once right away instead of waiting for the first tick. */
  runNow?: boolean;
  /** Stop after this many started runs (tests, `--max-runs`). */
  maxRuns?: number;
  log: PinoLogger;
  job: Job;
}

export interface SchedulerHandle {
  /** Resolves when the schedule has stopped and no run is in progress. */
  done: Promise<void>;
  stop(): void;
  nextRun(): Date | null;
  /** Ticks skipped because a run was still going. */
  readonly skipped: number;
  readonly started: number;
}

export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

/** Validate a cron pattern (5 or 6 fields, croner syntax) and return its next times. */
export function describeCron(pattern: string, timezone?: string, count = 3): Date[] {
  try {
    const probe = new Cron(pattern, { paused: true, timezone });
    const next = probe.nextRuns(count);
    probe.stop();
    return next;
  } catch (err) {
    throw new ScheduleError(`invalid --cron "${pattern}": ${(err as Error).message}`);
  }
}

export function startScheduler(opts: SchedulerOptions): SchedulerHandle {
  describeCron(opts.cron, opts.timezone, 1);
  const log = opts.log;
  let skipped = 0;
  let started = 0;
  let current: Promise<void> | null = null;
  let stopping = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  const finishIfIdle = () => {
    if (stopping && !current) resolveDone();
  };

  const runOnce = async (scheduledAt: Date) => {
    const sequence = ++started;
    const t0 = Date.now();
    log.info({ event: 'scheduled-run-start', sequence, scheduledAt: scheduledAt.toISOString() }, 'scheduled run starting');
    try {
      const { exitCode } = await opts.job({ scheduledAt, sequence });
      const seconds = (Date.now() - t0) / 1000;
      const fields = { event: 'scheduled-run-end', sequence, exitCode, seconds };
      if (exitCode === 0) log.info(fields, 'scheduled run finished');
      else if (exitCode === EXIT_LOCKED) log.warn({ ...fields, event: 'scheduled-run-locked' }, 'scheduled run skipped: output folder locked by another run');
      else log.error({ ...fields, event: 'scheduled-run-failed' }, `scheduled run ended with exit code ${exitCode}`);
    } catch (err) {
      log.error({ event: 'scheduled-run-failed', sequence, error: (err as Error).message }, 'scheduled run could not start');
    }
    const next = cron.nextRun();
    if (next && !stopping) log.info({ event: 'next-run', at: next.toISOString() }, 'next run scheduled');
  };

  const trigger = (scheduledAt: Date) => {
    if (stopping) return;
    if (current) {
      skipped++;
      log.warn({ event: 'tick-skipped', scheduledAt: scheduledAt.toISOString(), skipped }, 'tick skipped: previous run still going');
      return;
    }
    current = runOnce(scheduledAt).finally(() => {
      current = null;
      if (opts.maxRuns !== undefined && started >= opts.maxRuns) handle.stop();
      finishIfIdle();
    });
    return current;
  };

  // `protect` is croner's overrun guard; the callback logs the skipped tick. We
  // also track `current` ourselves so that `runNow` (outside croner) is covered.
  const cron = new Cron(
    opts.cron,
    {
      timezone: opts.timezone,
      protect: (job) => {
        skipped++;
        log.warn({ event: 'tick-skipped', scheduledAt: new Date().toISOString(), skipped, nextRun: job.nextRun()?.toISOString() }, 'tick skipped: previous run still going');
      },
      catch: (err) => log.error({ event: 'scheduler-error', error: (err as Error).message }, 'scheduler error'),
    },
    async () => {
      await trigger(new Date());
    },
  );

  const handle: SchedulerHandle = {
    done,
    stop() {
      if (stopping) return;
      stopping = true;
      cron.stop();
      log.info({ event: 'schedule-stop', started, skipped, waiting: Boolean(current) }, current ? 'schedule stopped; waiting for the run in progress' : 'schedule stopped');
      finishIfIdle();
    },
    nextRun: () => cron.nextRun(),
    get skipped() {
      return skipped;
    },
    get started() {
      return started;
    },
  };

  log.info({ event: 'schedule-start', cron: opts.cron, timezone: opts.timezone ?? null, nextRun: cron.nextRun()?.toISOString() ?? null }, 'schedule started');
  if (opts.runNow) void trigger(new Date());
  return handle;
}

/** A job that runs the CLI in a child process with the given arguments. */
export function childProcessJob(command: string, args: readonly string[], log: PinoLogger): { job: Job; interrupt(): void } {
  let child: ReturnType<typeof spawn> | null = null;
  const job: Job = () =>
    new Promise((resolve, reject) => {
      child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        child = null;
        if (signal) log.warn({ event: 'run-signal', signal }, `run was ended by ${signal}`);
        resolve({ exitCode: code ?? 1 });
      });
    });
  return {
    job,
    interrupt() {
      child?.kill('SIGTERM');
    },
  };
}
