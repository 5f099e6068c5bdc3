/**
 * Cluster near-duplicate paragraphs across the documents of a run into
 * canonical paragraphs (src/dedup, docs/dedup.md).
 *
 * Only kept blocks take part: removed boilerplate is already in doc.removed,
 * and blocks shorter than `minWords` words (or with fewer than
 * `minContentWords` content words) neither join nor found clusters. Clusters
 * with at least two members become ClusterRecords in ctx.corpus.clusters and
 * set `block.cluster` on their members; a paragraph without a copy gets no
 * cluster (clusters.jsonl is read by downstream tools that expect groups).
 *
 * What the cleaned documents do with copies (`mode`):
 *  - `keep` (default): every copy stays, tagged with its cluster id;
 *  - `replace`: a member whose text differs from the canonical text gets the
 *    canonical text, recorded as a TextFix (kind `dedup-canonical`) so the diff
 *    report shows it; span flags that no longer match the text are dropped and
 *    counted (`flags-superseded`);
 *  - `drop-repeats`: the first occurrence in input order (document order, then
 *    paragraph order) stays, later copies move to doc.removed with reason
 *    `duplicate` and the cluster id in the detail; the cluster record lists
 *    them under `droppedRepeats`.
 */
import { z } from 'zod';
import { removeBlocksWhere } from '../core/record.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineCorpusStage, type Logger, type StageState } from '../core/stage.ts';
import type { Block, ClusterRecord, Doc } from '../core/types.ts';
import { clusterParagraphs, type DedupInput, type EarlierCanonical } from '../dedup/cluster.ts';
import { DedupIndex, DEFAULT_INDEX_PARAMS, DEFAULT_THRESHOLDS, IndexParamsMismatch, type IndexParams, type MatchThresholds } from '../dedup/index.ts';

const STAGE = 'dedup';
const unit = z.number().min(0).max(1);

export const dedupOptions = z.strictObject({
  /** Paragraphs with fewer words do not take part in clustering. */
  minWords: z.number().int().min(1).default(8),
  /** Nor do paragraphs with fewer content words (function words not counted). */
  minContentWords: z.number().int().min(1).default(4),
  /** Aligned share of the shorter paragraph's content words, against the best representative of the cluster. */
  minContainment: unit.default(DEFAULT_THRESHOLDS.minContainment),
  /** The same over all words (function words included): tells copies from related paragraphs of one story. */
  minSurfaceContainment: unit.default(DEFAULT_THRESHOLDS.minSurfaceContainment),
  /** Content and surface containment against the cluster's leader: the chaining guard. */
  minLeaderContainment: unit.default(DEFAULT_THRESHOLDS.minLeaderContainment),
  minLeaderSurfaceContainment: unit.default(DEFAULT_THRESHOLDS.minLeaderSurfaceContainment),
  /** At least this many aligned content words. */
  minMatched: z.number().int().min(1).default(DEFAULT_THRESHOLDS.minMatched),
  /** Candidate clusters verified per paragraph (those sharing the most LSH bands): bounds the work on dumps whose paragraphs share one vocabulary. */
  maxCandidates: z.number().int().min(1).default(DEFAULT_THRESHOLDS.maxCandidates),
  /** LSH banding of the 128-value MinHash signature: bands × rows ≤ 128. More bands, fewer rows = more candidates. */
  bands: z.number().int().min(1).max(128).default(DEFAULT_INDEX_PARAMS.bands),
  rows: z.number().int().min(1).max(128).default(DEFAULT_INDEX_PARAMS.rows),
  /** Block kinds that take part (tables and code are not prose). */
  kinds: z
    .array(z.enum(['heading', 'paragraph', 'list-item', 'quote', 'caption', 'table', 'preformatted']))
    .default(['heading', 'paragraph', 'list-item', 'quote', 'caption']),
  /** What cleaned documents do with copies: keep them (tagged), replace them by the canonical text, or drop repeats. */
  mode: z.enum(['keep', 'replace', 'drop-repeats']).default('keep'),
}).refine((o) => o.bands * o.rows <= DEFAULT_INDEX_PARAMS.hashes, {
  message: `bands × rows must be at most ${DEFAULT_INDEX_PARAMS.hashes} (the signature length)`,
});

export type DedupOptions = z.output<typeof dedupOptions>;

interface Ref {
  doc: Doc;
  block: Block;
}

/**
 * Cross-run state (src/state, docs/scheduled-job.md): the near-duplicate index
 * as bytes, and the first paragraph of each cluster that has only one member
 * so far (index ids of singletons → {doc, seq}), so that when a later run
 * brings a copy, the earlier paragraph joins the cluster record too.
 */
