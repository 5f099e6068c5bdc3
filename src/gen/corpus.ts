/**
 * Source articles for generated dumps, cached outside the repo: extracting the
 * dev-set pages with cheerio takes ~25 s, the cache makes reruns instant. The
 * cache key covers the dev-set file and the extraction options.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDevsetArticles, type LoadDevsetOptions, type SourceArticle } from './source.ts';

export function cachedDevsetArticles(devsetDir: string, opts: LoadDevsetOptions = {}): SourceArticle[] {
  const annotations = path.join(devsetDir, 'annotations.jsonl');
  const st = statSync(annotations);
  const key = createHash('sha1').update(JSON.stringify([path.resolve(devsetDir), st.size, st.mtimeMs, opts, 2])).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'newsclean-gen-cache');
  const file = path.join(dir, `articles-${key}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SourceArticle[];
  const articles = loadDevsetArticles(devsetDir, opts);
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(articles));
  renameSync(tmp, file);
  return articles;
}
