/**
 * Run lock: one run at a time per output folder.
 *
 * The lock is a file created with O_EXCL (`wx`), so creating it is atomic on
 * local filesystems. It records pid, hostname, the process start time and when
 * the run started, so a second run can say who holds it. A lock whose process
 * is gone (killed with -9, machine rebooted) is stale and is taken over:
 *
 * - same host, pid not alive → stale;
 * - same host, pid alive but a different process start time (the pid was
 *   reused by an unrelated process; Linux /proc only) → stale;
 * - another host → never assumed stale (we cannot look at its processes);
 *   the message says which host holds it and how to remove it by hand.
 *
 * Taking over goes through a guard file (`<lock>.takeover`, also O_EXCL) so
 * that two runs finding the same stale lock cannot both win.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** EX_TEMPFAIL from sysexits.h: "try again later". A scheduler or cron retries at the next tick. */
export const EXIT_LOCKED = 75;

export interface LockOwner {
  pid: number;
  hostname: string;
  /** Process start time in clock ticks since boot (Linux), null elsewhere. */
  processStart: number | null;
  startedAt: string;
  /** Free text: command line, output folder … */
  purpose: string;
}

export class LockBusyError extends Error {
  readonly exitCode = EXIT_LOCKED;
  constructor(
    readonly lockPath: string,
    readonly owner: LockOwner | null,
  ) {
    super(
      owner
        ? `another newsclean run holds ${lockPath} (pid ${owner.pid} on ${owner.hostname}, started ${owner.startedAt}); ` +
            (owner.hostname === os.hostname()
              ? 'wait for it to finish'
              : `it runs on another host; if you are sure it is gone, delete ${lockPath}`)
        : `another newsclean run is taking over the lock ${lockPath}; try again`,
    );
    this.name = 'LockBusyError';
  }
}

/** Start time of a process (field 22 of /proc/<pid>/stat), or null when not available. */
export function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : null;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the owner process is certainly gone (only decidable on this host). */
export function isStale(owner: LockOwner): boolean {
  if (owner.hostname !== os.hostname()) return false;
  if (!pidAlive(owner.pid)) return true;
  if (owner.processStart !== null) {
    const now = processStartTime(owner.pid);
    if (now !== null && now !== owner.processStart) return true;
  }
  return false;
}

function readOwner(file: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return null;
    return {
      pid: parsed.pid,
      hostname: parsed.hostname,
      processStart: typeof parsed.processStart === 'number' ? parsed.processStart : null,
      startedAt: String(parsed.startedAt ?? ''),
      purpose: String(parsed.purpose ?? ''),
    };
  } catch {
    return null;
  }
}

/** Create `file` exclusively with `content`; false if it already exists. */
function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

export interface AcquiredLock {
  path: string;
  owner: LockOwner;
  /** The owner of a stale lock this run took over, if any (for the log). */
  tookOverFrom: LockOwner | null;
  release(): void;
}

export interface AcquireOptions {
  purpose?: string;
  /** Called when a stale lock is found, before it is taken over. */
  onStale?: (owner: LockOwner) => void;
}

/**
 * Acquire the lock at `file` or throw LockBusyError at once (no waiting: a
 * scheduled job that finds the previous run still going should skip, not queue).
 */
export function acquireLock(file: string, opts: AcquireOptions = {}): AcquiredLock {
  mkdirSync(path.dirname(file), { recursive: true });
  const owner: LockOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    processStart: processStartTime(process.pid),
    startedAt: new Date().toISOString(),
    purpose: opts.purpose ?? '',
  };
  const content = `${JSON.stringify(owner)}\n`;
  let tookOverFrom: LockOwner | null = null;

  if (!createExclusive(file, content)) {
    const current = readOwner(file);
    if (current && !isStale(current)) throw new LockBusyError(file, current);
    // A lock file without a readable owner is either being written right now
    // (between open and write: leave it alone) or was cut short by a process
    // killed at that moment (old: take it over).
    if (!current && lockAgeMs(file) < UNREADABLE_LOCK_GRACE_MS) throw new LockBusyError(file, null);
    tookOverFrom = current;
    if (current) opts.onStale?.(current);
    takeOver(file, content, current);
  }

  let released = false;
  return {
    path: file,
    owner,
    tookOverFrom,
    release() {
      if (released) return;
      released = true;
      // Only remove the lock if it is still ours (never someone else's after a takeover).
      const holder = readOwner(file);
      if (holder && holder.pid === owner.pid && holder.startedAt === owner.startedAt) unlinkSync(file);
    },
  };
}

function takeOver(file: string, content: string, stale: LockOwner | null): void {
  const guard = `${file}.takeover`;
  if (!createExclusive(guard, content)) {
    const guardOwner = readOwner(guard);
    if (guardOwner && !isStale(guardOwner)) throw new LockBusyError(file, null);
    // The guard itself was left by a process killed mid-takeover.
    unlinkSync(guard);
    if (!createExclusive(guard, content)) throw new LockBusyError(file, null);
  }
  try {
    // Re-check under the guard: someone may have taken it over and released it since we read it.
    const now = readOwner(file);
    const same = (a: LockOwner | null, b: LockOwner | null) =>
      a === b || (a !== null && b !== null && a.pid === b.pid && a.startedAt === b.startedAt && a.hostname === b.hostname);
    if (now && !same(now, stale) && !isStale(now)) throw new LockBusyError(file, now);
    // Replace atomically: write beside, then rename over the stale lock.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } finally {
    try {
      unlinkSync(guard);
    } catch {
      /* already gone */
    }
  }
}

const UNREADABLE_LOCK_GRACE_MS = 5_000;

function lockAgeMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity; // gone meanwhile
  }
}

