/**
 * The output contract: how documents, flags and clusters become the records
 * of documents.jsonl, flags.jsonl, clusters.jsonl and set-aside.jsonl. Field
 * order is fixed here (JSON.stringify keeps insertion order), so equal runs
 * give byte-identical files. README.md documents these shapes as stable.
 */
import { compareBytes } from '../core/compare.ts';
import { cleanedText } from '../core/record.ts';
import type { ClusterRecord, Doc, DocFlag, Lang, SpanFlag, TextFix } from '../core/types.ts';

export interface ParagraphRecord {
  text: string;
  kind: string;
  lang: string;
  lang3: string;
  cluster: string | null;
  /** Position of the block in the original segmentation (as `removed[].seq`), so removals can be shown in place. */
  seq: number;
}

export interface RemovedRecord {
  text: string;
  reason: string;
  stage: string;
  kind: string;
  seq: number;
  confidence?: number;
  detail?: string;
}

/** A flag inside documents.jsonl (flags.jsonl adds `doc` in front). */
export interface FlagRecord {
  /** Index into `paragraphs`; null for a document-level flag. */
  paragraph: number | null;
  start: number | null;
  end: number | null;
  text: string | null;
  kind: string;
  confidence: number;
  suggestion: string | null;
  evidence: string;
  stage: string;
}

/** Fields a document record and a set-aside record share. */
interface DocumentHeader {
  id: string;
  source: string;
  url: string | null;
  title: string | null;
  date: string | null;
  lang: string;
  lang3: string;
}

export interface DocumentRecord extends DocumentHeader {
  text: string;
  paragraphs: ParagraphRecord[];
  removed: RemovedRecord[];
  flags: FlagRecord[];
  /** Opt-in auto-fixes applied to kept paragraphs (present only when there are any); the report lists them. */
  fixes?: FixRecord[];
}

/** A TextFix with its block seq mapped to the paragraph index (offsets into the fixed paragraph text). */
export type FixRecord = { paragraph: number | null } & Omit<TextFix, 'seq'>;

export interface ClusterMemberRecord {
  doc: string;
  paragraph: number;
}

export interface ClusterOutputRecord {
  id: string;
  canonical: string;
  canonicalReason: string;
  members: ClusterMemberRecord[];
  [extra: string]: unknown;
}

export interface SetAsideRecord extends DocumentHeader {
  reason: string;
  detail: string;
  /**
   * The document's text as read, so a set-aside document is never lost (a JSONL
   * record has no file of its own to go back to): the raw text blocks, or the
   * HTML source when segmentation never ran.
   */
  text: string;
}

function langCodes(lang: Lang | null | undefined): { lang: string; lang3: string } {
  return { lang: lang?.iso6391 || 'und', lang3: lang?.iso6393 || 'und' };
}

function docFlagRecord(f: DocFlag): FlagRecord {
  return { paragraph: null, start: null, end: null, text: null, kind: f.kind, confidence: f.confidence, suggestion: f.suggestion, evidence: f.evidence, stage: f.stage };
}

function spanFlagRecord(paragraph: number, f: SpanFlag): FlagRecord {
  return { paragraph, start: f.start, end: f.end, text: f.text, kind: f.kind, confidence: f.confidence, suggestion: f.suggestion, evidence: f.evidence, stage: f.stage };
}

/** Flags of a document in a fixed order: document-level first, then by paragraph and position. */
export function flagRecords(doc: Doc): FlagRecord[] {
  const docLevel = doc.flags.map(docFlagRecord).sort((a, b) => compareBytes(a.kind, b.kind) || compareBytes(a.stage, b.stage));
  const spans = doc.blocks.flatMap((b, i) =>
    [...b.flags]
      .sort((x, y) => x.start - y.start || x.end - y.end || compareBytes(x.kind, y.kind) || compareBytes(x.stage, y.stage))
      .map((f) => spanFlagRecord(i, f)),
  );
  return [...docLevel, ...spans];
}


function fixRecords(doc: Doc): FixRecord[] {
  const paragraphOf = new Map(doc.blocks.map((b, i) => [b.seq, i]));
  return doc.fixes.map((f) => ({ paragraph: paragraphOf.get(f.seq) ?? null, start: f.start, end: f.end, before: f.before, after: f.after, kind: f.kind, stage: f.stage }));
}

