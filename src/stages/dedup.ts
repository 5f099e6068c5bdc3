/**
 * Cluster near-duplicate paragraphs across documents into canonical paragraphs.
 * Slot: pass-through until its issue lands.
 */
import { z } from 'zod';
import { defineCorpusStage } from '../core/stage.ts';

export default defineCorpusStage({
  name: 'dedup',
  description: 'Cluster near-duplicate paragraphs across documents into canonical paragraphs.',
  options: z.strictObject({}),
  start() { return { collect() {}, resolve() {}, apply() {} }; },
});
