/**
 * Cluster the paragraphs of one run: exact duplicates first (normalised-text
 * key), then near duplicates through the index (LSH candidates, verified by
 * alignment against the cluster's leader and representatives).
 *
 * Order independence: distinct texts are added in an order that depends only
 * on their content (most content words first, so a cluster's leader is its
 * fullest version and abridged or split copies are checked for containment in
 * it; ties by key), so shuffling the input changes neither clusters nor ids
 * nor canonical texts.
 */
import { chooseCanonical } from './canonical.ts';
import { FeatureExtractor } from './features.ts';
import { DedupIndex, IntPool, type IndexParams, type MatchThresholds } from './index.ts';
import { extractFeatures, type ParallelOptions } from './parallel.ts';

export interface DedupInput {
  doc: string;
  seq: number;
  text: string;
  /** Artifact flags on this paragraph (fewer is better for the canonical choice). */
  flags?: number;
}

export interface EligibilityOptions {
  /** Paragraphs with fewer words do not take part (too short to tell a copy from a coincidence). */
  minWords: number;
  /** Nor do paragraphs with fewer content words (after function words are skipped). */
  minContentWords: number;
}

export const DEFAULT_ELIGIBILITY: EligibilityOptions = { minWords: 8, minContentWords: 4 };

export interface DedupCluster {
  id: string;
  /** Input indexes, ordered by (doc, seq). */
  members: number[];
  /** Input index of the member whose text is canonical; -1 when an earlier run's canonical text stays and no member of this run is an exact copy of it. */
  canonical: number;
  canonicalReason: string;
  /** True when the canonical text chosen by an earlier run stays (`ClusterOptions.earlier`). */
  keepsEarlier: boolean;
  /** Input indexes of this run's members that are exact copies of the canonical text, ordered by (doc, seq). */
  canonicalCopies: number[];
  /** Distinct texts among the members. */
  variants: number;
  /** Smallest containment with which a member joined (1 for exact copies only). */
  minContainment: number;
  /** True when the cluster existed in the index before this run. */
  fromIndex: boolean;
}

export interface DedupResult {
  clusters: DedupCluster[];
  /** Per input: cluster id or null. */
  assignment: (string | null)[];
  /** Per input: the index cluster it joined or founded, singletons included (null when not eligible); cross-run bookkeeping (src/stages/dedup.ts). */
  indexIds: (string | null)[];
  counts: { paragraphs: number; eligible: number; distinct: number; clustered: number; clusters: number };
  /** Wall and process CPU milliseconds per phase (features, index, canonical choice): where a slow run spends its time. */
  phases: PhaseTime[];
}

export interface PhaseTime {
  phase: string;
  ms: number;
  /** Process CPU time (every thread: the extraction worker's included). */
  cpuMs: number;
}

class PhaseClock {
  readonly times: PhaseTime[] = [];
  private wall = performance.now();
  private cpu = process.cpuUsage();
  lap(phase: string): void {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    this.times.push({ phase, ms: Math.round(wall - this.wall), cpuMs: Math.round((cpu.user + cpu.system - this.cpu.user - this.cpu.system) / 1000) });
    this.wall = wall;
    this.cpu = cpu;
  }
}

/**
 * The canonical text of a cluster of an earlier run (incremental runs, src/stages/dedup.ts).
 * It takes part in this run's canonical choice as if it were `copies` exact copies, one per earlier
 * member: the earlier members' own texts are not kept, and weighting the text that represented them
 * by their number keeps a canonical stable across runs unless a new member is clearly better
 * (a spun or abridged newcomer never displaces it; a fuller, cleaner version outscoring all earlier
 * members can). Deterministic: it depends on the state and this run's inputs only.
 */
export interface EarlierCanonical {
  text: string;
  /** Members of the cluster when that canonical was chosen (at least 1). */
  copies: number;
  /** Artifact flags on the canonical text (per copy). */
  flags: number;
}

export interface ClusterOptions extends Partial<EligibilityOptions>, ParallelOptions {
  /** Canonical texts of earlier runs' clusters, by cluster id (only clusters of `index` are looked up). */
  earlier?: ReadonlyMap<string, EarlierCanonical>;
  index?: DedupIndex;
  params?: Partial<IndexParams>;
  thresholds?: Partial<MatchThresholds>;
  extractor?: FeatureExtractor;
}

/** One distinct normalised text (its exact copies grouped). Features stay packed in the store (`first` finds them). */
interface Unit {
  key: string;
  /** Input index of the first copy (its features stand for all). */
  first: number;
  contentTokens: number;
  surfaceTokens: number;
  inputs: number[];
  flags: number;
  cluster: number;
  containment: number;
  /** Where this unit's content tokens are kept after indexing (see `joinedTokens`); -1: the index holds them (it founded the cluster). */
  tokenAt: number;
  tokenLength: number;
}

