/**
 * Lift title and date out of the body into document fields.
 * Slot: pass-through until its issue lands.
 */
import { z } from 'zod';
import { defineDocumentStage } from '../core/stage.ts';

export default defineDocumentStage({
  name: 'metadata',
  description: 'Lift title and date out of the body into document fields.',
  options: z.strictObject({}),
  run() {},
});
