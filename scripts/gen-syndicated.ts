/**
 * npm run gen:syndicated -- [--out DIR] [--seed N] [--levels L0,L1,L2,L3] [--limit N]
 *
 * Turn the main text of the dev-set pages into syndicated dumps with gold
 * near-duplicate clusters, one per noise level (docs/dedup.md): for each level
 * DIR/<level>/dump.jsonl ({id, url, title, text}: one document per line, the
 * newsclean JSONL input) and DIR/<level>/gold.jsonl ({doc, paragraph, gold,
 * text}: the gold cluster of every paragraph, paragraphs indexed in the
 * document's blank-line-separated text). Generated, never committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { cachedDevsetArticles } from '../src/gen/corpus.ts';
import { NOISE_LEVELS, syndicate } from '../src/gen/syndicate.ts';
import { getWordNet } from '../src/lexicon/wordnet.ts';

const program = new Command()
  .name('gen-syndicated')
  .option('--out <dir>', 'output folder', 'tmp/syndicated')
  .option('--seed <n>', 'random seed', '20240501')
  .option('--levels <list>', 'noise levels', NOISE_LEVELS.map((l) => l.name).join(','))
  .option('--limit <n>', 'at most this many source articles', '1000')
  .option('--devset <dir>', 'dev-set folder', path.resolve(import.meta.dirname, '../../shared/devsets/html-extraction'))
  .parse();
const o = program.opts<{ out: string; seed: string; levels: string; limit: string; devset: string }>();

const seed = Number(o.seed);
const limit = Number(o.limit);
if (!Number.isInteger(seed) || !Number.isInteger(limit) || limit < 1) program.error('--seed and --limit must be integers (limit ≥ 1)');
const levels = o.levels.split(',').map((name) => {
  const level = NOISE_LEVELS.find((l) => l.name === name.trim());
  if (!level) program.error(`unknown noise level ${name}; known: ${NOISE_LEVELS.map((l) => l.name).join(', ')}`);
  return level!;
});

const articles = cachedDevsetArticles(o.devset, { limit });
const wn = getWordNet();
for (const level of levels) {
  const docs = syndicate(articles, wn, { level, seed });
  const dir = path.join(o.out, level.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'dump.jsonl'),
    docs.map((d) => JSON.stringify({ id: d.id, url: `https://${d.site}.example/${d.story}`, title: null, text: d.paragraphs.map((p) => p.text).join('\n\n') })).join('\n') + '\n',
  );
  writeFileSync(
    path.join(dir, 'gold.jsonl'),
    docs.flatMap((d) => d.paragraphs.map((p, i) => JSON.stringify({ doc: d.id, paragraph: i, gold: p.gold, text: p.text }))).join('\n') + '\n',
  );
  const paragraphs = docs.reduce((n, d) => n + d.paragraphs.length, 0);
  console.log(`${level.name}: ${docs.length} documents, ${paragraphs} paragraphs from ${articles.length} articles → ${dir}`);
}
