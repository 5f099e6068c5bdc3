/**
 * Read an output folder (the contract in README "Output formats") into the
 * shapes the report renders. Records are streamed line by line so a large run
 * is never held as one string; fields are read defensively because the
 * report must still render (and say what is odd) for a damaged folder.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SpanFlag } from '../core/types.ts';

/** A flag as the report shows it: the core span flag plus its paragraph (null: document-level). */
export type ReportFlag = SpanFlag & { paragraph: number | null };

export interface ReportParagraph {
  text: string;
  kind: string;
  lang: string | null;
  cluster: string | null;
  /** Original block position, when the writer records it (lets removals go back in place). */
  seq: number | null;
}

export interface ReportRemoved {
  text: string;
  reason: string;
  stage: string;
  kind: string;
  seq: number | null;
  detail: string | null;
  confidence: number | null;
}

export interface ReportFix {
  paragraph: number | null;
  before: string;
  after: string;
  kind: string;
  stage: string;
}

export interface ReportDoc {
  id: string;
  source: string;
  url: string | null;
  title: string | null;
  date: string | null;
  lang: string | null;
  paragraphs: ReportParagraph[];
  removed: ReportRemoved[];
  flags: ReportFlag[];
  fixes: ReportFix[];
  /** Any other top-level fields of the record (extracted metadata), shown as they are. */
  extra: Record<string, unknown>;
}

export interface ReportClusterMember {
  doc: string;
  paragraph: number;
}

export interface ReportCluster {
  id: string;
  canonical: string;
  canonicalReason: string;
  members: ReportClusterMember[];
  extra: Record<string, unknown>;
}

export interface ReportSetAside {
  id: string;
  source: string;
  reason: string;
  detail: string;
}

type Obj = Record<string, unknown>;

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : v === undefined || v === null ? fallback : String(v));
const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function toFlag(f: Obj): ReportFlag {
  return {
    paragraph: numOrNull(f.paragraph),
    start: num(f.start, 0),
    end: num(f.end, 0),
    text: str(f.text),
    kind: str(f.kind, 'unknown'),
    confidence: num(f.confidence, 0),
    suggestion: typeof f.suggestion === 'string' ? f.suggestion : null,
    evidence: str(f.evidence),
    stage: str(f.stage),
  };
}

const KNOWN_DOC_FIELDS = new Set(['id', 'source', 'url', 'title', 'date', 'lang', 'lang3', 'text', 'paragraphs', 'removed', 'flags', 'fixes']);

export function toDoc(r: Obj): ReportDoc {
  const paragraphs = arr(r.paragraphs).filter(isObj).map((p) => ({
    text: str(p.text),
    kind: str(p.kind, 'paragraph'),
    lang: strOrNull(p.lang),
    cluster: strOrNull(p.cluster),
    seq: numOrNull(p.seq),
  }));
  // Span flags may also sit on the paragraphs (older writers); normalise to one list.
  const paragraphFlags = arr(r.paragraphs).flatMap((p, i) =>
    isObj(p) ? arr(p.flags).filter(isObj).map((f) => toFlag({ ...f, paragraph: i })) : [],
  );
  return {
    id: str(r.id),
    source: str(r.source),
    url: strOrNull(r.url),
    title: strOrNull(r.title),
    date: strOrNull(r.date),
    lang: strOrNull(r.lang),
    paragraphs,
    removed: arr(r.removed).filter(isObj).map((x) => ({
      text: str(x.text),
      reason: str(x.reason, 'unknown'),
      stage: str(x.stage),
      kind: str(x.kind, 'paragraph'),
      seq: numOrNull(x.seq),
      detail: strOrNull(x.detail),
      confidence: numOrNull(x.confidence),
    })),
    flags: [...arr(r.flags).filter(isObj).map(toFlag), ...paragraphFlags],
    fixes: arr(r.fixes).filter(isObj).map((x) => ({
      paragraph: numOrNull(x.paragraph),
      before: str(x.before),
      after: str(x.after),
      kind: str(x.kind),
      stage: str(x.stage),
    })),
    extra: Object.fromEntries(Object.entries(r).filter(([k]) => !KNOWN_DOC_FIELDS.has(k))),
  };
}

/** Stream the JSON objects of a JSONL file; a bad line is reported, not fatal. */
export async function* readJsonl(file: string, onBadLine: (line: number, message: string) => void): AsyncGenerator<Obj> {
  for await (const { value } of readJsonlLines(file, onBadLine)) yield value;
}

