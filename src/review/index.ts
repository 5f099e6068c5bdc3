/**
 * Review decisions: load the files `review.decisions` lists, answer the
 * stages' questions (`ctx.review.isFlagRejected` …), and enforce the
 * decisions once more after the stages ran, so a decision holds even for a
 * stage that does not ask.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../config.ts';
import type { CorpusOutputs, ReviewDecisions } from '../core/stage.ts';
import type { Block, Doc } from '../core/types.ts';
import { decisionFileSchema, normalizeDecisionText, type Decision } from './format.ts';

export * from './format.ts';

/** Everything a run learns from its decision files, for run.json (`stages.review`). */
export interface ReviewSummary {
  files: string[];
  /** Rejections loaded, by type. */
  rejections: { flag: number; removal: number; clusterMember: number };
  /** What the post-run enforcement changed (stages that honour decisions themselves leave less to do). */
  applied: { flagsDropped: number; removalsRestored: number; clusterMembersDropped: number; clustersDissolved: number };
  /** Rejections that matched nothing in this run (the text changed, or the document is gone). */
  unmatched: Array<{ type: Decision['type']; doc: string; key: string; text: string }>;
}

export interface LoadedReviewDecisions extends ReviewDecisions {
  readonly decisions: readonly Decision[];
  readonly files: readonly string[];
  /** Decisions of verdict `reject` no question matched so far. */
  unmatched(): ReviewSummary['unmatched'];
}

function decisionKey(d: Decision, doc = d.doc): string {
  const scope = d.type === 'flag' ? d.kind : d.type === 'removal' ? d.reason : d.cluster;
  return keyOf(d.type, doc, scope, d.text);
}

function keyOf(type: Decision['type'], doc: string, scope: string, text: string): string {
  return [type, doc, scope, normalizeDecisionText(text)].join('\u0000');
}

/** Build the lookup from decisions in order; a later decision on the same item wins. */
export function createReviewDecisions(decisions: readonly Decision[], files: readonly string[] = []): LoadedReviewDecisions {
  const verdicts = new Map<string, Decision>();
  for (const d of decisions) verdicts.set(decisionKey(d), d);
  const used = new Set<string>();
  const rejected = (type: Decision['type'], doc: string, scope: string, text: string): boolean => {
    // A decision about this very document beats a `*` decision about every document.
    for (const k of [keyOf(type, doc, scope, text), keyOf(type, '*', scope, text)]) {
      const d = verdicts.get(k);
      if (!d) continue;
      if (d.verdict === 'accept') return false;
      used.add(k);
      return true;
    }
    return false;
  };
  return {
    decisions,
    files,
    isFlagRejected: (doc, kind, text) => rejected('flag', doc, kind, text),
    isRemovalRejected: (doc, reason, text) => rejected('removal', doc, reason, text),
    isClusterMemberRejected: (cluster, doc, text) => rejected('cluster-member', doc, cluster, text),
    unmatched() {
      return [...verdicts.entries()]
        .filter(([k, d]) => d.verdict === 'reject' && !used.has(k))
        .map(([, d]) => ({
          type: d.type,
          doc: d.doc,
          key: d.type === 'flag' ? d.kind : d.type === 'removal' ? d.reason : d.cluster,
          text: d.text,
        }));
    },
  };
}

/** Parse one decision file's JSON text; throws ConfigError naming the file and every bad field. */
export function parseDecisionFile(json: string, file: string): Decision[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new ConfigError(`review decisions ${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = decisionFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new ConfigError(`review decisions ${file} are invalid:\n  ${issues.join('\n  ')}`, issues);
  }
  return parsed.data.decisions;
}

/**
 * Load the decision files in config order (absolute paths, as loadConfig
 * resolves them). A listed file that is missing is a configuration error: a
 * reviewer's work must never be ignored silently.
 */
export async function loadReviewDecisions(files: readonly string[]): Promise<LoadedReviewDecisions> {
  const all: Decision[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`review decisions file ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    all.push(...parseDecisionFile(text, file));
  }
  return createReviewDecisions(all, files);
}

