/**
 * Cross-run clusters: merge the clusters a run produced with those stored by
 * earlier runs.
 *
 * The dedup stage sees only the documents of this run, plus whatever it keeps
 * through `ctx.state` (its persistent index). When a new paragraph duplicates
 * one from an earlier run, the stage reports the EARLIER cluster id, with the
 * new members (and, when the earlier paragraph was a singleton until now, that
 * earlier paragraph as a member too, by document id and block seq). This module
 * then keeps the stored members of documents that were not reprocessed, adds
 * the new ones, takes the canonical text the stage chose (the stage decides it
 * deterministically from this run's members and the canonical text it kept from
 * earlier runs), recounts `size` and `documents` over the merged members, and drops members of documents
 * that were reprocessed or disappeared. A cluster left with fewer than two
 * members is deleted, like a cluster the stage would not have written.
 */
import type { ClusterRecord } from '../core/types.ts';
import type { StoredCluster, StoredClusterMember } from './store.ts';

export interface ClusterMergeInput {
  stored: ReadonlyMap<string, StoredCluster>;
  fresh: Iterable<ClusterRecord>;
  /** Documents in the corpus after this run. */
  liveDocs: ReadonlySet<string>;
  /** Documents processed in this run: their stored memberships are replaced by what the stage reported. */
  reprocessed: ReadonlySet<string>;
  runId: number;
}

export interface ClusterMerge {
  /** Every cluster after the run, by id. */
  clusters: Map<string, StoredCluster>;
  upsert: StoredCluster[];
  delete: string[];
  /** Ids of clusters created, changed or deleted by this run. */
  touched: Set<string>;
  /** doc → seq → cluster id, for every member. */
  membership: Map<string, Map<number, string>>;
}

const memberKey = (m: StoredClusterMember) => `${m.doc}\u0000${m.seq}`;

function uniqueMembers(members: Iterable<StoredClusterMember>): StoredClusterMember[] {
  const seen = new Map<string, StoredClusterMember>();
  for (const m of members) if (!seen.has(memberKey(m))) seen.set(memberKey(m), { doc: m.doc, seq: m.seq });
  return [...seen.values()];
}

function sameMembers(a: readonly StoredClusterMember[], b: readonly StoredClusterMember[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(memberKey));
  return b.every((m) => keys.has(memberKey(m)));
}

export function mergeClusters(input: ClusterMergeInput): ClusterMerge {
  const { stored, liveDocs, reprocessed, runId } = input;
  const keepStored = (m: StoredClusterMember) => liveDocs.has(m.doc) && !reprocessed.has(m.doc);
  const clusters = new Map<string, StoredCluster>();
  const touched = new Set<string>();

  for (const [id, c] of stored) {
    const members = c.members.filter(keepStored);
    if (members.length !== c.members.length) touched.add(id);
    clusters.set(id, { ...c, members });
  }
  for (const f of input.fresh) {
    const before = clusters.get(f.id);
    const members = uniqueMembers([...(before?.members ?? []), ...f.members.filter((m) => liveDocs.has(m.doc))]);
    const changed =
      !before || !sameMembers(before.members, members) || before.canonical !== f.canonical || before.canonicalReason !== f.canonicalReason;
    if (changed) touched.add(f.id);
    clusters.set(f.id, {
      id: f.id,
      canonical: f.canonical,
      canonicalReason: f.canonicalReason,
      members,
      ...(f.extra ? { extra: f.extra } : {}),
      firstRun: before?.firstRun ?? runId,
      lastRun: changed ? runId : (before?.lastRun ?? runId),
    });
  }

  const upsert: StoredCluster[] = [];
  const del: string[] = [];
  const membership = new Map<string, Map<number, string>>();
  for (const [id, c] of [...clusters]) {
    if (c.members.length < 2) {
      clusters.delete(id);
      if (stored.has(id)) {
        del.push(id);
        touched.add(id);
      } else touched.delete(id);
      continue;
    }
    if (touched.has(id)) {
      c.lastRun = runId;
      // The stage counts the members it saw in this run; the record describes the whole cluster.
      if (typeof c.extra?.size === 'number') c.extra = { ...c.extra, size: c.members.length, documents: new Set(c.members.map((m) => m.doc)).size };
      upsert.push(c);
    }
    for (const m of c.members) {
      let bySeq = membership.get(m.doc);
      if (!bySeq) membership.set(m.doc, (bySeq = new Map()));
      bySeq.set(m.seq, id);
    }
  }
  return { clusters, upsert, delete: del.sort(), touched, membership };
}

/** Back to the in-memory form the writers take. */
export function toClusterRecord(c: StoredCluster): ClusterRecord {
  return {
    id: c.id,
    canonical: c.canonical,
    canonicalReason: c.canonicalReason,
    members: c.members.map((m) => ({ doc: m.doc, seq: m.seq })),
    ...(c.extra ? { extra: c.extra } : {}),
  };
}
