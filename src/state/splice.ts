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
 * The previous files are trusted only when they are the ones the last
 * committed run wrote: the state keeps their stat signature (size, mtime in
 * ns, inode) with the run's commit, and the writers replace files by rename,
 * so any other write (a killed run, an edit, a copy from elsewhere) gives
 * another signature; the lines then come from the state as before. A line is
 * also spliced only when its length is the one the state records for it, and
 * a document's flag lines only when their number is its flag count.
 */
import { createReadStream, statSync } from 'node:fs';
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

export interface LineRange {
  offset: number;
  length: number;
  /** Lines in the range. */
  lines: number;
}

/** Where each document's lines are in the previous documents.jsonl and flags.jsonl. */
export interface EarlierOutputs {
  documents: Map<string, LineRange>;
  flags: Map<string, LineRange>;
}

const NEWLINE = 0x0a;

/**
 * Ranges of lines by the id that starts each line (`{"<field>":"<id>"`),
 * consecutive lines of one id forming one range. Ids are safe ids
 * (`[A-Za-z0-9._-]`, checked by the writers), so the id ends at the next
 * quote. An id found in two separate places, and a line without the
 * prefix, make the ids concerned unusable (they are left out: their lines
 * come from the state).
 */
async function lineRanges(file: string, field: string): Promise<Map<string, LineRange>> {
  const prefix = Buffer.from(`{"${field}":"`);
  const ranges = new Map<string, LineRange>();
  const broken = new Set<string>();
  let current: { id: string; range: LineRange } | null = null;
  const endRange = () => {
    if (!current) return;
    if (ranges.has(current.id) || broken.has(current.id)) broken.add(current.id);
    else ranges.set(current.id, current.range);
    current = null;
  };
  /** The current id's bytes with their closing quote: the next lines of the same id are recognised without making a string. */
  let currentKey = Buffer.alloc(0);
  const line = (buf: Buffer, start: number, end: number, offset: number) => {
    const length = end - start + 1;
    const idStart = start + prefix.length;
    if (current && end - idStart >= currentKey.length && buf.compare(currentKey, 0, currentKey.length, idStart, idStart + currentKey.length) === 0 && buf.compare(prefix, 0, prefix.length, start, idStart) === 0) {
      current.range.length += length;
      current.range.lines++;
      return;
    }
    let id: string | null = null;
    if (buf.compare(prefix, 0, prefix.length, start, Math.min(end, idStart)) === 0) {
      const quote = buf.indexOf(0x22, idStart);
      if (quote !== -1 && quote < end) {
        id = buf.toString('latin1', idStart, quote);
        currentKey = Buffer.from(buf.subarray(idStart, quote + 1));
      }
    }
    endRange();
    // A line without an id poisons nothing else but cannot be attributed: its neighbours' ranges stay exact.
    if (id !== null) current = { id, range: { offset, length, lines: 1 } };
  };
  let rest: Buffer = Buffer.alloc(0);
  let restOffset = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
    const buf = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE, start); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
      line(buf, start, nl, restOffset + start);
      start = nl + 1;
    }
    rest = buf.subarray(start);
    restOffset += start;
  }
  // A last line without a newline is not a line the writers wrote: it is left out (a document's flag
  // lines cut there are one short of its flag count, which the splice checks).
  endRange();
  for (const id of broken) ranges.delete(id);
  return ranges;
}

/**
 * The line ranges of the previous documents.jsonl and flags.jsonl, when they
 * are the files the last committed run wrote (`signature`, from the state);
 * null otherwise.
 */
export async function earlierOutputs(output: string, signature: string | null): Promise<EarlierOutputs | null> {
  if (signature === null || outputSignature(output) !== signature) return null;
  const [documents, flags] = await Promise.all([
    lineRanges(path.join(output, OUTPUT_FILES.documents), 'id'),
    lineRanges(path.join(output, OUTPUT_FILES.flags), 'doc'),
  ]);
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