function restoreBlock(doc: Doc, removedIndex: number): void {
  const [r] = doc.removed.splice(removedIndex, 1);
  if (!r) return;
  const block: Block = { seq: r.seq, kind: r.kind, text: r.text, source: r.source, flags: [], cluster: null };
  const at = doc.blocks.findIndex((b) => b.seq > r.seq);
  doc.blocks.splice(at === -1 ? doc.blocks.length : at, 0, block);
  const restored = (doc.meta.reviewRestored as unknown[] | undefined) ?? [];
  doc.meta.reviewRestored = [...restored, { seq: r.seq, reason: r.reason, stage: r.stage }];
}

/**
 * Enforce rejections on the result of a run, in place: drop rejected flags,
 * put rejected removals back as kept blocks (in their original position), and
 * take rejected members out of their clusters (a cluster left with one member
 * is dissolved). Returns what it did, for run.json.
 */
export function applyReviewDecisions(docs: readonly Doc[], corpus: CorpusOutputs, review: LoadedReviewDecisions): ReviewSummary {
  return enforce(docs, corpus, review);
}

/**
 * What the pipeline calls after the stages: enforce decisions loaded from
 * files (and record the summary in run.json); a run without decision files,
 * or with a caller's own ReviewDecisions object, is left as the stages made it.
 */
export function enforceReviewDecisions(docs: readonly Doc[], corpus: CorpusOutputs, review: ReviewDecisions): ReviewSummary | null {
  if (!isLoaded(review) || (review.decisions.length === 0 && review.files.length === 0)) return null;
  return enforce(docs, corpus, review);
}

function isLoaded(review: ReviewDecisions): review is LoadedReviewDecisions {
  return 'decisions' in review && 'unmatched' in review;
}

function enforce(docs: readonly Doc[], corpus: CorpusOutputs, review: LoadedReviewDecisions): ReviewSummary {
  const applied: ReviewSummary['applied'] = { flagsDropped: 0, removalsRestored: 0, clusterMembersDropped: 0, clustersDissolved: 0 };
  const byId = new Map<string, Doc>();
  for (const doc of docs) {
    byId.set(doc.id, doc);
    if (doc.setAside) continue;
    for (let i = doc.removed.length - 1; i >= 0; i--) {
      const r = doc.removed[i]!;
      if (review.isRemovalRejected(doc.id, r.reason, r.text)) {
        restoreBlock(doc, i);
        applied.removalsRestored++;
      }
    }
    for (const block of doc.blocks) {
      const before = block.flags.length;
      block.flags = block.flags.filter((f) => !review.isFlagRejected(doc.id, f.kind, f.text));
      applied.flagsDropped += before - block.flags.length;
    }
    const before = doc.flags.length;
    doc.flags = doc.flags.filter((f) => !review.isFlagRejected(doc.id, f.kind, ''));
    applied.flagsDropped += before - doc.flags.length;
  }
  const blockOf = (doc: string, seq: number) => byId.get(doc)?.blocks.find((b) => b.seq === seq);
  for (const [id, cluster] of corpus.clusters) {
    const kept = cluster.members.filter((m) => {
      const block = blockOf(m.doc, m.seq);
      if (!block || !review.isClusterMemberRejected(id, m.doc, block.text)) return true;
      block.cluster = null;
      applied.clusterMembersDropped++;
      return false;
    });
    if (kept.length === cluster.members.length) continue;
    if (kept.length < 2) {
      for (const m of kept) {
        const block = blockOf(m.doc, m.seq);
        if (block) block.cluster = null;
      }
      corpus.clusters.delete(id);
      applied.clustersDissolved++;
    } else cluster.members = kept;
  }
  const count = (t: Decision['type']) => review.decisions.filter((d) => d.type === t && d.verdict === 'reject').length;
  const summary: ReviewSummary = {
    files: [...review.files],
    rejections: { flag: count('flag'), removal: count('removal'), clusterMember: count('cluster-member') },
    applied,
    unmatched: review.unmatched(),
  };
  corpus.summaries.review = summary;
  return summary;
}
