/**
 * Remove blocks that repeat across documents of the dump or of one host (template boilerplate).
 * Slot: pass-through until its issue lands.
 */
import { z } from 'zod';
import { defineCorpusStage } from '../core/stage.ts';

export default defineCorpusStage({
  name: 'boilerplate-repeat',
  description: 'Remove blocks that repeat across documents of the dump or of one host (template boilerplate).',
  options: z.strictObject({}),
  start() { return { collect() {}, resolve() {}, apply() {} }; },
});
