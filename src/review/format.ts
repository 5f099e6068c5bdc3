/**
 * The review decision file format: what the report exports and what
 * `review.decisions` in pipeline.config.ts points at. Documented in
 * docs/report.md; version it before changing the shape.
 */
import { z } from 'zod';

export const DECISIONS_FORMAT = 'newsclean-review-decisions';
export const DECISIONS_VERSION = 1;

/**
 * `reject`: the finding is wrong; later runs must not repeat it (deny list).
 * `accept`: the reviewer confirmed it; recorded for the audit trail, no effect on runs.
 */
const verdict = z.enum(['reject', 'accept']);

/** `*` as doc applies the decision to every document (e.g. a phrase that is fine everywhere). */
const common = {
  verdict,
  doc: z.string().min(1),
  note: z.string().default(''),
  decidedAt: z.string().nullable().default(null),
};

export const flagDecisionSchema = z.strictObject({
  type: z.literal('flag'),
  ...common,
  /** Flag kind, e.g. `spun-expression`. */
  kind: z.string().min(1),
  /** The flagged text (the span for span flags, empty for document-level flags). */
  text: z.string(),
});

export const removalDecisionSchema = z.strictObject({
  type: z.literal('removal'),
  ...common,
  /** Removal reason code, e.g. `share`. */
  reason: z.string().min(1),
  /** Text of the removed block. */
  text: z.string(),
});

export const clusterMemberDecisionSchema = z.strictObject({
  type: z.literal('cluster-member'),
  ...common,
  cluster: z.string().min(1),
  /** Text of the member paragraph the reviewer says is not a copy. */
  text: z.string(),
});

export const decisionSchema = z.discriminatedUnion('type', [flagDecisionSchema, removalDecisionSchema, clusterMemberDecisionSchema]);

export const decisionFileSchema = z.strictObject({
  format: z.literal(DECISIONS_FORMAT),
  version: z.literal(DECISIONS_VERSION),
  exportedAt: z.string().nullable().default(null),
  /** Which run the reviewer looked at (output folder, config hash); informational. */
  run: z.record(z.string(), z.unknown()).default({}),
  decisions: z.array(decisionSchema),
});

export type Decision = z.output<typeof decisionSchema>;
export type FlagDecision = z.output<typeof flagDecisionSchema>;
export type RemovalDecision = z.output<typeof removalDecisionSchema>;
export type ClusterMemberDecision = z.output<typeof clusterMemberDecisionSchema>;
export type DecisionFile = z.output<typeof decisionFileSchema>;

/**
 * Texts are compared after collapsing whitespace and applying Unicode NFC, so
 * a decision survives re-wrapping and normalisation differences between runs.
 */
export function normalizeDecisionText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}