/**
 * The lines of a file, split on LF, CRLF or a lone CR (as node:readline
 * does), decoded as UTF-8. Hand-rolled on Buffers because readline (a string
 * decoder, a regular expression and an event per line) cost about 2 s of CPU
 * per 370 MB documents.jsonl in an incremental report build, where nothing
 * else about most lines is needed but their text.
 */
export async function* readLines(file: string, chunkBytes = 1 << 20): AsyncGenerator<string> {
  for await (const { bytes } of readLineBuffers(file, chunkBytes)) yield bytes.toString('utf8');
}

/** A line of a file as bytes (without its line break), and where it starts in the file. */
export interface LineBytes {
  bytes: Buffer;
  offset: number;
}

/**
 * The lines of a file as bytes, split as readLines splits them, each with its
 * byte offset: an incremental report build hashes most lines of
 * documents.jsonl without decoding them, and reads a few again later by offset.
 */
export async function* readLineBuffers(file: string, chunkBytes = 1 << 20): AsyncGenerator<LineBytes> {
  let rest: Buffer = Buffer.alloc(0);
  /** File offset of the first byte of `rest`. */
  let restOffset = 0;
  let lastWasCr = false;
  const emit = function* (buf: Buffer, base: number, start: number, end: number): Generator<LineBytes> {
    // A lone CR is a line break too (JSONL we write never holds a raw CR: JSON escapes it).
    let s = start;
    for (let cr = buf.indexOf(13, s); cr !== -1 && cr < end; cr = buf.indexOf(13, s)) {
      yield { bytes: buf.subarray(s, cr), offset: base + s };
      s = cr + 1;
    }
    yield { bytes: buf.subarray(s, end), offset: base + s };
  };
  for await (const chunk of createReadStream(file, { highWaterMark: chunkBytes })) {
    const buf = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    const base = restOffset;
    let start = 0;
    // CRLF split across chunks: the CR ended the previous line, skip its LF.
    if (lastWasCr && buf[0] === 10) start = 1;
    lastWasCr = false;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      yield* emit(buf, base, start, nl > start && buf[nl - 1] === 13 ? nl - 1 : nl);
      start = nl + 1;
    }
    // Keep the unfinished line; a trailing CR already ends it.
    if (buf.length > start && buf[buf.length - 1] === 13) {
      yield* emit(buf, base, start, buf.length - 1);
      lastWasCr = true;
      start = buf.length;
    }
    rest = buf.subarray(start);
    restOffset = base + start;
  }
  if (rest.length) yield* emit(rest, restOffset, 0, rest.length);
}

/** Like readJsonl, with each object's source line (the incremental report hashes it). */
export async function* readJsonlLines(file: string, onBadLine: (line: number, message: string) => void): AsyncGenerator<{ line: string; value: Obj }> {
  if (!existsSync(file)) return;
  let n = 0;
  for await (const line of readLines(file)) {
    n++;
    if (!line.trim()) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isObj(v)) yield { line, value: v };
      else onBadLine(n, 'not a JSON object');
    } catch (err) {
      onBadLine(n, (err as Error).message);
    }
  }
}

export async function readRunJson(outputDir: string): Promise<Obj> {
  const file = path.join(outputDir, 'run.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`${outputDir} is not a newsclean output folder: run.json is missing (run \`newsclean run --output ${outputDir}\` first)`);
  }
  const v: unknown = JSON.parse(text);
  if (!isObj(v)) throw new Error(`${file}: expected a JSON object`);
  return v;
}

export function toCluster(r: Obj): ReportCluster {
  const { id, canonical, canonicalReason, members, ...extra } = r;
  return {
    id: str(id),
    canonical: str(canonical),
    canonicalReason: str(canonicalReason),
    members: arr(members)
      .filter(isObj)
      .map((m) => ({ doc: str(m.doc), paragraph: num(m.paragraph, -1) })),
    extra,
  };
}

export function toSetAside(r: Obj): ReportSetAside {
  const nested = isObj(r.setAside) ? r.setAside : {};
  return {
    id: str(r.id ?? r.doc),
    source: str(r.source),
    reason: str(r.reason ?? nested.reason, 'unknown'),
    detail: str(r.detail ?? nested.detail),
  };
}

export { isObj };
