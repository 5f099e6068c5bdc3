/**
 * `npm run bench:io`: throughput of the readers alone, readers + configured
 * stages, and the writers, on a generated 20k-document dump (a mix of .txt,
 * .html, .jsonl and .jsonl.gz with paragraphs of varied sizes, made from the
 * vocabulary of the bundled sample by a seeded PRNG, so every run reads the
 * same bytes).
 *
 *   npm run bench:io [-- --docs 20000 --concurrency 4 --skip STAGE --readers-only --keep]
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { createRng } from '../src/gen/random.ts';
import { runStages } from '../src/core/runner.ts';
import { emptyStats, readInputs } from '../src/io/readers.ts';
import { writeOutputs } from '../src/io/writers.ts';
import { configuredStages } from '../src/stages/configure.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '20000' },
    concurrency: { type: 'string' },
    /** Stages to leave out of the configured pipeline (repeatable), e.g. one too slow to measure the rest. */
    skip: { type: 'string', multiple: true, default: [] },
    'readers-only': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const DOCS = Number(args.docs);

const rng = createRng(20211019);
const rnd = rng.next;
const rawDir = path.join(ROOT, 'raw');
const words = readdirSync(rawDir)
  .filter((f) => f.endsWith('.txt'))
  .flatMap((f) => readFileSync(path.join(rawDir, f), 'utf8').split(/\s+/))
  .filter((w) => /^[\p{L}’'.,-]+$/u.test(w));
const pick = () => rng.pick(words);

function sentence(): string {
  const n = 6 + Math.floor(rnd() * 22);
  const s = Array.from({ length: n }, pick).join(' ').replace(/[.,]+$/, '');
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
}
/** Paragraph sizes vary like news: many 1–3 sentence paragraphs, some long ones. */
function paragraph(): string {
  const n = rnd() < 0.7 ? 1 + Math.floor(rnd() * 3) : 4 + Math.floor(rnd() * 8);
  return Array.from({ length: n }, sentence).join(' ');
}
function article(): { title: string; paragraphs: string[] } {
  const n = 3 + Math.floor(rnd() * 18);
  return { title: sentence().replace(/\.$/, ''), paragraphs: Array.from({ length: n }, paragraph) };
}

function generate(dir: string, total: number): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const write = (rel: string, data: string | Buffer) => {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
    files++;
  };
  let jsonl: string[] = [];
  let jsonlGz: string[] = [];
  let chunk = 0;
  const flush = (force = false) => {
    if (jsonl.length >= 500 || (force && jsonl.length)) {
      write(`exports/part-${String(chunk++).padStart(3, '0')}.jsonl`, `${jsonl.join('\n')}\n`);
      jsonl = [];
    }
    if (jsonlGz.length >= 500 || (force && jsonlGz.length)) {
      write(`exports/part-${String(chunk++).padStart(3, '0')}.jsonl.gz`, gzipSync(Buffer.from(`${jsonlGz.join('\n')}\n`)));
      jsonlGz = [];
    }
  };
  for (let i = 0; i < total; i++) {
    const a = article();
    const site = `site-${i % 37}`;
    const r = rnd();
    let raw: string;
    if (r < 0.4) {
      raw = `${a.title}\n\n${a.paragraphs.join('\n\n')}\n\nShare this story!\n`;
      write(`${site}/text/${i}.txt`, raw);
    } else if (r < 0.7) {
      raw = `<!doctype html><html><head><meta charset="utf-8"><title>${a.title}</title></head><body><nav><a href="/">Home</a> » <a href="/news">News</a></nav><article><h1>${a.title}</h1>${a.paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</article><footer><p>Copyright © 2021 ${site}. All Rights Reserved.</p></footer></body></html>`;
      write(`${site}/html/${i}.html`, raw);
    } else {
      raw = JSON.stringify({ id: `a${i}`, url: `https://${site}.example/${i}`, title: a.title, date: '2021-10-19', text: a.paragraphs.join('\n\n') });
      if (r < 0.85) jsonl.push(raw);
      else jsonlGz.push(raw);
      flush();
    }
    bytes += Buffer.byteLength(raw);
  }
  flush(true);
  return { bytes, files };
}

const fmt = (n: number, d = 1) => n.toFixed(d);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'newsclean-bench-io-'));
  const out = path.join(dir, '..', `${path.basename(dir)}-out`);
  try {
    const t0 = performance.now();
    const gen = generate(path.join(dir, 'in'), DOCS);
    const mb = gen.bytes / 1e6;
    console.log(`generated ${DOCS} documents in ${gen.files} files, ${fmt(mb)} MB uncompressed, in ${fmt((performance.now() - t0) / 1000, 2)} s (${dir})`);
    console.log(`node ${process.version}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB`);

    const { config } = await loadConfig(path.join(ROOT, 'pipeline.config.ts'), true);
    if (args.concurrency) config.concurrency = Number(args.concurrency);
    config.pipeline = config.pipeline.filter((name) => !args.skip.includes(name));

    // 1. Readers alone.
    let t = performance.now();
    const stats = emptyStats();
    let docs = 0;
    for await (const item of readInputs(path.join(dir, 'in'), { maxBytes: config.input.maxBytes }, stats)) if (item.kind === 'doc') docs++;
    let s = (performance.now() - t) / 1000;
    console.log(`readers alone:            ${docs} documents in ${fmt(s, 2)} s = ${fmt(docs / s, 0)} documents/s, ${fmt(mb / s)} MB/s (errors ${stats.errors})`);

    if (args['readers-only']) return;

    // 2. Readers + the configured stages.
    t = performance.now();
    const result = await runStages(readInputs(path.join(dir, 'in'), { maxBytes: config.input.maxBytes }), {
      stages: configuredStages(config),
      languages: config.languages,
      concurrency: config.concurrency,
    });
    s = (performance.now() - t) / 1000;
    const kept = result.docs.filter((d) => !d.setAside).length;
    console.log(`readers + stages:         ${result.docs.length} documents in ${fmt(s, 2)} s = ${fmt(result.docs.length / s, 0)} documents/s, ${fmt(mb / s)} MB/s (kept ${kept}, errors ${result.errors.length}, concurrency ${config.concurrency})`);
    if (args.skip.length) console.log(`  stages left out: ${args.skip.join(', ')}`);
    console.log('  per stage (document stages: summed over concurrent documents):');
    for (const st of result.stages) console.log(`  ${st.name.padEnd(20)} ${st.kind.padEnd(8)} ${fmt(st.ms / 1000, 2).padStart(8)} s`);

    // 3. Writers (documents.jsonl, flags, clusters, docs/, diffs/).
    t = performance.now();
    await writeOutputs(out, result.docs, result.corpus.clusters.values());
    s = (performance.now() - t) / 1000;
    console.log(`writers:                  ${kept} documents in ${fmt(s, 2)} s = ${fmt(kept / s, 0)} documents/s`);
    const mem = process.memoryUsage();
    console.log(`peak-ish memory: rss ${fmt(mem.rss / 2 ** 20, 0)} MiB, heap used ${fmt(mem.heapUsed / 2 ** 20, 0)} MiB`);
  } finally {
    if (!args.keep) {
      rmSync(dir, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  }
}

await main();
