/**
 * Logging: pino to stderr by default (stdout carries the run summary).
 * Human-readable on a terminal, JSON lines otherwise, because a scheduled
 * job's log collector wants structured lines. `NEWSCLEAN_LOG_LEVEL` overrides
 * the level.
 */
import pino, { type Logger as PinoLogger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Logger } from './core/stage.ts';

export interface LogOptions {
  /** `pretty` (default when stderr is a terminal) or `json`. */
  format?: 'json' | 'pretty';
  /** Where lines go (default stderr): any object with `write(line)`. */
  destination?: pino.DestinationStream;
  /** pino level (default `info`; `error` when `quiet`). */
  level?: string;
  quiet?: boolean;
}

export function createLogger(opts: LogOptions = {}): PinoLogger {
  const level = process.env.NEWSCLEAN_LOG_LEVEL ?? opts.level ?? (opts.quiet ? 'error' : 'info');
  const format = opts.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  const destination =
    format === 'pretty'
      ? pinoPretty({ destination: opts.destination ?? 2, sync: true, colorize: !opts.destination && Boolean(process.stderr.isTTY), ignore: 'pid,hostname' })
      : (opts.destination ?? pino.destination({ fd: 2, sync: true }));
  return pino({ level, base: undefined }, destination);
}

/** The small logger interface stages receive (src/core/stage.ts), backed by pino. */
export function stageLogger(p: PinoLogger): Logger {
  return {
    debug: (msg, extra) => p.debug(extra ?? {}, msg),
    info: (msg, extra) => p.info(extra ?? {}, msg),
    warn: (msg, extra) => p.warn(extra ?? {}, msg),
  };
}
