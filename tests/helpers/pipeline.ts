/**
 * Run the configured pipeline on in-memory texts (no readers, no writers), so
 * stage behaviour is testable on strings.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { resolveConfig, type UserConfig } from '../../src/config.ts';
import { createDoc } from '../../src/core/doc.ts';
import { runStages, type RunStagesResult } from '../../src/core/runner.ts';
import type { Doc } from '../../src/core/types.ts';
import { configuredStages } from '../../src/stages/configure.ts';
import { SEEDS_DIR } from './shared.ts';

export interface TextInput {
  id: string;
  text: string;
  format?: 'text' | 'html';
  source?: string;
}

export async function runOnTexts(inputs: TextInput[], config: UserConfig = {}): Promise<RunStagesResult> {
  const resolved = resolveConfig(config);
  const docs: Doc[] = inputs.map((t) =>
    createDoc({ id: t.id, source: t.source ?? `${t.id}.txt`, format: t.format ?? 'text', raw: t.text }),
  );
  return runStages(
    docs.map((doc) => ({ kind: 'doc' as const, doc })),
    { stages: configuredStages(resolved), languages: resolved.languages, concurrency: resolved.concurrency },
  );
}

/** The five bundled sample articles, by id (file name without extension). */
export function seedTexts(): TextInput[] {
  return readdirSync(SEEDS_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => ({ id: f.replace(/\.txt$/, ''), source: f, text: readFileSync(path.join(SEEDS_DIR, f), 'utf8') }));
}

export async function runSeeds(config: UserConfig = { languages: ['en'] }) {
  const result = await runOnTexts(seedTexts(), config);
  const byId = new Map(result.docs.map((d) => [d.id, d]));
  return { ...result, doc: (prefix: string) => {
    const d = [...byId.values()].find((x) => x.id.startsWith(prefix));
    if (!d) throw new Error(`no seed document ${prefix}`);
    return d;
  } };
}
