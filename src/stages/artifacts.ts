/**
 * Flag machine-translation and spinning artifacts within one document.
 * Slot: pass-through until its issue lands.
 */
import { z } from 'zod';
import { defineDocumentStage } from '../core/stage.ts';

export default defineDocumentStage({
  name: 'artifacts',
  description: 'Flag machine-translation and spinning artifacts within one document.',
  options: z.strictObject({}),
  run() {},
});
