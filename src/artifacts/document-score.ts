/**
 * Detector 6: document-level `spun` and `machine-translated` flags from the
 * density of span flags. One spun phrase can be a typo or a quirk; a page with
 * one every hundred words was put through a spinner (or a translator).
 */
import type { Doc, DocFlag } from '../core/types.ts';
import { clampConfidence } from './detection.ts';
import { countChunks } from './tokens.ts';


export const SPUN_KINDS: ReadonlySet<string> = new Set(['spun-expression', 'collocation-anomaly', 'cluster-variant']);
export const MT_KINDS: ReadonlySet<string> = new Set([
  'glued-quote', 'missing-space', 'garbled-quotes', 'sentence-break', 'lost-apostrophe', 'abbreviation-flip', 'mixed-language',
]);

export interface DocumentScoreOptions {
  /** Minimum number of flags of the family. */
  minFlags: number;
  /** Minimum flags per 1,000 words. */
  minPer1000Words: number;
}

export function scoreDocument(doc: Doc, opts: DocumentScoreOptions, stage: string): DocFlag[] {
  const out: DocFlag[] = [];
  const families: [string, ReadonlySet<string>, string][] = [
    ['spun', SPUN_KINDS, 'synonym-spun phrases'],
    ['machine-translated', MT_KINDS, 'machine-translation debris'],
  ];
  // Whitespace-separated chunks: a density needs no exact tokenization. Counted only for a document with enough
  // flags of a family (few are), since this runs on every document.
  let words = -1;
  for (const [kind, kinds, label] of families) {
    const flags = doc.blocks.flatMap((b) => b.flags.filter((f) => kinds.has(f.kind)));
    if (flags.length < opts.minFlags) continue;
    if (words < 0) words = doc.blocks.reduce((n, b) => n + countChunks(b.text), 0);
    if (words === 0) return [];
    const per1000 = (flags.length / words) * 1000;
    if (per1000 < opts.minPer1000Words) continue;
    const byKind = new Map<string, number>();
    for (const f of flags) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
    const meanConfidence = flags.reduce((s, f) => s + f.confidence, 0) / flags.length;
    // Score: how far past the threshold the density is, weighted by how sure the span flags are.
    const score = clampConfidence(meanConfidence * Math.min(1, 0.5 + per1000 / (4 * opts.minPer1000Words)));
    out.push({
      kind,
      confidence: score,
      suggestion: null,
      evidence: `${flags.length} ${label} in ${words} words (${per1000.toFixed(1)} per 1,000; threshold ${opts.minPer1000Words}): ` +
        [...byKind].map(([k, n]) => `${k} ×${n}`).join(', '),
      stage,
    });
  }
  return out;
}
