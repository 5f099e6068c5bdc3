/**
 * Unicode NFC, strip zero-width and control characters, normalise whitespace; curly quotes kept.
 * Slot: pass-through until its issue lands.
 */
import { z } from 'zod';
import { defineDocumentStage } from '../core/stage.ts';

export default defineDocumentStage({
  name: 'normalize',
  description: 'Unicode NFC, strip zero-width and control characters, normalise whitespace; curly quotes kept.',
  options: z.strictObject({}),
  run() {},
});
