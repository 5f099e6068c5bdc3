/**
 * Cached document results: a processed `Doc` without its raw input (the HTML
 * source can be large and no output needs it once the document is cleaned)
 * and without the per-block scratch data stages pass to each other. What is
 * kept is exactly what the writers read, so an unchanged document is written
 * from the cache byte for byte as it was when it was processed.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Doc } from '../core/types.ts';

/** Bump when the cached shape changes: older payloads are then reprocessed, not misread. */
export const DOC_CACHE_VERSION = 1;

interface Payload {
  v: number;
  doc: Omit<Doc, 'raw'>;
}

export function encodeDoc(doc: Doc): Buffer {
  const { raw: _raw, ...rest } = doc;
  const slim: Omit<Doc, 'raw'> = {
    ...rest,
    blocks: doc.blocks.map(({ data: _data, ...b }) => b),
  };
  const payload: Payload = { v: DOC_CACHE_VERSION, doc: slim };
  // Level 1: the cache is written every run for new documents; speed matters more than a few percent of size.
  return deflateRawSync(Buffer.from(JSON.stringify(payload)), { level: 1 });
}

export class CacheFormatError extends Error {}

export function decodeDoc(buf: Buffer): Doc {
  const payload = JSON.parse(inflateRawSync(buf).toString('utf8')) as Payload;
  if (payload.v !== DOC_CACHE_VERSION) throw new CacheFormatError(`cached document format ${payload.v}, expected ${DOC_CACHE_VERSION}`);
  return { ...payload.doc, raw: '' };
}

/**
 * A document's cached output (state schema 3): its serialised lines, exactly
 * as the corpus-wide files hold them, and a small summary. An incremental run
 * writes the documents that did not change from these bytes, without decoding
 * or re-serialising them; it decodes the lines of a document only when one of
 * its paragraphs joins or leaves a cluster (src/state/incremental.ts).
 *
 * The lines are authoritative for documents.jsonl, flags.jsonl and
 * set-aside.jsonl. The `Doc` payload stays in the state for what the lines do
 * not hold (the raw text behind diffs/<id>.diff, rewritten after a crash),
 * and its paragraphs' cluster ids are not updated when the lines are patched.
 */
export interface OutputSummary {
  /** Format of this summary and of the packed lines. */
  v: 1;
  source: string;
  setAside: { reason: string; detail: string } | null;
  /** `meta.replacedBytes` of the document (run.json counts). */
  replacedBytes: number;
  seqs: number[];
  /** Cluster id of each block (parallel to `seqs`). */
  clusters: (string | null)[];
  removedByReason: Record<string, number>;
  flagsByKind: Record<string, number>;
  /** Bytes of the document line at the start of the packed lines; the flag lines follow. */
  lineBytes: number;
}

export const OUTPUT_FORMAT = 1;

/** What the store keeps per document for its output: opaque to the store. */
export interface EncodedOutput {
  /** documents.jsonl (or set-aside.jsonl) line followed by its flags.jsonl lines, deflated. */
  lines: Buffer;
  /** OutputSummary as JSON. */
  summary: string;
}

export function encodeOutput(summary: OutputSummary, line: Buffer, flagLines: Buffer): EncodedOutput {
  // Level 1, as for payloads: written for every new document; the state stays about the size of the outputs / 4.
  const lines = deflateRawSync(flagLines.length ? Buffer.concat([line, flagLines]) : line, { level: 1 });
  return { lines, summary: JSON.stringify(summary) };
}

export function decodeSummary(summary: string): OutputSummary {
  const s = JSON.parse(summary) as OutputSummary;
  if (s.v !== OUTPUT_FORMAT) throw new CacheFormatError(`cached output format ${s.v}, expected ${OUTPUT_FORMAT}`);
  return s;
}

/**
 * A documents.jsonl line with its paragraphs' cluster ids replaced (one per
 * paragraph, in order). Parsing and stringifying keep the writer's field
 * order, so the result is the line the writer gives for the document with
 * those cluster ids (tests/state.test.ts checks it on generated documents).
 */
export function patchDocumentLine(line: Buffer, clusters: readonly (string | null)[]): Buffer {
  const rec = JSON.parse(line.toString('utf8')) as { paragraphs: { cluster: string | null }[] };
  if (rec.paragraphs.length !== clusters.length) throw new CacheFormatError(`cached line has ${rec.paragraphs.length} paragraphs, expected ${clusters.length}`);
  rec.paragraphs.forEach((p, i) => {
    p.cluster = clusters[i] ?? null;
  });
  return Buffer.from(`${JSON.stringify(rec)}\n`);
}

export function decodeLines(lines: Buffer, summary: OutputSummary): { line: Buffer; flagLines: Buffer } {
  const all = inflateRawSync(lines);
  return { line: all.subarray(0, summary.lineBytes), flagLines: all.subarray(summary.lineBytes) };
}
