/**
 * Writers: the output folder of a run.
 *
 *   documents.jsonl  clusters.jsonl  flags.jsonl  set-aside.jsonl  run.json
 *   docs/<id>.txt    diffs/<id>.diff
 *
 * Every file is written atomically (src/io/atomic.ts). Per-document files of
 * documents that are no longer part of the output (removed from the input, or
 * set aside this time) are deleted after the new ones are written, so the
 * folder always describes exactly the last run. run.json is written last: its
 * presence and `finishedAt` mark a complete run. The report (report/) is
 * built from these files afterwards by src/report.
 */
import { readdir, rm } from 'node:fs/promises';
import pLimit from 'p-limit';
import type { ClusterRecord, Doc } from '../core/types.ts';
import { AtomicLineWriter, TEMP_MARK, writeFileAtomic } from './atomic.ts';
import { asTextFile, documentDiff } from './diff.ts';
import { isSafeId, safeJoin, UnsafePathError } from './ids.ts';
import { sortedByKey } from '../core/compare.ts';
import { clusterRecordsOfSeqs, documentRecord, setAsideRecord } from './records.ts';
import { cleanedText } from '../core/record.ts';

export const OUTPUT_FILES = {
  documents: 'documents.jsonl',
  clusters: 'clusters.jsonl',
  flags: 'flags.jsonl',
  setAside: 'set-aside.jsonl',
  run: 'run.json',
  docsDir: 'docs',
  diffsDir: 'diffs',
} as const;

export interface WriteSummary {
  documents: number;
  setAside: number;
  paragraphs: number;
  removedByReason: Record<string, number>;
  flagsByKind: Record<string, number>;
  clusters: number;
  /** Stale per-document files deleted from an earlier run. */
  staleDeleted: number;
}

