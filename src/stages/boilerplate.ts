/**
 * Remove boilerplate blocks (share/follow prompts, comment forms, bylines, copyright …) with a reason code.
 * Slot: pass-through until its issue lands.
 */
import { z } from 'zod';
import { defineDocumentStage } from '../core/stage.ts';

export default defineDocumentStage({
  name: 'boilerplate',
  description: 'Remove boilerplate blocks (share/follow prompts, comment forms, bylines, copyright …) with a reason code.',
  options: z.strictObject({}),
  run() {},
});
