/**
 * pipeline.config.ts: typed `defineConfig()`, loading (jiti) and validation (zod).
 * Every option has a default, so a missing config file is a valid config.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { compareBytes } from './core/compare.ts';
import { builtinStages, DEFAULT_PIPELINE, type BuiltinStageName } from './stages/index.ts';

type StageOptionsInput = {
  [K in BuiltinStageName]?: z.input<(typeof builtinStages)[K]['options']>;
};

const stageOptionsSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(builtinStages).map(([name, stage]) => [name, (stage.options as z.ZodType).optional()]),
  ) as Record<string, z.ZodOptional<z.ZodType>>,
);

const stageName = z.string().refine((n) => n in builtinStages, {
  message: `unknown stage; known stages: ${Object.keys(builtinStages).join(', ')}`,
});

export const configSchema = z.strictObject({
  /**
   * Accepted document languages (ISO 639-1 like `en` or 639-3 like `eng`).
   * Documents detected as another language are set aside with reason
   * `language`. Empty = accept every language. Undetermined (`und`, too short)
   * documents are always kept.
   */
  languages: z.array(z.string().regex(/^[a-z]{2,3}$/, 'expected an ISO 639-1 or 639-3 code like "en"')).default([]),
  /** How many documents are in flight at once (p-limit). */
  concurrency: z.number().int().min(1).max(256).default(4),
  /** Stage order. Default: every built-in stage. */
  pipeline: z.array(stageName).min(1).default([...DEFAULT_PIPELINE]),
  /** Per-stage options, keyed by stage name. */
  stages: stageOptionsSchema.prefault({}),
  /** Reading the input folder (src/io/readers.ts). */
  input: z
    .strictObject({
      /**
       * Largest single document in bytes (a file, a decompressed .gz, or one
       * JSONL line). A larger one is a per-input error, so one runaway file
       * cannot exhaust memory. Default 64 MiB.
       */
      maxBytes: z.number().int().min(1).default(64 * 1024 * 1024),
    })
    .prefault({}),
  /** Review decision files exported from the report (paths relative to the config file). */
  review: z
    .strictObject({
      decisions: z.array(z.string()).default([]),
    })
    .prefault({}),
  /** Persistent state for incremental runs (SQLite). `path` null = `<output>/.newsclean/state.db`. */
  state: z
    .strictObject({
      enabled: z.boolean().default(true),
      path: z.string().nullable().default(null),
      /** Keep the per-run partitions `runs/<id>/` (and run history) of only the newest N runs; null keeps all. */
      keepRuns: z.number().int().min(1).nullable().default(null),
    })
    .prefault({}),
});

export type ResolvedConfig = z.output<typeof configSchema>;

export interface UserConfig {
  languages?: string[];
  concurrency?: number;
  pipeline?: BuiltinStageName[];
  stages?: StageOptionsInput;
  input?: { maxBytes?: number };
  review?: { decisions?: string[] };
  state?: { enabled?: boolean; path?: string | null; keepRuns?: number | null };
}

/** Identity function that gives `pipeline.config.ts` types and editor completion. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.map(String).join('.') : '(root)';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    const prefix = issue.path.length ? `${where}.` : '';
    return keys.map((k) => `${prefix}${k}: unknown key`).join('\n');
  }
  return `${where}: ${issue.message}`;
}

/** Validate a plain config object; throws ConfigError naming every wrong key. */
export function resolveConfig(input: unknown, origin = 'config'): ResolvedConfig {
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((i) => describeIssue(i).split('\n'));
    throw new ConfigError(`invalid ${origin}:\n  ${issues.join('\n  ')}`, issues);
  }
  // Fill every stage's defaults so the effective config (and its hash) is complete.
  const stages = parsed.data.stages as Record<string, unknown>;
  for (const [name, stage] of Object.entries(builtinStages)) {
    stages[name] = (stage.options as z.ZodType).parse(stages[name] ?? {});
  }
  return parsed.data;
}

export interface LoadedConfig {
  config: ResolvedConfig;
  /** Absolute path of the file, or null when none exists and defaults apply. */
  file: string | null;
  /** sha256 of the canonical JSON of the effective config (run.json). */
  hash: string;
}

/**
 * Import the config file with the running TypeScript loader (tsx under the CLI,
 * vitest, the bench scripts): milliseconds, where jiti re-transpiles and
 * re-evaluates every module the config imports (all stages: seconds). The
 * query string makes a changed file load afresh; only the config module itself
 * is re-evaluated. Undefined when it cannot be imported natively (no TS loader,
 * or an error: jiti then loads it and reports the error).
 */
async function importNative(abs: string): Promise<unknown> {
  try {
    const st = statSync(abs);
    const mod = (await import(`${pathToFileURL(abs).href}?mtime=${st.mtimeMs}&size=${st.size}`)) as Record<string, unknown>;
    return 'default' in mod ? mod.default : mod;
  } catch {
    return undefined;
  }
}

/**
 * Load and validate a config file. A missing file is fine only when it is the
 * default path (`explicit` false): an explicitly named file must exist.
 */
export async function loadConfig(file: string, explicit: boolean): Promise<LoadedConfig> {
  const abs = path.resolve(file);
  let raw: unknown = {};
  let found: string | null = null;
  if (existsSync(abs)) {
    raw = await importNative(abs);
    if (raw === undefined) {
      const { createJiti } = await import('jiti');
      const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false });
      try {
        raw = await jiti.import(abs, { default: true });
      } catch (err) {
        throw new ConfigError(`cannot load ${file}: ${(err as Error).message}`);
      }
    }
    found = abs;
  } else if (explicit) {
    throw new ConfigError(`config file not found: ${file}`);
  }
  const config = resolveConfig(raw, found ? path.relative(process.cwd(), found) || file : 'default config');
  if (found) {
    config.review.decisions = config.review.decisions.map((d) => path.resolve(path.dirname(found!), d));
  }
  return { config, file: found, hash: hashConfig(config) };
}

export function hashConfig(config: ResolvedConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

/** JSON with sorted keys, so equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareBytes(a, b)))
      : v,
  );
}
