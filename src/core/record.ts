/**
 * Helpers stages use to record what they did, so every change is explained
 * (like a vfile message or an ESLint report).
 */
import type { Block, Doc, DocFlag, RemovedBlock, SpanFlag } from './types.ts';

/** Move `doc.blocks[index]` to `doc.removed` with a reason code. Returns the removed record. */
export function removeBlock(
  doc: Doc,
  index: number,
  reason: string,
  stage: string,
  extra: { confidence?: number; detail?: string } = {},
): RemovedBlock {
  const block = doc.blocks[index];
  if (!block) throw new RangeError(`removeBlock: no block at index ${index} in ${doc.id}`);
  doc.blocks.splice(index, 1);
  const rec: RemovedBlock = {
    seq: block.seq,
    kind: block.kind,
    text: block.text,
    source: block.source,
    reason,
    stage,
    ...(extra.confidence !== undefined ? { confidence: extra.confidence } : {}),
    ...(extra.detail !== undefined ? { detail: extra.detail } : {}),
  };
  doc.removed.push(rec);
  return rec;
}

/**
 * Remove every block for which `decide` returns a reason (or null to keep).
 * Decisions are taken on the blocks as they were before this call.
 */
export function removeBlocksWhere(
  doc: Doc,
  stage: string,
  decide: (block: Block, index: number) => { reason: string; confidence?: number; detail?: string } | null,
): number {
  const decisions = doc.blocks.map((b, i) => decide(b, i));
  let removed = 0;
  for (let i = doc.blocks.length - 1; i >= 0; i--) {
    const d = decisions[i];
    if (d) {
      removeBlock(doc, i, d.reason, stage, d);
      removed++;
    }
  }
  return removed;
}

/** Add a flag on `block.text.slice(start, end)`. */
export function flagSpan(block: Block, flag: Omit<SpanFlag, 'text'> & { text?: string }): SpanFlag {
  if (flag.start < 0 || flag.end > block.text.length || flag.start > flag.end) {
    throw new RangeError(`flagSpan: span ${flag.start}-${flag.end} outside block of length ${block.text.length}`);
  }
  const f: SpanFlag = { ...flag, text: block.text.slice(flag.start, flag.end) };
  // The same detector may see the same span twice (e.g. two rules); keep one.
  if (!block.flags.some((x) => x.kind === f.kind && x.start === f.start && x.end === f.end)) block.flags.push(f);
  return f;
}

export function flagDocument(doc: Doc, flag: DocFlag): void {
  doc.flags = doc.flags.filter((f) => !(f.kind === flag.kind && f.stage === flag.stage));
  doc.flags.push(flag);
}

/** Cleaned text of a document: kept blocks separated by one blank line. */
export function cleanedText(doc: Doc): string {
  return doc.blocks.map((b) => b.text).join('\n\n');
}
