import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from './helpers/tmp.ts';
import { acquireLock, EXIT_LOCKED, LockBusyError, processStartTime } from '../src/state/lock.ts';

const tempDir = tempDirs('nc-lock-');
const tmp = () => path.join(tempDir(), '.newsclean', 'lock');

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

function busyError(fn: () => unknown): LockBusyError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LockBusyError) return err;
    throw err;
  }
  throw new Error('expected LockBusyError');
}

describe('run lock', () => {
  it('records pid, hostname and start time, and refuses a second holder with exit code 75', () => {
    const file = tmp();
    const lock = acquireLock(file, { purpose: 'test' });
    const owner = JSON.parse(readFileSync(file, 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, hostname: os.hostname(), purpose: 'test' });
    expect(Date.parse(owner.startedAt)).not.toBeNaN();
    const err = busyError(() => acquireLock(file));
    expect(err.exitCode).toBe(EXIT_LOCKED);
    expect(EXIT_LOCKED).toBe(75);
    expect(err.message).toContain(`pid ${process.pid}`);
    lock.release();
    expect(existsSync(file)).toBe(false);
    acquireLock(file).release();
  });

  it('takes over a lock whose process is gone', () => {
    const file = tmp();
    const pid = deadPid();
    acquireLock(file).release(); // creates the folder
    writeFileSync(file, JSON.stringify({ pid, hostname: os.hostname(), processStart: null, startedAt: '2020-01-01T00:00:00Z', purpose: 'killed' }));
    const stale: number[] = [];
    const lock = acquireLock(file, { onStale: (o) => stale.push(o.pid) });
    expect(lock.tookOverFrom?.pid).toBe(pid);
    expect(stale).toEqual([pid]);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    expect(existsSync(`${file}.takeover`)).toBe(false);
    lock.release();
  });

  it('detects a reused pid by its process start time (Linux)', () => {
    const start = processStartTime(process.pid);
    if (start === null) return; // no /proc: only the liveness check applies
    const file = tmp();
    acquireLock(file).release();
    writeFileSync(file, JSON.stringify({ pid: process.pid, hostname: os.hostname(), processStart: start - 1, startedAt: 'x', purpose: '' }));
    const lock = acquireLock(file);
    expect(lock.tookOverFrom?.pid).toBe(process.pid);
    lock.release();
  });

  it('never assumes a lock held on another host is stale', () => {
    const file = tmp();
    acquireLock(file).release();
    writeFileSync(file, JSON.stringify({ pid: deadPid(), hostname: 'some-other-host', processStart: null, startedAt: 'x', purpose: '' }));
    const err = busyError(() => acquireLock(file));
    expect(err.message).toContain('some-other-host');
    expect(err.message).toContain('delete');
  });

  it('leaves a fresh unreadable lock alone but takes over an old one', () => {
    const file = tmp();
    acquireLock(file).release();
    writeFileSync(file, '');
    busyError(() => acquireLock(file));
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const lock = acquireLock(file);
    expect(lock.tookOverFrom).toBeNull();
    lock.release();
  });

  it('takes over when a takeover guard was left by a killed process', () => {
    const file = tmp();
    acquireLock(file).release();
    const stale = JSON.stringify({ pid: deadPid(), hostname: os.hostname(), processStart: null, startedAt: 'x', purpose: '' });
    writeFileSync(file, stale);
    writeFileSync(`${file}.takeover`, stale);
    acquireLock(file).release();
    expect(existsSync(`${file}.takeover`)).toBe(false);
  });

  it('release does not remove a lock that someone else took over', () => {
    const file = tmp();
    const lock = acquireLock(file);
    writeFileSync(file, JSON.stringify({ pid: 1, hostname: os.hostname(), processStart: null, startedAt: 'other', purpose: '' }));
    lock.release();
    expect(existsSync(file)).toBe(true);
  });
});
