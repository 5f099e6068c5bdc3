/**
 * Split a document into paragraph-level blocks (blank lines in text, block elements in HTML).
 * Slot: pass-through until its issue lands.
 */
import { z } from 'zod';
import { defineDocumentStage } from '../core/stage.ts';

export default defineDocumentStage({
  name: 'segment',
  description: 'Split a document into paragraph-level blocks (blank lines in text, block elements in HTML).',
  options: z.strictObject({}),
  run() {},
});
