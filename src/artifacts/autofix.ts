/**
 * Opt-in auto-fix: replace flagged spans by their suggestion for the kinds a
 * user named, above a confidence. Off by default — flags never change the text
 * unless configured. Every change is recorded as a TextFix in doc.fixes (the
 * diff report lists it), and the offsets of the block's other flags are moved
 * so they still point at the same text.
 */
import { z } from 'zod';
import type { Block, Doc, SpanFlag } from '../core/types.ts';

export const autoFixSchema = z
  .strictObject({
    /** Flag kinds to fix, e.g. ["spun-expression", "glued-quote"]. Empty = never change the text. */
    kinds: z.array(z.string().min(1)).default([]),
    /** Only flags at or above this confidence are fixed. */
    minConfidence: z.number().min(0).max(1).default(0.9),
  })
  .prefault({});

export type AutoFixOptions = z.output<typeof autoFixSchema>;

/**
 * Apply the eligible flags of one block. Fixes are applied from the end of the
 * text backwards, so each TextFix's start/end index the block text as it was
 * before this call; overlapping eligible flags keep only the first-found one.
 * Returns the number of fixes applied.
 */
export function applyAutoFixes(doc: Doc, block: Block, opts: AutoFixOptions, stage: string): number {
  if (opts.kinds.length === 0) return 0;
  const eligible = block.flags
    .filter((f) => f.suggestion !== null && opts.kinds.includes(f.kind) && f.confidence >= opts.minConfidence && !f.evidence.includes('(auto-fixed'))
    .sort((a, b) => b.start - a.start);
  let applied = 0;
  let lowestStart = Infinity;
  for (const flag of eligible) {
    if (flag.end > lowestStart) continue; // overlaps a fix already applied
    const before = block.text.slice(flag.start, flag.end);
    const after = flag.suggestion!;
    if (before === after) continue;
    const { start, end } = flag;
    block.text = block.text.slice(0, start) + after + block.text.slice(end);
    const delta = after.length - (end - start);
    for (const other of block.flags) {
      if (other === flag) continue;
      shiftFlag(other, start, end, delta);
    }
    flag.end = start + after.length;
    flag.evidence += ` (auto-fixed: was "${before}")`;
    doc.fixes.push({ seq: block.seq, start, end, before, after, kind: flag.kind, stage });
    lowestStart = start;
    applied++;
  }
  for (const f of block.flags) f.text = block.text.slice(f.start, f.end);
  return applied;
}

/** Move a flag's span after replacing [start, end) by a text `delta` characters longer. */
export function shiftFlag(f: SpanFlag, start: number, end: number, delta: number): void {
  if (f.start >= end) {
    f.start += delta;
    f.end += delta;
  } else if (f.end > start) {
    // Overlaps the replaced text: keep covering it, so the flag still spans what it was about.
    if (f.start > start) f.start = Math.min(f.start, end + delta);
    if (f.end >= end) f.end += delta;
    else f.end = Math.max(f.start, end + delta);
  }
}
