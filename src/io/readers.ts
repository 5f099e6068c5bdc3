/**
 * Readers: turn an input folder into a stream of documents (`ReadItem`s).
 *
 * The folder is walked recursively in sorted (byte-wise) order so ids and
 * outputs are the same on every run. `.txt`/`.md` and `.html`/`.htm` files are
 * one document each; `.jsonl`/`.ndjson` files are one document per line and
 * are streamed, so a multi-GB export is never held in memory whole; `.gz` of
 * any of these is decompressed as a stream. A file or line that cannot be
 * read is a per-input error and the batch continues.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { createDoc } from '../core/doc.ts';
import type { ReadItem } from '../core/runner.ts';
import type { InputError } from '../core/types.ts';
import { decodeBytes, decodeUtf8, looksBinary } from './decode.ts';
import { IdAllocator } from './ids.ts';

export type InputFormat = 'text' | 'html' | 'jsonl';

export interface InputFile {
  /** Absolute path. */
  abs: string;
  /** Path relative to the input folder, with `/` separators. */
  rel: string;
  format: InputFormat;
  gzip: boolean;
  bytes: number;
}

export interface ReadStats {
  /** Input files the readers handled (not skipped). */
  files: number;
  /** Documents produced (JSONL lines count one each). */
  documents: number;
  /** Bytes read from disk (compressed size for .gz). */
  bytes: number;
  /** Skipped files by extension (`(none)` for no extension, `(hidden)` for dot files). */
  skipped: Record<string, number>;
  /** Undecodable bytes replaced with U+FFFD, over all documents. */
  replacedBytes: number;
  /** Per-file or per-line errors (also yielded as error items). */
  errors: number;
}

export interface ReadOptions {
  /** A single document (file, decompressed file or JSONL line) larger than this is an error. */
  maxBytes: number;
  /** Absolute paths never to descend into (the output folder when it lies inside the input). */
  exclude?: string[];
  /** Called after each input file is done. */
  onFile?: (file: InputFile, index: number, total: number) => void;
  /**
   * The files to read, as listInputs listed them, with the folder errors of that walk: `root` is not
   * walked again (an incremental run has just listed it, and reads only the new and changed files).
   */
  listed?: { files: InputFile[]; folderErrors: InputError[] };
}

const FORMATS: Record<string, InputFormat> = {
  '.txt': 'text',
  '.md': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** Byte-wise comparison: locale-independent, so the order is the same on every machine. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Classify a file name: its format, or the extension it was skipped for. */
export function classify(name: string): { format: InputFormat; gzip: boolean } | { skip: string } {
  if (name.startsWith('.')) return { skip: '(hidden)' };
  const lower = name.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  const ext = path.extname(base);
  const format = FORMATS[ext];
  if (format) return { format, gzip };
  return { skip: (gzip ? `${ext}.gz` : ext) || (gzip ? '.gz' : '(none)') };
}

/**
 * Every input file below `root`, sorted. Directories and files starting with a
 * dot are skipped (counted as `(hidden)`); symbolic links to files are
 * followed, links to directories are not (they could loop).
 */
export async function listInputs(root: string, stats: ReadStats, exclude: string[] = [], errors: InputError[] = []): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const excluded = new Set(exclude.map((p) => path.resolve(p)));
  const skip = (key: string) => {
    stats.skipped[key] = (stats.skipped[key] ?? 0) + 1;
  };
  const walk = async (dir: string, relDir: string): Promise<void> => {
    let entries;
    try {
      entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => byteOrder(a.name, b.name));
    } catch (err) {
      // The input folder itself must be readable; a subfolder that is not is a per-input error.
      if (!relDir) throw err;
      errors.push({ source: `${relDir}/`, stage: 'read', message: `cannot read folder: ${describe(err)}` });
      return;
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      if (excluded.has(abs)) continue;
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const target = await stat(abs).catch(() => null);
        if (target?.isDirectory()) {
          skip('(symlinked folder)');
          continue;
        }
        // A dangling link is an input the user meant to give us: read it, and fail visibly.
        isFile = target ? target.isFile() : true;
      }
      if (e.isDirectory()) {
        if (e.name.startsWith('.')) skip('(hidden)');
        else await walk(abs, rel);
        continue;
      }
      if (!isFile) {
        skip('(not a regular file)');
        continue;
      }
      const c = classify(e.name);
      if ('skip' in c) {
        skip(c.skip);
        continue;
      }
      const size = (await stat(abs).catch(() => null))?.size ?? 0;
      out.push({ abs, rel, format: c.format, gzip: c.gzip, bytes: size });
    }
  };
  await walk(path.resolve(root), '');
  return out;
}

