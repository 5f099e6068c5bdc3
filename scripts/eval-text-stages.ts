/**
 * Measurements behind docs/text-stages.md (the first five stages), rerunnable:
 *
 *   npx tsx scripts/eval-text-stages.ts
 *
 * 1. Language sample size: franc on the first N characters of each dev-set
 *    page's prose (default candidates) against franc on 2,048 characters with
 *    all its languages: agreement and CPU milliseconds per document.
 * 2. Reflow on naive text dumps of the dev-set pages (all visible text, one
 *    line per DOM block): how many blocks it joins, and how many joined blocks
 *    hold both an annotated article snippet and an annotated boilerplate
 *    snippet (a join that glues boilerplate onto article text).
 * 3. Throughput of segment → normalize → reflow → metadata (→ language) on the
 *    five seed articles repeated to 3,000 documents, single thread, CPU time.
 *
 * Needs ../shared (the dev set and the seeds). CPU time, not wall time, is
 * reported so that a busy machine does not distort the figures much.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { francAll } from 'franc';
import { loadDevset } from '../bench/devset.ts';
import { resolveConfig, type UserConfig } from '../src/config.ts';
import { createDoc } from '../src/core/doc.ts';
import { runStages } from '../src/core/runner.ts';
import { extractHtml } from '../src/html/extract.ts';
import { configuredStages } from '../src/stages/configure.ts';
import { normalizeBlockText } from '../src/text/chars.ts';
import { DEFAULT_CANDIDATES, letterCount, sampleText } from '../src/text/language.ts';
import { DEVSET_DIR, SEEDS_DIR } from '../tests/helpers/shared.ts';

const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const ws = (s: string) => s.replace(/\s+/gu, ' ').trim();

async function runText(raw: string, pipeline: UserConfig['pipeline']) {
  const doc = createDoc({ id: 'x', source: 'x.txt', format: 'text', raw });
  const config = resolveConfig({ pipeline });
  await runStages([{ kind: 'doc', doc }], { stages: configuredStages(config), languages: [], concurrency: 1 });
  return doc;
}

const pages = loadDevset(DEVSET_DIR);
const extracted = pages.map((p) => {
  try {
    return extractHtml(p.html);
  } catch {
    return null;
  }
});

// 1. Language sample size.
const prose = extracted
  .map((e) => (e ? e.blocks.map((b) => normalizeBlockText(b.text).replace(/\n/gu, ' ')).filter((t) => letterCount(t) >= 60).join('\n') : ''))
  .filter((t) => t.length >= 300);
const reference = prose.map((t) => francAll(sampleText(t, 2048), { minLength: 1 })[0]![0]);
console.log(`1. language sample size: ${prose.length} pages with ≥ 300 characters of prose; reference = franc, 2,048 characters, all languages`);
for (const chars of [1000, 500, 300]) {
  const only = [...DEFAULT_CANDIDATES];
  const detect = (t: string) => francAll(sampleText(t, chars), { minLength: 1, only })[0]![0];
  prose.slice(0, 50).forEach(detect); // warm-up
  const t0 = process.cpuUsage();
  const answers = prose.map(detect);
  const ms = cpuMs(t0) / prose.length;
  const agree = answers.filter((a, i) => a === reference[i]).length / prose.length;
  console.log(`   ${String(chars).padStart(5)} chars, default candidates: agreement ${(agree * 100).toFixed(1)} %, ${ms.toFixed(2)} ms/document (CPU)`);
}

// 2. Reflow on naive text dumps.
let joined = 0;
let mixed = 0;
let pagesWithJoins = 0;
for (const [i, page] of pages.entries()) {
  const e = extracted[i];
  if (!e) continue;
  const doc = await runText(e.rawText, ['segment', 'normalize', 'reflow']);
  const merged = doc.blocks.filter((b) => Array.isArray(b.data?.reflowedSeqs));
  if (merged.length) pagesWithJoins++;
  joined += merged.length;
  for (const b of merged) {
    const t = ws(b.text);
    const has = (snippets: string[]) => snippets.some((s) => ws(s).length > 0 && t.includes(ws(s)));
    if (has(page.with) && has(page.without)) mixed++;
  }
}
console.log(`2. reflow on naive text dumps of ${pages.length} pages: ${joined} joined blocks on ${pagesWithJoins} pages; ${mixed} hold both an article and a boilerplate snippet`);

// 3. Throughput.
const seeds = readdirSync(SEEDS_DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => readFileSync(path.join(SEEDS_DIR, f), 'utf8'));
const N = 3000;
const raws = Array.from({ length: N }, (_, i) => seeds[i % seeds.length]!);
const megabytes = raws.reduce((n, r) => n + Buffer.byteLength(r), 0) / 1e6;
for (const pipeline of [
  ['segment', 'normalize', 'reflow', 'metadata'],
  ['segment', 'normalize', 'reflow', 'metadata', 'language'],
] as const) {
  const config = resolveConfig({ pipeline: [...pipeline] });
  const docs = raws.map((raw, i) => createDoc({ id: `d${i}`, source: `d${i}.txt`, format: 'text', raw }));
  const t0 = process.cpuUsage();
  await runStages(docs.map((doc) => ({ kind: 'doc' as const, doc })), { stages: configuredStages(config), languages: [], concurrency: 1 });
  const seconds = cpuMs(t0) / 1000;
  console.log(`3. ${pipeline.join(' → ')}: ${(N / seconds).toFixed(0)} documents/s, ${(megabytes / seconds).toFixed(1)} MB/s (CPU time, one thread, ${N} seed documents)`);
}
