/**
 * Clean article text for the syndicated-dump generator: the paragraphs of the
 * dev-set pages (their <p> elements, extracted with cheerio), English only.
 * Read at run time from ../shared, never committed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { franc } from 'franc';

export interface SourceArticle {
  id: string;
  paragraphs: string[];
}

export interface LoadDevsetOptions {
  /** Stop after this many articles (pages are read in annotation order). */
  limit?: number;
  /** Paragraphs shorter than this many words are not article text. */
  minWords?: number;
  /** Pages with fewer such paragraphs are skipped. */
  minParagraphs?: number;
  /** franc ISO 639-3 code of the pages to keep. */
  lang?: string;
}

const words = (s: string) => s.split(' ').filter(Boolean).length;

function trigrams(text: string): Set<string> {
  const w = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= w.length; i++) out.add(`${w[i]} ${w[i + 1]} ${w[i + 2]}`);
  return out;
}

/**
 * Gold hygiene: source paragraphs that are already near-duplicates of each
 * other (templated text such as "Increases the amount of error applied to
 * normal shots" / "… to ground passes") would make two gold clusters of what is
 * textually one. Drop a paragraph when ≥ 40% of its word trigrams occur in one
 * earlier kept paragraph. Plain trigrams, independent of the method measured.
 */
export class SourceDeduper {
  private readonly kept: Set<string>[] = [];
  private readonly byTrigram = new Map<string, number[]>();

  accept(text: string): boolean {
    const t = trigrams(text);
    if (t.size === 0) return false;
    const hits = new Map<number, number>();
    for (const g of t) for (const k of this.byTrigram.get(g) ?? []) hits.set(k, (hits.get(k) ?? 0) + 1);
    for (const [k, n] of hits) if (n / Math.min(t.size, this.kept[k]!.size) >= 0.4) return false;
    const k = this.kept.length;
    this.kept.push(t);
    for (const g of t) {
      const list = this.byTrigram.get(g);
      if (list) list.push(k);
      else this.byTrigram.set(g, [k]);
    }
    return true;
  }
}

export function loadDevsetArticles(devsetDir: string, opts: LoadDevsetOptions = {}): SourceArticle[] {
  const { limit = Infinity, minWords = 15, minParagraphs = 3, lang = 'eng' } = opts;
  const annotations = path.join(devsetDir, 'annotations.jsonl');
  if (!existsSync(annotations)) throw new Error(`dev set not found: ${annotations}`);
  const out: SourceArticle[] = [];
  const dedup = new SourceDeduper();
  for (const line of readFileSync(annotations, 'utf8').split('\n')) {
    if (out.length >= limit) break;
    if (!line.trim()) continue;
    const { file } = JSON.parse(line) as { file: string };
    const $ = cheerio.load(readFileSync(path.join(devsetDir, file), 'utf8'));
    const candidates: string[] = [];
    $('p').each((_, el) => {
      const text = $(el).text().replace(/\s+/g, ' ').trim();
      // <p> inside <noscript> holds escaped markup, not text.
      if (words(text) >= minWords && !/<[a-z]/i.test(text)) candidates.push(text);
    });
    if (candidates.length < minParagraphs) continue;
    if (franc(candidates.join(' ').slice(0, 3000)) !== lang) continue;
    const paragraphs = candidates.filter((t) => dedup.accept(t));
    if (paragraphs.length < minParagraphs) continue;
    out.push({ id: path.basename(file).replace(/\.html?$/, ''), paragraphs });
  }
  return out;
}

/** Articles from plain-text files (e.g. the seeds): paragraphs are separated by blank lines. */
export function articlesFromTexts(texts: { id: string; text: string }[], minWords = 15): SourceArticle[] {
  return texts
    .map((t) => ({
      id: t.id,
      paragraphs: t.text
        .split(/\n\s*\n/)
        .map((p) => p.replace(/\s+/g, ' ').trim())
        .filter((p) => words(p) >= minWords),
    }))
    .filter((a) => a.paragraphs.length > 0);
}