export class InputTooLargeError extends Error {}

/** Read a whole file (decompressing .gz as a stream), refusing more than `maxBytes` of content. */
async function readAll(file: InputFile, maxBytes: number): Promise<Buffer> {
  if (!file.gzip) {
    if (file.bytes > maxBytes) throw new InputTooLargeError(`${file.bytes} bytes, more than input.maxBytes (${maxBytes})`);
    // Synchronous on purpose: a news page is a few KB, and one blocking read is
    // several times faster than fs.promises' open/stat/read/close round trips
    // through the thread pool (bench:io); the stages are CPU-bound anyway.
    return readFileSync(file.abs);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of openStream(file)) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) throw new InputTooLargeError(`more than input.maxBytes (${maxBytes}) bytes once decompressed`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function openStream(file: InputFile): Readable {
  const raw = createReadStream(file.abs, { highWaterMark: 1 << 16 });
  if (!file.gzip) return raw;
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/**
 * Split a byte stream into lines without ever buffering more than one line;
 * a line longer than `maxBytes` is reported (its content dropped up to the
 * next newline) instead of exhausting memory.
 */
async function* byteLines(stream: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<{ line: number; bytes: Buffer | null }> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let line = 0;
  const take = (piece: Buffer) => {
    if (tooLong) return;
    size += piece.length;
    if (size > maxBytes) {
      tooLong = true;
      parts = [];
    } else if (piece.length) parts.push(piece);
  };
  for await (const chunk of stream) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      take(chunk.subarray(start, nl));
      line++;
      yield { line, bytes: tooLong ? null : Buffer.concat(parts, size) };
      parts = [];
      size = 0;
      tooLong = false;
      start = nl + 1;
    }
    take(chunk.subarray(start));
  }
  if (size > 0 || tooLong) {
    line++;
    yield { line, bytes: tooLong ? null : Buffer.concat(parts, size) };
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'cannot read file: permission denied';
  if (e?.code === 'ENOENT') return 'cannot read file: it vanished or is a broken symbolic link';
  if (e?.code === 'EISDIR') return 'cannot read file: it is a folder';
  if (e?.code === 'ENOTDIR') return 'not a folder';
  if (e?.code === 'Z_DATA_ERROR' || e?.code === 'Z_BUF_ERROR') return `corrupt gzip data: ${e.message}`;
  return err instanceof Error ? err.message : String(err);
}

type JsonlFields = { id?: string; url: string | null; title: string | null; date: string | null; format: 'text' | 'html'; body: string };

/** Validate one JSONL record; returns the fields or a reason it is unusable. */
export function parseJsonlRecord(value: unknown): JsonlFields | string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const rec = value as Record<string, unknown>;
  const optString = (k: string): string | null | undefined => {
    const v = rec[k];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v;
    return undefined;
  };
  for (const k of ['url', 'title', 'date', 'html', 'text']) {
    if (optString(k) === undefined) return `field "${k}" must be a string`;
  }
  const id = rec.id;
  if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') return 'field "id" must be a string or a number';
  // Prefer the HTML when a record has both: boilerplate removal works best on markup.
  const html = optString('html')?.trim() ? optString('html')! : null;
  const text = optString('text')?.trim() ? optString('text')! : null;
  const body = html ?? text;
  if (body === null) return 'no "html" or "text" field (or it is empty)';
  return {
    ...(id !== undefined && id !== null && String(id) !== '' ? { id: String(id) } : {}),
    url: optString('url') ?? null,
    title: optString('title') ?? null,
    date: optString('date') ?? null,
    format: html ? 'html' : 'text',
    body,
  };
}

