/**
 * Join lines a scraper split out of one paragraph.
 * Slot: pass-through until its issue lands.
 */
import { z } from 'zod';
import { defineDocumentStage } from '../core/stage.ts';

export default defineDocumentStage({
  name: 'reflow',
  description: 'Join lines a scraper split out of one paragraph.',
  options: z.strictObject({}),
  run() {},
});