export function clusterParagraphs(inputs: readonly DedupInput[], opts: ClusterOptions = {}): DedupResult {
  const elig = { ...DEFAULT_ELIGIBILITY, ...opts };
  const extractor = opts.extractor ?? new FeatureExtractor();
  const index = opts.index ?? new DedupIndex(opts.params, opts.thresholds, { expectedParagraphs: inputs.length, extractor });
  const existing = index.size;

  const phases = new PhaseClock();
  const units = new Map<string, Unit>();
  let eligible = 0;
  const store = extractFeatures(inputs.map((input) => input.text), extractor, opts);
  store.forEach((f, i) => {
    const input = inputs[i]!;
    if (f.words < elig.minWords || f.tokens.length < elig.minContentWords) return;
    eligible++;
    const u = units.get(f.key);
    if (u) {
      u.inputs.push(i);
      u.flags += input.flags ?? 0;
    } else {
      units.set(f.key, {
        key: f.key, first: i, contentTokens: f.tokens.length, surfaceTokens: f.surface.length,
        inputs: [i], flags: input.flags ?? 0, cluster: -1, containment: 1, tokenAt: -1, tokenLength: 0,
      });
    }
  });

  phases.lap('extract');
  let unitTokens = 0;
  for (const u of units.values()) unitTokens += u.contentTokens + u.surfaceTokens;
  index.reserveTokens(unitTokens);
  const ordered = [...units.values()].sort((a, b) => b.contentTokens - a.contentTokens || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // Content tokens for the canonical choice: a unit that founded a cluster finds its own in
  // the index (its leader); the others are copied into one pool (per-paragraph arrays
  // would cost ~100 bytes of overhead each, and re-extracting them cost a sixth of the run).
  const joinedTokens = new IntPool();
  for (const u of ordered) {
    const f = store.get(u.first);
    const m = index.add(f, u.inputs.length);
    u.cluster = m.cluster;
    u.containment = m.containment;
    if (!m.created) {
      u.tokenAt = joinedTokens.pushArray(f.tokens);
      u.tokenLength = f.tokens.length;
    }
  }
  const tokensOf = (u: Unit) => (u.tokenAt < 0 ? index.leaderTokens(u.cluster) : joinedTokens.data.subarray(u.tokenAt, u.tokenAt + u.tokenLength));

  phases.lap('index');
  const byCluster = new Map<number, Unit[]>();
  for (const u of ordered) {
    const list = byCluster.get(u.cluster);
    if (list) list.push(u);
    else byCluster.set(u.cluster, [u]);
  }

  const memberOrder = (a: number, b: number) => {
    const x = inputs[a]!;
    const y = inputs[b]!;
    return x.doc < y.doc ? -1 : x.doc > y.doc ? 1 : x.seq - y.seq;
  };
  const assignment: (string | null)[] = inputs.map(() => null);
  const indexIds: (string | null)[] = inputs.map(() => null);
  for (const u of ordered) for (const i of u.inputs) indexIds[i] = index.id(u.cluster);
  const clusters: DedupCluster[] = [];
  for (const [cluster, list] of byCluster) {
    const members = list.flatMap((u) => u.inputs).sort(memberOrder);
    // A cluster of an earlier run (loaded index) is reported with one new member too: it joins that cluster.
    if (members.length < 2 && cluster >= existing) continue;
    const id = index.id(cluster);
    const candidates = list.map((u) => {
      // The representative text of an exact-copy group: its first member by (doc, seq).
      const first = [...u.inputs].sort(memberOrder)[0]!;
      const text = inputs[first]!.text;
      return { text, tokens: tokensOf(u), key: u.key, copies: u.inputs.length, flags: u.flags };
    });
    const earlier = cluster < existing ? opts.earlier?.get(id) : undefined;
    let earlierAt = -1;
    if (earlier) {
      const f = extractor.extract(earlier.text);
      const copies = Math.max(1, earlier.copies);
      const same = candidates.findIndex((c) => c.key === f.key);
      // New exact copies of the earlier canonical text: one candidate.
      if (same >= 0) {
        candidates[same]!.copies += copies;
        candidates[same]!.flags += earlier.flags * copies;
        earlierAt = same;
      } else {
        earlierAt = candidates.push({ text: earlier.text, tokens: f.tokens, key: f.key, copies, flags: earlier.flags * copies }) - 1;
      }
    }
    const choice = chooseCanonical(candidates);
    for (const m of members) assignment[m] = id;
    const keepsEarlier = choice.index === earlierAt;
    const canonicalCopies = choice.index < list.length ? [...list[choice.index]!.inputs].sort(memberOrder) : [];
    clusters.push({
      id,
      members,
      canonical: canonicalCopies[0] ?? -1,
      canonicalReason: choice.reason,
      keepsEarlier,
      canonicalCopies,
      variants: list.length,
      minContainment: Math.min(...list.map((u) => u.containment)),
      fromIndex: cluster < existing,
    });
  }
  clusters.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  phases.lap('canonical');
  return {
    clusters,
    assignment,
    indexIds,
    counts: {
      paragraphs: inputs.length,
      eligible,
      distinct: units.size,
      clustered: clusters.reduce((n, c) => n + c.members.length, 0),
      clusters: clusters.length,
    },
    phases: phases.times,
  };
}