export function documentRecord(doc: Doc): DocumentRecord {
  return {
    id: doc.id,
    source: doc.source,
    url: doc.url,
    title: doc.title,
    date: doc.date,
    ...langCodes(doc.lang),
    text: cleanedText(doc),
    paragraphs: doc.blocks.map((b) => ({ text: b.text, kind: b.kind, ...langCodes(b.lang), cluster: b.cluster ?? null, seq: b.seq })),
    removed: [...doc.removed]
      .sort((a, b) => a.seq - b.seq || compareBytes(a.stage, b.stage))
      .map((r) => ({
        text: r.text,
        reason: r.reason,
        stage: r.stage,
        kind: r.kind,
        seq: r.seq,
        ...(r.confidence !== undefined ? { confidence: r.confidence } : {}),
        ...(r.detail !== undefined ? { detail: r.detail } : {}),
      })),
    flags: flagRecords(doc),
    ...(doc.fixes.length ? { fixes: fixRecords(doc) } : {}),
  };
}

export function setAsideRecord(doc: Doc): SetAsideRecord {
  return {
    id: doc.id,
    source: doc.source,
    reason: doc.setAside?.reason ?? 'unknown',
    detail: doc.setAside?.detail ?? '',
    url: doc.url,
    title: doc.title,
    date: doc.date,
    ...langCodes(doc.lang),
    text: doc.rawText || doc.raw,
  };
}

/** What cluster records need of a kept document: its id and its blocks' seqs (a Doc is one). */
export interface ClusterableDoc {
  id: string;
  blocks: readonly { seq: number }[];
}

/** A kept document as cluster records need it: its id and the seq of each kept block, in order. */
export interface DocSeqs {
  id: string;
  seqs: readonly number[];
}

const RECORD_FIELDS = new Set(['id', 'canonical', 'canonicalReason', 'members']);

/**
 * Cluster records with members as (doc, paragraph index among kept blocks).
 * Members whose document was set aside or whose block was removed after
 * clustering are dropped; a cluster left without members is not written.
 * Members are listed in input order; clusters are sorted by id.
 */
export function clusterRecords(clusters: Iterable<ClusterRecord>, keptDocs: readonly ClusterableDoc[]): ClusterOutputRecord[] {
  return clusterRecordsOfSeqs(clusters, keptDocs.map((d) => ({ id: d.id, seqs: d.blocks.map((b) => b.seq) })));
}

/**
 * clusterRecords for documents given by their block seqs (the writers and
 * incremental runs have these from cached summaries). Written for corpora of
 * 20,000 documents and 500,000 members rewritten on every incremental run:
 * no key string or map per member or per document that has none.
 */
export function clusterRecordsOfSeqs(clusters: Iterable<ClusterRecord>, keptDocs: readonly DocSeqs[]): ClusterOutputRecord[] {
  const docs = new Map<string, { order: number; seqs: readonly number[]; index: Map<number, number> | null }>();
  keptDocs.forEach((d, order) => docs.set(d.id, { order, seqs: d.seqs, index: null }));
  /** Paragraph index of a block: a scan of the few blocks of a news document, a map for long ones. */
  const paragraphOf = (doc: { seqs: readonly number[]; index: Map<number, number> | null }, seq: number): number | undefined => {
    if (doc.seqs.length <= 32) {
      const i = doc.seqs.indexOf(seq);
      return i === -1 ? undefined : i;
    }
    doc.index ??= new Map(doc.seqs.map((s, j) => [s, j]));
    return doc.index.get(seq);
  };
  const out: ClusterOutputRecord[] = [];
  for (const c of clusters) {
    const placed: { doc: string; paragraph: number; order: number }[] = [];
    for (const m of c.members) {
      const doc = docs.get(m.doc);
      const paragraph = doc && paragraphOf(doc, m.seq);
      if (paragraph !== undefined) placed.push({ doc: m.doc, paragraph, order: doc!.order });
    }
    if (placed.length === 0) continue;
    placed.sort((a, b) => a.order - b.order || a.paragraph - b.paragraph);
    // A paragraph listed twice is one member: after sorting, its copies are neighbours.
    const members: ClusterMemberRecord[] = [];
    let last: { order: number; paragraph: number } | null = null;
    for (const p of placed) {
      if (last && last.order === p.order && last.paragraph === p.paragraph) continue;
      members.push({ doc: p.doc, paragraph: p.paragraph });
      last = p;
    }
    const extra = c.extra ? Object.fromEntries(Object.entries(c.extra).filter(([k]) => !RECORD_FIELDS.has(k))) : {};
    out.push({ id: c.id, canonical: c.canonical, canonicalReason: c.canonicalReason, members, ...extra });
  }
  return out.sort((a, b) => compareBytes(a.id, b.id));
}