export function emptyStats(): ReadStats {
  return { files: 0, documents: 0, bytes: 0, skipped: {}, replacedBytes: 0, errors: 0 };
}

/**
 * Stream every document below `root`. `stats` is filled as reading goes (and
 * is complete when the generator is done).
 */
export async function* readInputs(root: string, opts: ReadOptions, stats: ReadStats = emptyStats()): AsyncGenerator<ReadItem> {
  const folderErrors: InputError[] = opts.listed ? [...opts.listed.folderErrors] : [];
  const files = opts.listed ? opts.listed.files : await listInputs(root, stats, opts.exclude, folderErrors);
  const ids = new IdAllocator();
  const error = (source: string, message: string, line?: number): ReadItem => {
    stats.errors++;
    const e: InputError = { source, stage: 'read', message, ...(line !== undefined ? { line } : {}) };
    return { kind: 'error', error: e };
  };
  for (const e of folderErrors) yield error(e.source, e.message);
  for (const [index, file] of files.entries()) {
    stats.files++;
    stats.bytes += file.bytes;
    try {
      if (file.format === 'jsonl') yield* readJsonl(file, opts, ids, stats, error);
      else {
        const item = await readSingle(file, opts, ids, stats, error);
        yield item;
      }
    } catch (err) {
      yield error(file.rel, describe(err));
    }
    opts.onFile?.(file, index, files.length);
  }
}

async function readSingle(
  file: InputFile,
  opts: ReadOptions,
  ids: IdAllocator,
  stats: ReadStats,
  error: (source: string, message: string) => ReadItem,
): Promise<ReadItem> {
  const buf = await readAll(file, opts.maxBytes);
  if (buf.length === 0) return error(file.rel, 'empty file');
  if (looksBinary(buf)) return error(file.rel, 'binary content (NUL bytes) in a text file');
  const html = file.format === 'html';
  const decoded = decodeBytes(buf, { html });
  if (decoded.text.trim() === '') return error(file.rel, 'empty file (whitespace only)');
  stats.documents++;
  stats.replacedBytes += decoded.replaced;
  const doc = createDoc({
    id: ids.allocate(file.rel),
    source: file.rel,
    format: html ? 'html' : 'text',
    raw: decoded.text,
    meta: {
      charset: decoded.charset,
      charsetSource: decoded.charsetSource,
      replacedBytes: decoded.replaced,
      ...(decoded.unknownCharset ? { unknownCharset: decoded.unknownCharset } : {}),
    },
  });
  return { kind: 'doc', doc };
}

async function* readJsonl(
  file: InputFile,
  opts: ReadOptions,
  ids: IdAllocator,
  stats: ReadStats,
  error: (source: string, message: string, line?: number) => ReadItem,
): AsyncGenerator<ReadItem> {
  let any = false;
  for await (const { line, bytes } of byteLines(openStream(file) as AsyncIterable<Buffer>, opts.maxBytes)) {
    if (bytes === null) {
      yield error(file.rel, `line longer than input.maxBytes (${opts.maxBytes})`, line);
      continue;
    }
    if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes.fill(0x20, 0, 3);
    const { text, replaced } = decodeUtf8(bytes);
    if (text.trim() === '') continue;
    any = true;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield error(file.rel, `malformed JSON: ${(err as Error).message}`, line);
      continue;
    }
    const rec = parseJsonlRecord(value);
    if (typeof rec === 'string') {
      yield error(file.rel, rec, line);
      continue;
    }
    stats.documents++;
    stats.replacedBytes += replaced;
    const recordKey = rec.id ?? `L${line}`;
    const doc = createDoc({
      id: ids.allocate(file.rel, recordKey),
      source: `${file.rel}#${rec.id !== undefined ? rec.id : `L${line}`}`,
      format: rec.format,
      raw: rec.body,
      url: rec.url,
      title: rec.title,
      date: rec.date,
      meta: { line, charset: 'utf-8', charsetSource: 'default', replacedBytes: replaced },
    });
    yield { kind: 'doc', doc };
  }
  if (!any) yield error(file.rel, 'empty file');
}
