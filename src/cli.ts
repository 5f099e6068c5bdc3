/**
 * The `newsclean` command line (commander).
 *
 * Each subcommand is registered by a small `register…(program)` function, so
 * adding one (`diff`, `report`, `schedule` …) is: write the function, add it
 * to `SUBCOMMANDS`. Exit codes are the contract for scheduled jobs:
 *   0 success · 1 fatal error · 2 usage or configuration error · 3 finished but some inputs failed
 *   · 75 another run holds the output folder (src/state/lock.ts)
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { TOOL } from './io/package-info.ts';
import { createLogger, stageLogger } from './log.ts';
import { registerReportCommands } from './report/cli.ts';
import { registerScheduleCommand } from './schedule/command.ts';
// Types only: the pipeline (and with it every stage) is loaded when a command
// runs, so `--help` and `--version` answer at once.
import type { ProgressEvent, RunRecord } from './pipeline.ts';

/** 75 is EX_TEMPFAIL (sysexits.h): another run holds the output folder's lock; try again later. */
export const EXIT = { ok: 0, fatal: 1, usage: 2, inputsFailed: 3, locked: 75 } as const;

/** Thrown by a subcommand to end with a given exit code (after printing `message`, if any). */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > 256) {
    throw new InvalidArgumentError('expected an integer from 1 to 256');
  }
  return n;
}

