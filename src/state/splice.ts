/**
 * The corpus-wide JSONL files of an incremental run, spliced from the files
 * the last committed run wrote.
 *
 * An incremental run rewrites documents.jsonl and flags.jsonl whole (they are
 * in input order, and new documents arrive all over it), but the lines of
 * unchanged documents are the bytes that are already there. Copying those byte
 * ranges from the previous files costs a sequential read; taking them from the
 * state cost a query per document, inflating every document's lines and
 * garbage-collecting them (about 500 MB for 20,000 documents).
 *
 * Where each document's lines are: the run that wrote the files records their
 * *layout* (each kept document's id and the bytes of its document line and of
 * its flag lines, in file order) with their stat signature (size, mtime in ns,
 * inode) in its commit. The previous files are trusted only when they still
 * have that signature: the writers replace files by rename, so any other write
 * (a killed run, an edit, a copy from elsewhere) gives another signature, and
 * the lines then come from the state as before. A line is also spliced only
 * when its length is the one the state's summary records for it.
 */
import { statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { OUTPUT_FILES } from '../io/writers.ts';

/** The files whose bytes an incremental run splices. */
const SPLICED = [OUTPUT_FILES.documents, OUTPUT_FILES.flags] as const;

/** Stat signature of documents.jsonl and flags.jsonl in `output` (null when one is missing). */
export function outputSignature(output: string): string | null {
  const parts: string[] = [];
  for (const name of SPLICED) {
    const st = statSync(path.join(output, name), { bigint: true, throwIfNoEntry: false });
    if (!st?.isFile()) return null;
    parts.push(`${name}:${st.size}:${st.mtimeNs}:${st.ino}`);
  }
  return parts.join(' ');
}

/** A kept document as written: its id, the bytes of its documents.jsonl line and of its flags.jsonl lines. */
export type LayoutEntry = [id: string, lineBytes: number, flagBytes: number];

interface StoredLayout {
  signature: string;
  documents: LayoutEntry[];
}

/** What the state keeps about the files just written (null when they are missing). */
export function recordLayout(output: string, documents: LayoutEntry[]): string | null {
  const signature = outputSignature(output);
  return signature === null ? null : JSON.stringify({ signature, documents } satisfies StoredLayout);
}

export interface ByteRange {
  offset: number;
  length: number;
}

/** Where each document's lines are in the previous documents.jsonl and flags.jsonl. */
export interface EarlierOutputs {
  documents: Map<string, ByteRange>;
  /** Documents with flag lines only. */
  flags: Map<string, ByteRange>;
}

/**
 * Where each document's lines are in the previous documents.jsonl and
 * flags.jsonl, from the layout the last committed run recorded, when they are
 * the files that run wrote (same signature, and the layout adds up to their
 * sizes); null otherwise.
 */
export function earlierOutputs(output: string, stored: string | null): EarlierOutputs | null {
  if (stored === null) return null;
  let layout: StoredLayout;
  try {
    layout = JSON.parse(stored) as StoredLayout;
  } catch {
    return null;
  }
  if (typeof layout?.signature !== 'string' || !Array.isArray(layout.documents) || outputSignature(output) !== layout.signature) return null;
  const documents = new Map<string, ByteRange>();
  const flags = new Map<string, ByteRange>();
  let docOffset = 0;
  let flagOffset = 0;
  for (const [id, lineBytes, flagBytes] of layout.documents) {
    // An id written twice cannot be told apart: neither copy is used.
    if (documents.has(id)) documents.set(id, { offset: -1, length: -1 });
    else documents.set(id, { offset: docOffset, length: lineBytes });
    if (flagBytes > 0) flags.set(id, { offset: flagOffset, length: flagBytes });
    docOffset += lineBytes;
    flagOffset += flagBytes;
  }
  const sizes = SPLICED.map((name) => statSync(path.join(output, name)).size);
  if (sizes[0] !== docOffset || sizes[1] !== flagOffset) return null;
  return { documents, flags };
}

/**
 * Byte ranges of a file, read through a window of a few MB: the ranges an
 * incremental run copies come in increasing order (the corpus order is the
 * previous one with documents inserted and removed), so each byte is read
 * once, in large reads.
 */
export class FileSlices {
  private window = Buffer.alloc(0);
  private windowOffset = 0;

  private constructor(private readonly fh: FileHandle) {}

  static async open(file: string): Promise<FileSlices> {
    return new FileSlices(await open(file, 'r'));
  }

  async slice(offset: number, length: number): Promise<Buffer> {
    const end = offset + length;
    if (offset < this.windowOffset || end > this.windowOffset + this.window.length) {
      const size = Math.max(length, 4 << 20);
      const buf = Buffer.allocUnsafe(size);
      const { bytesRead } = await this.fh.read(buf, 0, size, offset);
      if (bytesRead < length) throw new Error(`the previous output file ended before byte ${end} (it changed during the run)`);
      this.window = buf.subarray(0, bytesRead);
      this.windowOffset = offset;
    }
    return this.window.subarray(offset - this.windowOffset, end - this.windowOffset);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
