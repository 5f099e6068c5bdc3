/**
 * `newsclean schedule --cron "0 * * * *" [run options]`: run the job in the
 * foreground on a cron schedule (src/schedule/scheduler.ts). Each tick spawns
 * `newsclean run` with the same run options, so every run takes the output
 * folder's lock, works incrementally on the state and logs its own lines.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { positiveCount } from '../cli.ts';
import { createLogger } from '../log.ts';
import { childProcessJob, describeCron, ScheduleError, startScheduler } from './scheduler.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/newsclean.mjs');

interface ScheduleOptions {
  cron: string;
  timezone?: string;
  runNow?: boolean;
  maxRuns?: number;
  input: string;
  output: string;
  config?: string;
  concurrency?: string;
  keepRuns?: string;
  state?: string;
  logFormat?: 'json' | 'pretty';
}

function cronPattern(value: string): string {
  try {
    describeCron(value);
  } catch (err) {
    throw new InvalidArgumentError((err as ScheduleError).message);
  }
  return value;
}

/** The `newsclean run` arguments a tick uses (values were validated by the run command's own parsers). */
export function runArguments(o: ScheduleOptions): string[] {
  const args = ['run', '--input', o.input, '--output', o.output];
  if (o.config !== undefined) args.push('--config', o.config);
  if (o.concurrency !== undefined) args.push('--concurrency', o.concurrency);
  if (o.keepRuns !== undefined) args.push('--keep-runs', o.keepRuns);
  if (o.state !== undefined) args.push('--state', o.state);
  if (o.logFormat !== undefined) args.push('--log-format', o.logFormat);
  return args;
}

export function registerScheduleCommand(program: Command): void {
  program
    .command('schedule')
    .description('run the job in the foreground on a cron schedule; a tick is skipped while the previous run is still going')
    .requiredOption('--cron <pattern>', 'cron pattern, 5 fields (minute hour day month weekday) or 6 with seconds first', cronPattern)
    .option('--timezone <tz>', 'IANA time zone of the pattern (default: the machine’s)')
    .option('--run-now', 'also run once right away instead of waiting for the first tick')
    .addOption(new Option('--max-runs <n>', 'stop after this many runs').argParser(positiveCount).hideHelp())
    .option('-i, --input <dir>', 'input folder', 'raw')
    .option('-o, --output <dir>', 'output folder', 'cleaned')
    .option('-c, --config <file>', 'config file (default: pipeline.config.ts when it exists)')
    .option('-j, --concurrency <n>', 'documents in flight at once (overrides the config)')
    .option('--keep-runs <n>', 'keep the per-run partitions of only the newest N runs')
    .option('--state <path>', 'state database (default: <output>/.newsclean/state.db)')
    .addOption(new Option('--log-format <format>', 'json or pretty (default: json unless stdout is a terminal)').choices(['json', 'pretty']))
    .addHelpText(
      'after',
      `
Examples:
  $ newsclean schedule --cron "0 * * * *" --input /data/dumps --output /data/cleaned --keep-runs 48
  $ newsclean schedule --cron "30 2 * * *" --timezone Europe/Berlin --run-now

Each run is a child process "newsclean run …" with these options; its exit code is logged
(75 = the output folder was locked by another run: logged as skipped). Ctrl-C stops the
schedule after the run in progress; a second Ctrl-C ends that run too (the next one redoes it).`,
    )
    .action(async (o: ScheduleOptions) => {
      const log = createLogger({ level: 'info', format: o.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json') });
      const child = childProcessJob(process.execPath, [BIN, ...runArguments(o)], log);
      const handle = startScheduler({
        cron: o.cron,
        ...(o.timezone ? { timezone: o.timezone } : {}),
        ...(o.runNow ? { runNow: true } : {}),
        ...(o.maxRuns !== undefined ? { maxRuns: o.maxRuns } : {}),
        log,
        job: child.job,
      });
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        log.info({ event: 'signal', signal }, signals === 1 ? 'stopping the schedule' : 'ending the run in progress');
        if (signals === 1) handle.stop();
        else child.interrupt();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        await handle.done;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
