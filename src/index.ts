/** Public API: config helper, stage contract and the pipeline for library use. */
export { defineConfig, resolveConfig, loadConfig, ConfigError } from './config.ts';
export type { UserConfig, ResolvedConfig } from './config.ts';
export { defineDocumentStage, defineCorpusStage } from './core/stage.ts';
export type { Stage, DocumentStage, CorpusStage, StageContext, CorpusRun } from './core/stage.ts';
export type * from './core/types.ts';
