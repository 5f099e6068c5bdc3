/**
 * Detect the language per document and per paragraph (franc); set aside documents outside config.languages.
 * Slot: pass-through until its issue lands.
 */
import { z } from 'zod';
import { defineDocumentStage } from '../core/stage.ts';

export default defineDocumentStage({
  name: 'language',
  description: 'Detect the language per document and per paragraph (franc); set aside documents outside config.languages.',
  options: z.strictObject({}),
  run() {},
});
