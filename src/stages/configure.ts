/** Resolve a validated config's `pipeline` into stage objects with their options. */
import type { ResolvedConfig } from '../config.ts';
import type { ConfiguredStage } from '../core/runner.ts';
import { builtinStages, type BuiltinStageName } from './index.ts';

export function configuredStages(config: ResolvedConfig): ConfiguredStage[] {
  const options = config.stages as Record<string, unknown>;
  return config.pipeline.map((name) => ({
    stage: builtinStages[name as BuiltinStageName],
    options: options[name] ?? {},
  }));
}
