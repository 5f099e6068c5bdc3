/**
 * The text-dump speed figure of `npm run bench:extract` is timed in fresh processes
 * (bench/text-speed.ts). These tests check the plumbing, not the speed: the processes run,
 * report one timing per pass, the figure is the median of their medians, and a failing
 * process is an error that says which one and why.
 */
import { describe, expect, it } from 'vitest';
import { timeInProcesses, timePasses } from '../bench/text-speed.ts';
import { cleanDump } from '../bench/clean-dump.ts';
import { median } from '../bench/stats.ts';

const DUMPS = [
  'Home\nNews\nThe council approved the new budget on Tuesday, after a debate that lasted for most of the afternoon.\nShare on Facebook\nLeave a Reply',
  'Startseite\nDer Stadtrat hat am Dienstag den neuen Haushalt beschlossen, nach einer Debatte, die fast den ganzen Nachmittag dauerte.\nTeilen',
];

describe('text-dump speed processes', () => {
  it('cleanDump keeps the prose line and drops the widget lines (the unit of work that is timed)', () => {
    expect(cleanDump(DUMPS[0]!)).toContain('The council approved the new budget');
    expect(cleanDump(DUMPS[0]!)).not.toContain('Leave a Reply');
  });

  it('times the warm passes asked for in this process, each a positive rate', () => {
    const t = timePasses(DUMPS, 3);
    expect(t.passes).toHaveLength(3);
    expect(t.cpuPasses).toHaveLength(3);
    for (const x of [t.cold, ...t.passes, ...t.cpuPasses]) expect(x).toBeGreaterThan(0);
  });

  it('runs each process on its own and reports the median of their medians', () => {
    const speed = timeInProcesses(DUMPS, 3, undefined, 3);
    expect(speed.processes).toHaveLength(3);
    // Three processes, none of them this one.
    const pids = speed.processes.map((p) => p.pid);
    expect(new Set(pids).size).toBe(3);
    expect(pids).not.toContain(process.pid);
    for (const p of speed.processes) {
      expect(p.passes).toHaveLength(3);
      for (const x of p.passes) expect(x).toBeGreaterThan(0);
    }
    expect(speed.perSecond).toBe(median(speed.processes.map((p) => median(p.passes))));
    expect(speed.perCpuSecond).toBe(median(speed.processes.map((p) => median(p.cpuPasses))));
  }, 60_000);

  it('a process that fails is an error naming it and its message', () => {
    expect(() => timeInProcesses(DUMPS, 0, undefined, 1)).toThrow(/text speed process 1 of 1 failed: .*usage/);
  }, 60_000);
});