const INDEX_KEY = 'index';
const SINGLETONS_KEY = 'singletons';
/**
 * Canonical text of every cluster with two or more members, with its weight (members of the
 * cluster) and the members that are exact copies of it (`sources`, ordered by run, then doc and
 * seq): a later run weighs it against the new members instead of choosing among the new ones only
 * (src/dedup/cluster.ts, EarlierCanonical). The text counts only while one of its sources is still
 * in the corpus unchanged: the text of a document that was deleted (a takedown) or rewritten does
 * not live on as a canonical.
 */
const CANONICALS_KEY = 'canonicals';
type Member = { doc: string; seq: number };
type Singletons = Record<string, Member>;
type StoredCanonical = EarlierCanonical & { sources: Member[] };
type Canonicals = Record<string, StoredCanonical>;

interface Persisted {
  index: DedupIndex;
  singletons: Singletons;
  canonicals: Canonicals;
}

function loadPersisted(
  state: StageState | null,
  params: Partial<IndexParams>,
  thresholds: Partial<MatchThresholds>,
  expected: number,
  log: Logger,
): Persisted {
  const fresh = (): Persisted => ({ index: new DedupIndex(params, thresholds, { expectedParagraphs: expected }), singletons: {}, canonicals: {} });
  const bytes = state?.getBytes?.(STAGE, INDEX_KEY);
  if (!state || !bytes) return fresh();
  // DedupIndex reads and writes files (atomically); the state hands over bytes.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'newsclean-dedup-'));
  try {
    const file = path.join(dir, 'index.bin');
    writeFileSync(file, bytes);
    return {
      index: DedupIndex.load(file, params, thresholds),
      singletons: state.get<Singletons>(STAGE, SINGLETONS_KEY) ?? {},
      canonicals: state.get<Canonicals>(STAGE, CANONICALS_KEY) ?? {},
    };
  } catch (err) {
    if (!(err instanceof IndexParamsMismatch)) throw err;
    log.warn('dedup index of earlier runs has other parameters; starting a new one', { error: err.message });
    return fresh();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function savePersisted(state: StageState | null, p: Persisted, indexIds: readonly (string | null)[], inputs: readonly DedupInput[], clustered: ReadonlySet<string>): void {
  if (!state?.setBytes) return;
  const singletons = p.singletons;
  for (const id of clustered) delete singletons[id];
  indexIds.forEach((id, i) => {
    if (id !== null && !clustered.has(id) && !singletons[id]) singletons[id] = { doc: inputs[i]!.doc, seq: inputs[i]!.seq };
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'newsclean-dedup-'));
  try {
    const file = path.join(dir, 'index.bin');
    p.index.save(file);
    state.setBytes(STAGE, INDEX_KEY, readFileSync(file));
    state.set(STAGE, SINGLETONS_KEY, singletons);
    state.set(STAGE, CANONICALS_KEY, p.canonicals);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default defineCorpusStage({
  name: STAGE,
  description: 'Cluster near-duplicate paragraphs across documents into canonical paragraphs.',
  options: dedupOptions,
  start(ctx) {
    const o = ctx.options;
    const kinds = new Set<string>(o.kinds);
    const refs: Ref[] = [];
    const inputs: DedupInput[] = [];
    /** block → cluster record, for apply. */
    const clusterOf = new Map<Block, ClusterRecord>();
    /** cluster id → its first member in input order (kept in `drop-repeats` mode). */
    const firstOccurrence = new Map<string, Ref>();
    return {
      collect(doc) {
        for (const block of doc.blocks) {
          if (!kinds.has(block.kind)) continue;
          refs.push({ doc, block });
          inputs.push({ doc: doc.id, seq: block.seq, text: block.text, flags: block.flags.length });
        }
      },
      resolve() {
        const t0 = performance.now();
        const params = { bands: o.bands, rows: o.rows };
        const thresholds = {
          minContainment: o.minContainment,
          minSurfaceContainment: o.minSurfaceContainment,
          minLeaderContainment: o.minLeaderContainment,
          minLeaderSurfaceContainment: o.minLeaderSurfaceContainment,
          minMatched: o.minMatched,
          maxCandidates: o.maxCandidates,
        };
        // Incremental runs: continue the index of earlier runs, so a copy of an earlier paragraph joins its cluster under the same id.
        const persisted = loadPersisted(ctx.state, params, thresholds, inputs.length, ctx.log);
        // Documents of earlier runs that are still there as they were: without the runner's word, all but this run's.
        const docsOfRun = new Set(refs.map((r) => r.doc.id));
        const known = ctx.state?.earlierDocuments;
        const stillThere = (m: Member) => (known ? known.has(m.doc) : !docsOfRun.has(m.doc));
        const earlier = new Map<string, StoredCanonical>();
        for (const [id, c] of Object.entries(persisted.canonicals)) {
          // (An entry without sources, from a state written before they were kept, does not count.)
          const sources = Array.isArray(c.sources) ? c.sources.filter(stillThere) : [];
          if (sources.length) earlier.set(id, { ...c, sources });
        }
        persisted.canonicals = Object.fromEntries(earlier);
        const result = clusterParagraphs(inputs, {
          minWords: o.minWords,
          minContentWords: o.minContentWords,
          index: persisted.index,
          earlier,
        });
        let rejected = 0;
        for (const c of result.clusters) {
          // A reviewer's "not a copy" decision takes the paragraph out of the cluster.
          const members = c.members.filter((i) => {
            const r = refs[i]!;
            const keep = i === c.canonical || !ctx.review.isClusterMemberRejected(c.id, r.doc.id, r.block.text);
            if (!keep) rejected++;
            return keep;
          });
          // A paragraph that was alone in an earlier run and has a copy now: that earlier paragraph is a member too.
          const earlierSingle = persisted.singletons[c.id];
          const earlierMembers = earlierSingle && stillThere(earlierSingle) ? [earlierSingle] : [];
          if (members.length + earlierMembers.length < 2 && !c.fromIndex) continue;
          const before = earlier.get(c.id);
          const copiesNow = c.canonicalCopies.map((i) => ({ doc: refs[i]!.doc.id, seq: refs[i]!.block.seq }));
          const first = refs[c.canonical];
          const canonical: StoredCanonical =
            c.keepsEarlier && before
              ? { ...before, sources: [...before.sources, ...copiesNow] }
              : { text: first!.block.text, copies: 0, flags: first!.block.flags.length, sources: copiesNow };
          canonical.copies = (before?.copies ?? 0) + earlierMembers.length + members.length;
          persisted.canonicals[c.id] = canonical;
          const record: ClusterRecord = {
            id: c.id,
            canonical: canonical.text,
            canonicalReason: c.canonicalReason,
            members: [...earlierMembers, ...members.map((i) => ({ doc: refs[i]!.doc.id, seq: refs[i]!.block.seq }))],
            extra: {
              size: members.length,
              documents: new Set(members.map((i) => refs[i]!.doc.id)).size,
              variants: c.variants,
              minContainment: Math.round(c.minContainment * 1000) / 1000,
              canonicalMember: canonical.sources[0]!,
            },
          };
          ctx.corpus.clusters.set(c.id, record);
          for (const i of members) {
            const block = refs[i]!.block;
            block.cluster = c.id;
            clusterOf.set(block, record);
          }
          // Input order: refs were collected document by document, block by block.
          firstOccurrence.set(c.id, refs[Math.min(...members)]!);
        }
        savePersisted(ctx.state, persisted, result.indexIds, inputs, new Set(ctx.corpus.clusters.keys()));
        ctx.count('paragraphs', result.counts.paragraphs);
        ctx.count('eligible', result.counts.eligible);
        ctx.count('clusters', ctx.corpus.clusters.size);
        ctx.count('clustered-paragraphs', clusterOf.size);
        if (rejected) ctx.count('rejected-by-review', rejected);
        ctx.corpus.summaries[STAGE] = {
          ...result.counts,
          clusters: ctx.corpus.clusters.size,
          mode: o.mode,
          ms: Math.round(performance.now() - t0),
        };
      },
      apply(doc) {
        if (o.mode === 'replace') {
          for (const block of doc.blocks) {
            const c = clusterOf.get(block);
            if (!c || block.text === c.canonical) continue;
            doc.fixes.push({ seq: block.seq, start: 0, end: block.text.length, before: block.text, after: c.canonical, kind: 'dedup-canonical', stage: STAGE });
            block.text = c.canonical;
            const kept = block.flags.filter((f) => c.canonical.slice(f.start, f.end) === f.text);
            if (kept.length < block.flags.length) ctx.count('flags-superseded', block.flags.length - kept.length);
            block.flags = kept;
            ctx.count('replaced');
          }
        } else if (o.mode === 'drop-repeats') {
          const dropped = removeBlocksWhere(doc, STAGE, (block) => {
            const c = clusterOf.get(block);
            const first = c && firstOccurrence.get(c.id);
            if (!c || !first || first.block === block) return null;
            const list = ((c.extra ??= {}).droppedRepeats ??= []) as { doc: string; seq: number }[];
            list.push({ doc: doc.id, seq: block.seq });
            return { reason: 'duplicate', detail: `copy in cluster ${c.id}; first occurrence: ${first.doc.id} block ${first.block.seq}` };
          });
          if (dropped) ctx.count('dropped-repeats', dropped);
        }
      },
    };
  },
});
