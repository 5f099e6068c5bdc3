/**
 * The HTML extraction dev set (../shared/devsets/html-extraction): loading,
 * charset decoding and the scoring rule of its README. Shared by
 * `npm run bench:extract`, the quality gate test and the training script.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';

export interface DevPage {
  file: string;
  url: string;
  html: string;
  with: string[];
  without: string[];
}

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Decode page bytes: BOM, then a charset declared in the first 4 KB, else UTF-8 (falling back to windows-1252 when UTF-8 is invalid). */
export function decodeHtml(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), 'utf16be');
  const head = bytes.subarray(0, 4096).toString('latin1');
  const declared = /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
  if (declared && declared !== 'utf-8' && declared !== 'utf8' && iconv.encodingExists(declared)) {
    return iconv.decode(bytes, declared);
  }
  const utf8 = bytes.toString('utf8');
  if (!declared && utf8.includes('\uFFFD')) return iconv.decode(bytes, 'windows-1252');
  return utf8;
}

export function loadDevset(dir: string): DevPage[] {
  const lines = readFileSync(path.join(dir, 'annotations.jsonl'), 'utf8').split('\n').filter(Boolean);
  return lines.map((line) => {
    const a = JSON.parse(line) as { url: string; file: string; with: string[]; without: string[] };
    return { file: a.file, url: a.url, with: a.with, without: a.without, html: decodeHtml(readFileSync(path.join(dir, a.file))) };
  });
}

const ws = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The README's rule: whitespace-normalised substring matches of each snippet in the extraction. */
export function scorePage(page: Pick<DevPage, 'with' | 'without'>, extracted: string | null): Score {
  const text = extracted ? ws(extracted) : '';
  const s: Score = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const w of page.with) {
    if (text && text.includes(ws(w))) s.tp++;
    else s.fn++;
  }
  for (const w of page.without) {
    if (text && text.includes(ws(w))) s.fp++;
    else s.tn++;
  }
  return s;
}

export function addScores(a: Score, b: Score): Score {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, tn: a.tn + b.tn };
}

export function prf(s: Score): { precision: number; recall: number; f1: number } {
  const precision = s.tp / Math.max(1, s.tp + s.fp);
  const recall = s.tp / Math.max(1, s.tp + s.fn);
  const f1 = (2 * s.tp) / Math.max(1, 2 * s.tp + s.fp + s.fn);
  return { precision, recall, f1 };
}
