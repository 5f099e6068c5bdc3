/**
 * The report manifest (`report/.manifest.json`): what a complete report was
 * built from, so the next build rewrites only what changed.
 *
 *   version  hash of the report code (templates, client script, stylesheet):
 *            another version means every page must be rendered again;
 *   nonce    the Content-Security-Policy nonce of this folder's report
 *            (kept so unchanged pages stay byte-identical; docs/report.md);
 *   files    report-relative path → key of every file of the report. A page's
 *            key hashes its inputs (record line, diff hash, neighbours,
 *            context); a small derived file's key hashes its content;
 *   diffs    document id → [stat signature, sha-256] of diffs/<id>.diff, so an
 *            unchanged diff (same size, mtime, inode) is not read again;
 *   records  sha-256 of a documents.jsonl line → what the index, the data
 *            chunks and the cluster page keys need of that document, so an
 *            unchanged line is hashed but not parsed.
 *
 * The manifest is written last and removed before a build touches the report
 * in place: a report without a valid manifest is not known to be complete and
 * is rebuilt whole.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOL } from '../io/package-info.ts';
import type { TableRow } from './index-page.ts';

export const MANIFEST_FILE = '.manifest.json';
const MANIFEST_FORMAT = 3;

/** What a build keeps of a documents.jsonl line it parsed (see `records`). */
export interface RecordSummary {
  /** Its row of the document table. */
  row: TableRow;
  /** [removal reason, count], in order of first appearance (the charts' tie order). */
  removed: [string, number][];
  /** [flag kind, count], in order of first appearance. */
  flagKinds: [string, number][];
  /** Its flags per bin of the confidence chart (CONFIDENCE_EDGES): all the chart needs, far smaller than the confidences. */
  confidenceBins: number[];
  /** [paragraph index, text hash] of its paragraphs that were cluster members (cluster page keys). */
  members: [number, string][];
}

export interface ReportManifest {
  format: number;
  version: string;
  nonce: string;
  /** Hash of the per-folder page context (nonce, review namespace, config hash). */
  context: string;
  files: Record<string, string>;
  diffs: Record<string, [string, string]>;
  records: Record<string, RecordSummary>;
}

export const sha256 = (...parts: Array<string | Buffer>): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  return h.digest('base64url');
};

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

const REPORT_DIR = path.dirname(fileURLToPath(import.meta.url));
let versionCache: string | null = null;

/**
 * The report code's version: a hash of newsclean's version and of every
 * source file of src/report (and its assets). Any change to a template
 * invalidates every page, without anyone having to remember to bump a number.
 */
export function reportVersion(): string {
  if (versionCache) return versionCache;
  const h = createHash('sha256').update(`${TOOL.name}@${TOOL.version}\n`);
  for (const dir of [REPORT_DIR, path.join(REPORT_DIR, 'assets')]) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => /\.(ts|js|mjs|css)$/.test(n)).sort();
    } catch {
      // A bundled build without sources: the tool version alone identifies the code.
    }
    for (const n of names) h.update(`${n}\n`).update(readFileSync(path.join(dir, n))).update('\n');
  }
  versionCache = h.digest('base64url');
  return versionCache;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The manifest of `reportDir`, or null when it is missing or not one this code wrote. */
export async function readManifest(reportDir: string): Promise<ReportManifest | null> {
  let v: unknown;
  try {
    v = JSON.parse(await readFile(path.join(reportDir, MANIFEST_FILE), 'utf8'));
  } catch {
    return null;
  }
  if (!isRecord(v) || v.format !== MANIFEST_FORMAT) return null;
  if (typeof v.version !== 'string' || typeof v.context !== 'string' || typeof v.nonce !== 'string' || !/^[A-Za-z0-9_-]{16,}$/.test(v.nonce)) return null;
  if (!isRecord(v.files) || !isRecord(v.diffs) || !isRecord(v.records)) return null;
  const files: Record<string, string> = {};
  for (const [k, x] of Object.entries(v.files)) if (typeof x === 'string') files[k] = x;
  const diffs: Record<string, [string, string]> = {};
  for (const [k, x] of Object.entries(v.diffs)) if (Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'string') diffs[k] = [x[0], x[1]];
  // Summaries are this code's own output (the version matched or the build is full): only their container is checked.
  const records = v.records as Record<string, RecordSummary>;
  return { format: MANIFEST_FORMAT, version: v.version, nonce: v.nonce, context: v.context, files, diffs, records };
}

/** Serialised with sorted keys, so the same report always has the same manifest. */
export function serialiseManifest(m: Omit<ReportManifest, 'format'>): string {
  const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
  return `${JSON.stringify({ format: MANIFEST_FORMAT, version: m.version, nonce: m.nonce, context: m.context, files: sorted(m.files), diffs: sorted(m.diffs), records: sorted(m.records) })}\n`;
}
