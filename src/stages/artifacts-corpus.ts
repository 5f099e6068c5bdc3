/**
 * Flag cross-document artifacts: name variants within a story, cluster-aware substitutions, document-level spun/MT scores.
 * Slot: pass-through until its issue lands.
 */
import { z } from 'zod';
import { defineCorpusStage } from '../core/stage.ts';

export default defineCorpusStage({
  name: 'artifacts-corpus',
  description: 'Flag cross-document artifacts: name variants within a story, cluster-aware substitutions, document-level spun/MT scores.',
  options: z.strictObject({}),
  start() { return { collect() {}, resolve() {}, apply() {} }; },
});
