/**
 * Clean English news text from the HTML dev set (../shared/devsets/html-extraction),
 * for the artifact-flag benchmark and tests: the `<p>` paragraphs of pages
 * whose text franc reads as English (outside nav/header/footer/aside/form),
 * and the annotations' `with` snippets of the same pages.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { franc } from 'franc';
import { decodeBytes } from '../src/io/decode.ts';

export interface CleanPage {
  file: string;
  paragraphs: string[];
  snippets: string[];
  html: string;
}

interface Annotation {
  file: string;
  with: string[];
}

const ws = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Same as loadEnglishPages, cached in the OS temp folder (parsing 990 pages with
 * cheerio and franc takes a minute or more on a busy machine); the cache is keyed
 * by the annotation file's size and mtime.
 */
export function loadEnglishPagesCached(devsetDir: string): CleanPage[] {
  const st = statSync(path.join(devsetDir, 'annotations.jsonl'));
  const cache = path.join(tmpdir(), `newsclean-bench-flags-${st.size}-${Math.round(st.mtimeMs)}.json`);
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as CleanPage[];
  const pages = loadEnglishPages(devsetDir);
  writeFileSync(cache, JSON.stringify(pages));
  return pages;
}

export function loadEnglishPages(devsetDir: string, limit = Infinity): CleanPage[] {
  const lines = readFileSync(path.join(devsetDir, 'annotations.jsonl'), 'utf8').split('\n').filter(Boolean);
  const out: CleanPage[] = [];
  for (const line of lines) {
    if (out.length >= limit) break;
    const a = JSON.parse(line) as Annotation;
    let html: string;
    try {
      html = decodeBytes(readFileSync(path.join(devsetDir, a.file)), { html: true }).text;
    } catch {
      continue;
    }
    const $ = cheerio.load(html);
    $('nav, header, footer, aside, form, script, style, noscript').remove();
    const paragraphs = $('p')
      .toArray()
      .map((el) => ws($(el).text()))
      .filter((t) => t.split(' ').length >= 8);
    if (paragraphs.length === 0) continue;
    const sample = paragraphs.join(' ').slice(0, 3000);
    if (franc(sample, { minLength: 50 }) !== 'eng') continue;
    out.push({ file: a.file, paragraphs, snippets: a.with.map(ws).filter(Boolean), html });
  }
  return out;
}
