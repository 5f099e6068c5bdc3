/**
 * Built-in stages by name, and the default pipeline order. The runner never
 * imports this file: the CLI resolves the configured names to stage objects.
 */
import type { Stage } from '../core/stage.ts';
import segment from './segment.ts';
import normalize from './normalize.ts';
import reflow from './reflow.ts';
import metadata from './metadata.ts';
import language from './language.ts';
import boilerplate from './boilerplate.ts';
import boilerplateRepeat from './boilerplate-repeat.ts';
import artifacts from './artifacts.ts';
import dedup from './dedup.ts';
import artifactsCorpus from './artifacts-corpus.ts';

export const builtinStages = {
  segment,
  normalize,
  reflow,
  metadata,
  language,
  boilerplate,
  'boilerplate-repeat': boilerplateRepeat,
  artifacts,
  dedup,
  'artifacts-corpus': artifactsCorpus,
} as const satisfies Record<string, Stage>;

export type BuiltinStageName = keyof typeof builtinStages;

/**
 * Default order. Segmentation keeps source offsets, so it runs on the raw text
 * before normalisation; boilerplate goes before artifact flags (flags on
 * boilerplate would be noise) and dedup before the corpus artifact pass (which
 * compares cluster members with their canonical text).
 */
export const DEFAULT_PIPELINE: BuiltinStageName[] = [
  'segment',
  'normalize',
  'reflow',
  'metadata',
  'language',
  'boilerplate',
  'boilerplate-repeat',
  'artifacts',
  'dedup',
  'artifacts-corpus',
];