function bump(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/** Keys sorted, so counts serialise the same whatever order they were met in. */
export function sortedCounts(counts: Record<string, number>): Record<string, number> {
  return sortedByKey(counts);
}

/** Delete files in `dir` that this run did not write (and temp files a crashed run left). */
async function deleteStale(outputDir: string, dir: string, keep: Set<string>): Promise<number> {
  const entries = await readdir(safeJoin(outputDir, dir), { withFileTypes: true }).catch(() => []);
  let deleted = 0;
  for (const e of entries) {
    if (!e.isFile() || keep.has(e.name)) continue;
    await rm(safeJoin(outputDir, dir, e.name), { force: true });
    if (!e.name.includes(TEMP_MARK)) deleted++;
  }
  return deleted;
}

/**
 * Temporary files an interrupted run (Ctrl-C, a kill, a crash) left at the top
 * of the output folder. Ours are named `<file>.tmp-<pid>-<n>`; only those of
 * other processes are removed (one run at a time holds the folder: src/state/lock.ts).
 */
async function deleteLeftoverTemps(outputDir: string): Promise<void> {
  const entries = await readdir(outputDir, { withFileTypes: true }).catch(() => []);
  const ours = `${TEMP_MARK}${process.pid}-`;
  for (const e of entries) {
    if (e.isFile() && /\.tmp-\d+-\d+$/.test(e.name) && !e.name.includes(ours)) await rm(safeJoin(outputDir, e.name), { force: true });
  }
}

/**
 * Write every output file of a run except run.json (whose content depends on
 * the summary returned here) and the report.
 */
export interface WriteOptions {
  /**
   * Which kept documents get their docs/<id>.txt and diffs/<id>.diff (re)written;
   * default all. Incremental runs (src/state) rewrite only documents processed
   * in this run; the files of the others are kept, not deleted as stale.
   */
  docFiles?: (doc: Doc) => boolean;
}

/**
 * One document as the corpus-wide JSONL files hold it: its serialised lines
 * and what the run summary and the cluster records need. Incremental runs
 * (src/state) keep these in the state, so a document that did not change is
 * written again from its bytes, without being decoded or re-serialised.
 */
export interface SerialisedDoc {
  id: string;
  /** Set aside: `line` is its set-aside.jsonl line, and it has no flag lines. */
  setAside: boolean;
  /** Block seq of each block (= each paragraph of a kept document), in order: cluster members point at seqs. */
  seqs: readonly number[];
  removedByReason: Readonly<Record<string, number>>;
  flagsByKind: Readonly<Record<string, number>>;
  /**
   * Its documents.jsonl (or set-aside.jsonl) line and its flags.jsonl lines, UTF-8, each line ending in a
   * newline. Asked once, in order (an incremental run reads them from the previous files then).
   */
  lines(): SerialisedLines | Promise<SerialisedLines>;
}

export interface SerialisedLines {
  line: Buffer;
  flagLines: Buffer;
}

/** The serialised form of a processed document (the bytes writeOutputs writes for it), its lines at hand. */
export function serialiseDoc(doc: Doc): Omit<SerialisedDoc, 'lines'> & { lines(): SerialisedLines } {
  const seqs = doc.blocks.map((b) => b.seq);
  if (doc.setAside) {
    const line = Buffer.from(`${JSON.stringify(setAsideRecord(doc))}\n`);
    const flagLines = Buffer.alloc(0);
    return { id: doc.id, setAside: true, seqs, removedByReason: {}, flagsByKind: {}, lines: () => ({ line, flagLines }) };
  }
  const rec = documentRecord(doc);
  const removedByReason: Record<string, number> = {};
  const flagsByKind: Record<string, number> = {};
  for (const r of rec.removed) bump(removedByReason, r.reason);
  let flagText = '';
  for (const f of rec.flags) {
    bump(flagsByKind, f.kind);
    flagText += `${JSON.stringify({ doc: rec.id, ...f })}\n`;
  }
  const line = Buffer.from(`${JSON.stringify(rec)}\n`);
  const flagLines = Buffer.from(flagText);
  return { id: doc.id, setAside: false, seqs, removedByReason, flagsByKind, lines: () => ({ line, flagLines }) };
}

/** docs/<id>.txt and diffs/<id>.diff of the kept documents `docFiles` selects (default all), a few at a time. */
export async function writeDocFiles(outputDir: string, kept: readonly Doc[], docFiles?: (doc: Doc) => boolean): Promise<void> {
  // They are small; the disk is the limit.
  const limit = pLimit(8);
  await Promise.all(
    kept.map((doc) =>
      limit(async () => {
        if (docFiles && !docFiles(doc)) return;
        const text = asTextFile(cleanedText(doc));
        await writeFileAtomic(outputDir, [OUTPUT_FILES.docsDir, `${doc.id}.txt`], text);
        await writeFileAtomic(outputDir, [OUTPUT_FILES.diffsDir, `${doc.id}.diff`], documentDiff(doc.source, doc.id, doc.rawText, text));
      }),
    ),
  );
}

function checkIds(docs: readonly { id: string }[], sourceOf: (i: number) => string): void {
  docs.forEach((d, i) => {
    if (!isSafeId(d.id)) throw new UnsafePathError(`unsafe document id ${JSON.stringify(d.id)} (from ${sourceOf(i)})`);
  });
}

export async function writeOutputs(
  outputDir: string,
  docs: readonly Doc[],
  clusters: Iterable<ClusterRecord>,
  opts: WriteOptions = {},
): Promise<WriteSummary> {
  checkIds(docs, (i) => docs[i]!.source);
  const kept = docs.filter((d) => !d.setAside);
  await writeDocFiles(outputDir, kept, opts.docFiles);
  return writeSerialisedOutputs(outputDir, docs.map(serialiseDoc), clusters, { deleteStaleDocFiles: true });
}

export interface SerialisedWriteOptions {
  /** Delete docs/ and diffs/ files of documents not among the kept ones (and temp files of other processes). */
  deleteStaleDocFiles: boolean;
}

/**
 * The corpus-wide files (documents.jsonl, flags.jsonl, clusters.jsonl,
 * set-aside.jsonl) from serialised documents, in the given order: the same
 * bytes writeOutputs writes for the documents they were made from. Per-document
 * files are the caller's (writeOutputs, or an incremental run that writes
 * only those of the documents it processed).
 */
export async function writeSerialisedOutputs(
  outputDir: string,
  docs: readonly SerialisedDoc[],
  clusters: Iterable<ClusterRecord>,
  opts: SerialisedWriteOptions,
): Promise<WriteSummary> {
  checkIds(docs, (i) => docs[i]!.id);
  const kept = docs.filter((d) => !d.setAside);
  const summary: WriteSummary = {
    documents: kept.length,
    setAside: docs.length - kept.length,
    paragraphs: 0,
    removedByReason: {},
    flagsByKind: {},
    clusters: 0,
    staleDeleted: 0,
  };
  if (opts.deleteStaleDocFiles) {
    summary.staleDeleted += await deleteStale(outputDir, OUTPUT_FILES.docsDir, new Set(kept.map((d) => `${d.id}.txt`)));
    summary.staleDeleted += await deleteStale(outputDir, OUTPUT_FILES.diffsDir, new Set(kept.map((d) => `${d.id}.diff`)));
    await deleteLeftoverTemps(outputDir);
  }

  const documents = await AtomicLineWriter.open(outputDir, OUTPUT_FILES.documents);
  const flags = await AtomicLineWriter.open(outputDir, OUTPUT_FILES.flags);
  const clusterOut = await AtomicLineWriter.open(outputDir, OUTPUT_FILES.clusters);
  const setAside = await AtomicLineWriter.open(outputDir, OUTPUT_FILES.setAside);
  const writers = [documents, flags, clusterOut, setAside];
  try {
    for (const d of kept) {
      const { line, flagLines } = await d.lines();
      await documents.writeBytes(line);
      if (flagLines.length) await flags.writeBytes(flagLines);
      summary.paragraphs += d.seqs.length;
      for (const [reason, n] of Object.entries(d.removedByReason)) bump(summary.removedByReason, reason, n);
      for (const [kind, n] of Object.entries(d.flagsByKind)) bump(summary.flagsByKind, kind, n);
    }
    for (const c of clusterRecordsOfSeqs(clusters, kept)) {
      await clusterOut.write(c);
      summary.clusters++;
    }
    for (const d of docs) if (d.setAside) await setAside.writeBytes((await d.lines()).line);
    for (const w of writers) await w.commit();
  } catch (err) {
    await Promise.all(writers.map((w) => w.abort()));
    throw err;
  }
  summary.removedByReason = sortedCounts(summary.removedByReason);
  summary.flagsByKind = sortedCounts(summary.flagsByKind);
  return summary;
}

/** run.json, pretty-printed (humans read it), written durably and last. */
export async function writeRunJson(outputDir: string, run: unknown): Promise<void> {
  await writeFileAtomic(outputDir, [OUTPUT_FILES.run], `${JSON.stringify(run, null, 2)}\n`, true);
}
