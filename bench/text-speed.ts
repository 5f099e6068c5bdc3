/**
 * The text-dump speed figure of `npm run bench:extract`, timed in fresh processes.
 *
 * Why not in the bench's own process: on the 2-core VM this was measured on, a process now and
 * then runs the classifier a third slower for its whole life while the processes before and after
 * it run at full speed (docs/benchmarks.md, "Why the speed figure moves"; of 30 processes timed
 * back to back one was slow, of 16 in another series four). One process's passes cannot tell such
 * a process from slower code, so the figure is the median of SPEED_PROCESSES processes, each
 * timing the same dumps: a cold pass, then `passes` warm ones, of which it reports the median.
 * The processes run one after the other, each on one thread.
 *
 * Run as a script with `--child FILE PASSES AGGRESSIVENESS` it is one such process: it reads the
 * dumps (a JSON array of strings) from FILE and prints its timings as one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cleanDump } from './clean-dump.ts';
import { median } from './stats.ts';

/** Processes timed (odd, so the median is one of them). */
export const SPEED_PROCESSES = 3;

/** One process's timings, in documents per second: wall clock and per CPU second of the process. */
export interface ProcessTiming {
  /** The process that timed them. */
  pid: number;
  cold: number;
  passes: number[];
  cpuPasses: number[];
}

export interface TextSpeed {
  /** Median over the processes of each one's median warm pass (wall clock): the judged figure. */
  perSecond: number;
  /** The same per CPU second of each process (user + system). */
  perCpuSecond: number;
  processes: ProcessTiming[];
}

/** Times `passes` warm passes (after a cold one) over `dumps` in this process. */
export function timePasses(dumps: readonly string[], passes: number, aggressiveness?: number): ProcessTiming {
  const pass = () => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const d of dumps) {
      try {
        cleanDump(d, aggressiveness);
      } catch {
        // The bench's scored pass counts failures; here only the time matters.
      }
    }
    const cpu = process.cpuUsage(c0);
    return { wall: dumps.length / ((performance.now() - t0) / 1000), cpu: dumps.length / ((cpu.user + cpu.system) / 1e6) };
  };
  const cold = pass().wall;
  const warm = Array.from({ length: passes }, pass);
  return { pid: process.pid, cold, passes: warm.map((p) => p.wall), cpuPasses: warm.map((p) => p.cpu) };
}

/**
 * The TypeScript loader the processes start with: tsx, which runs the bench. Resolved from this
 * file, not taken from process.execArgv, so it also works when the caller is not run by tsx (a test).
 */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/** Times the dumps in SPEED_PROCESSES fresh processes, one after the other (see the file comment). */
export function timeInProcesses(dumps: readonly string[], passes: number, aggressiveness?: number, processes = SPEED_PROCESSES): TextSpeed {
  const dir = mkdtempSync(path.join(tmpdir(), 'newsclean-text-speed-'));
  try {
    const file = path.join(dir, 'dumps.json');
    writeFileSync(file, JSON.stringify(dumps));
    // Every process runs the same command.
    const args = ['--import', tsxLoader(), fileURLToPath(import.meta.url), '--child', file, String(passes), String(aggressiveness ?? '')];
    const timings: ProcessTiming[] = [];
    for (let p = 0; p < processes; p++) {
      let out: string;
      try {
        out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        const stderr = (e as { stderr?: string }).stderr?.trim();
        throw new Error(`text speed process ${p + 1} of ${processes} failed: ${stderr || (e as Error).message}`);
      }
      timings.push(JSON.parse(out.trim().split('\n').pop()!) as ProcessTiming);
    }
    return {
      perSecond: median(timings.map((t) => median(t.passes))),
      perCpuSecond: median(timings.map((t) => median(t.cpuPasses))),
      processes: timings,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child' && import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const [file, passesArg, aggressivenessArg] = process.argv.slice(3);
  const passes = Number(passesArg);
  if (!file || !Number.isInteger(passes) || passes < 1) {
    console.error('text-speed: usage: text-speed.ts --child DUMPS.json PASSES [AGGRESSIVENESS]');
    process.exit(2);
  }
  const dumps = JSON.parse(readFileSync(file, 'utf8')) as string[];
  console.log(JSON.stringify(timePasses(dumps, passes, aggressivenessArg ? Number(aggressivenessArg) : undefined)));
}
