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

/**
 * Cluster records with members as (doc, paragraph index among kept blocks).
 * Members whose document was set aside or whose block was removed after
 * clustering are dropped; a cluster left without members is not written.
 * Members are listed in input order; clusters are sorted by id.
 */
export function clusterRecords(clusters: Iterable<ClusterRecord>, keptDocs: readonly ClusterableDoc[]): ClusterOutputRecord[] {
  const paragraphIndex = new Map<string, Map<number, number>>();
  const docOrder = new Map<string, number>();
  keptDocs.forEach((d, i) => {
    docOrder.set(d.id, i);
    paragraphIndex.set(d.id, new Map(d.blocks.map((b, j) => [b.seq, j])));
  });
  const out: ClusterOutputRecord[] = [];
  for (const c of clusters) {
    const members: ClusterMemberRecord[] = [];
    const seen = new Set<string>();
    for (const m of c.members) {
      const paragraph = paragraphIndex.get(m.doc)?.get(m.seq);
      if (paragraph === undefined || seen.has(`${m.doc}\0${paragraph}`)) continue;
      seen.add(`${m.doc}\0${paragraph}`);
      members.push({ doc: m.doc, paragraph });
    }
    if (members.length === 0) continue;
    members.sort((a, b) => docOrder.get(a.doc)! - docOrder.get(b.doc)! || a.paragraph - b.paragraph);
    const extra = Object.fromEntries(
      Object.entries(c.extra ?? {}).filter(([k]) => !['id', 'canonical', 'canonicalReason', 'members'].includes(k)),
    );
    out.push({ id: c.id, canonical: c.canonical, canonicalReason: c.canonicalReason, members, ...extra });
  }
  return out.sort((a, b) => compareBytes(a.id, b.id));
}
