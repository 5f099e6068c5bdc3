/** What a detector returns: a flag on a span of one text, before it is attached to a block. */
export interface Detection {
  start: number;
  end: number;
  kind: string;
  /** 0..1 */
  confidence: number;
  suggestion: string | null;
  evidence: string;
}

/** Round a confidence to two decimals within [0, 1] (flags are compared and written out). */
export function clampConfidence(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 100) / 100;
}

/** Keep one detection per overlapping region: higher confidence first, then the longer span. */
export function dropOverlaps(detections: Detection[]): Detection[] {
  const sorted = [...detections].sort((a, b) => b.confidence - a.confidence || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Detection[] = [];
  for (const d of sorted) if (!kept.some((k) => d.start < k.end && k.start < d.end)) kept.push(d);
  return kept.sort((a, b) => a.start - b.start);
}