/** Progress on stderr: a bar on a terminal, nothing until the end otherwise. */
function progressReporter(enabled: boolean): { onProgress: (e: ProgressEvent) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ' {bar} {percentage}% | files {value}/{total} | {documents} documents | {phase}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let documents = 0;
  return {
    onProgress(e) {
      if (e.phase === 'read') {
        documents = e.documents;
        if (!started) {
          bar.start(e.filesTotal, 0, { documents, phase: 'reading' });
          started = true;
        }
        bar.update(e.filesDone, { documents, phase: 'reading' });
      } else if (e.phase === 'documents') {
        // Within one large JSONL file the file count stands still: show documents moving.
        documents = Math.max(documents, e.done);
        if (started) bar.update({ documents, phase: 'cleaning' });
      } else if (started) {
        const phase = e.phase === 'stage' ? e.stage : e.phase === 'write' ? 'writing' : 'report';
        bar.update({ documents, phase });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : 'none';
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** The end-of-run table (stdout). */
export function summaryTable(run: RunRecord): string {
  const c = run.counts;
  const rows: [string, string][] = [
    ['documents', String(c.documents)],
    ['set aside', `${sum(c.setAside)}${sum(c.setAside) ? ` (${formatCounts(c.setAside)})` : ''}`],
    ['failed inputs', String(c.failedInputs)],
    ['skipped files', `${sum(c.skipped)}${sum(c.skipped) ? ` (${formatCounts(c.skipped)})` : ''}`],
    ['paragraphs', String(c.paragraphs)],
    ['removed blocks', `${sum(c.removed)}${sum(c.removed) ? ` (${formatCounts(c.removed)})` : ''}`],
    ['flags', `${sum(c.flags)}${sum(c.flags) ? ` (${formatCounts(c.flags)})` : ''}`],
    ['clusters', String(c.clusters)],
    ['replaced bytes', String(c.replacedBytes)],
    ['seconds', run.seconds.toFixed(2)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

function oneLine(run: RunRecord): string {
  const c = run.counts;
  return `newsclean: ${c.documents} documents, ${sum(c.setAside)} set aside, ${c.failedInputs} failed inputs, ${sum(c.skipped)} skipped files → ${run.output} (${run.seconds.toFixed(2)} s)`;
}

interface RunCommandOptions {
  input: string;
  output: string;
  config: string;
  concurrency?: number;
  quiet?: boolean;
  full?: boolean;
  keepRuns?: number;
  state?: string;
  logFormat?: 'json' | 'pretty';
}

export function positiveCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function logFormat(value: string): 'json' | 'pretty' {
  if (value !== 'json' && value !== 'pretty') throw new InvalidArgumentError('expected json or pretty');
  return value;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('clean every document below the input folder and write the outputs')
    .option('-i, --input <dir>', 'input folder (.txt .md .html .htm .jsonl .ndjson, and .gz of these)', 'raw')
    .option('-o, --output <dir>', 'output folder', 'cleaned')
    .option('-c, --config <file>', 'config file (a missing default file means: all defaults)', 'pipeline.config.ts')
    .option('-j, --concurrency <n>', 'documents in flight at once (overrides the config)', positiveInt)
    .option('-q, --quiet', 'print nothing but errors')
    .option('--full', 'reprocess every input, not only new and changed ones (incremental runs: see docs/scheduled-job.md)')
    .option('--keep-runs <n>', 'keep the per-run partitions runs/<id>/ of only the newest N runs (overrides state.keepRuns)', positiveCount)
    .option('--state <path>', 'state database (default: <output>/.newsclean/state.db)')
    .option('--log-format <format>', 'log lines on stderr: json or pretty (default: json unless stdout is a terminal)', logFormat)
    .addHelpText(
      'after',
      `
Examples:
  $ newsclean run                                  # raw/ → cleaned/ with pipeline.config.ts
  $ newsclean run --input dumps/2021-10 --output out/2021-10 --concurrency 2
  $ newsclean run --config nightly.config.ts --quiet || echo "exit $?"

  $ newsclean run --keep-runs 48 --log-format json  # hourly job: only new inputs are processed

Exit codes: 0 success, 1 fatal error, 2 usage or configuration error, 3 finished but some inputs failed (see run.json "errors"),
75 another run holds the output folder (try again later).`,
    )
    .action(async (opts: RunCommandOptions, cmd: Command) => {
      const quiet = Boolean(opts.quiet);
      const progress = progressReporter(!quiet);
      const configExplicit = cmd.getOptionValueSource('config') === 'cli';
      // Incremental runs on persistent state, under the output folder's run lock (src/state).
      const { runJob } = await import('./state/incremental.ts');
      let run: RunRecord;
      let changed = true;
      try {
        ({ run, changed } = await runJob({
          input: opts.input,
          output: opts.output,
          configFile: opts.config,
          configExplicit,
          ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
          full: Boolean(opts.full),
          ...(opts.keepRuns !== undefined ? { keepRuns: opts.keepRuns } : {}),
          ...(opts.state !== undefined ? { statePath: opts.state } : {}),
          log: createLogger({ quiet, level: quiet ? 'error' : 'info', format: opts.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json') }),
          onProgress: progress.onProgress,
        }));
      } finally {
        progress.stop();
      }
      if (!quiet) {
        if (!changed) process.stderr.write('newsclean: no new or changed inputs; the outputs are current\n');
        // An empty input folder is a valid run, but in a scheduled job it usually means a wrong path.
        if (run.counts.inputs === 0) {
          const skipped = Object.entries(run.counts.skipped).map(([k, v]) => `${v} ${k}`).join(', ');
          process.stderr.write(`newsclean: warning: no input files in ${run.input}${skipped ? ` (skipped: ${skipped})` : ''}\n`);
        }
        process.stderr.write(`${oneLine(run)}\n`);
        process.stdout.write(`${summaryTable(run)}\n`);
      }
      if (run.counts.failedInputs > 0) {
        if (!quiet) {
          const shown = run.errors.slice(0, 10).map((e) => `  ${e.source}${e.line !== undefined ? `:${e.line}` : ''} [${e.stage}] ${e.message}`);
          const more = run.errors.length > shown.length ? [`  … and ${run.errors.length - shown.length} more in run.json`] : [];
          process.stderr.write(`some inputs failed:\n${[...shown, ...more].join('\n')}\n`);
        }
        throw new ExitError(EXIT.inputsFailed);
      }
    });
}

/** Subcommand registrations, in help order. Other modules add theirs here. */
const SUBCOMMANDS: ((program: Command) => void)[] = [registerRunCommand, registerReportCommands, registerScheduleCommand];

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('newsclean')
    .description('Clean scraped news dumps: strip boilerplate, flag machine-translation and spinning artifacts, cluster near-duplicate paragraphs.')
    .version(TOOL.version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ newsclean run                                   # clean raw/ into cleaned/ (pipeline.config.ts if present)
  $ newsclean run --input dumps --output out -j 2   # another dump, two documents at a time
  $ newsclean help run                              # every option of a command`,
    )
    .exitOverride();
  for (const register of SUBCOMMANDS) register(program);
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

/** Map an error to an exit code, printing what the user needs to know. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ExitError) {
    if (err.message) process.stderr.write(`newsclean: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof CommanderError) {
    // Help and version end "with an error" in commander's exitOverride mode.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  // By name: these classes live in modules the CLI loads lazily.
  const name = err instanceof Error ? err.name : '';
  if (name === 'ConfigError' || name === 'UsageError' || name === 'ScheduleError') {
    process.stderr.write(`newsclean: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  if (name === 'LockBusyError') {
    process.stderr.write(`newsclean: ${(err as Error).message}\n`);
    return EXIT.locked;
  }
  if (name === 'StateError') {
    process.stderr.write(`newsclean: state: ${(err as Error).message}\n`);
    return EXIT.fatal;
  }
  if (name === 'UnsafePathError') {
    process.stderr.write(`newsclean: refused to write: ${(err as Error).message}\n`);
    return EXIT.fatal;
  }
  // A system error (disk full, permission denied …) is explained by its message;
  // anything else is a bug, and its stack trace is what a bug report needs.
  const systemError = err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string';
  const detail = err instanceof Error ? (systemError && !process.env.NEWSCLEAN_DEBUG ? err.message : (err.stack ?? err.message)) : String(err);
  process.stderr.write(`newsclean: fatal: ${detail}\n`);
  return EXIT.fatal;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    return exitCodeFor(err);
  }
}
