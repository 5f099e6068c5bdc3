/**
 * npm run bench:dedup            quality per noise level + overall, beside the two baselines
 * npm run bench:dedup -- --scale speed and peak RSS of the dedup core at 500k and 1M paragraphs
 *
 * Data: src/gen (syndicated copies of the dev-set articles, gold clusters;
 * docs/dedup.md describes the noise model). Scored items: every generated
 * paragraph with ≥ 8 words (the same set for every method; a paragraph
 * newsclean declines to cluster counts as a singleton).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { clusterParagraphs, type DedupInput } from '../src/dedup/cluster.ts';
import { FeatureExtractor, normaliseText } from '../src/dedup/features.ts';
import { DedupIndex } from '../src/dedup/index.ts';
import { exactHashClusters, minhashLshClusters } from '../src/gen/baselines.ts';
import { cachedDevsetArticles } from '../src/gen/corpus.ts';
import { scoreClustering, type ClusterScores } from '../src/gen/metrics.ts';
import { createRng } from '../src/gen/random.ts';
import { NOISE_LEVELS, syndicate, type GeneratedDoc } from '../src/gen/syndicate.ts';
import { getWordNet } from '../src/lexicon/wordnet.ts';
import { DEVSET_DIR } from '../tests/helpers/shared.ts';

const SEED = 20240501;
const MIN_WORDS = 8;
const args = process.argv.slice(2);

interface Item extends DedupInput {
  gold: string;
}

function itemsOf(docs: GeneratedDoc[]): Item[] {
  return docs.flatMap((d) => d.paragraphs.map((p, seq) => ({ doc: d.id, seq, text: p.text, gold: p.gold })));
}

/** Scored: article paragraphs with ≥ MIN_WORDS words. Boilerplate is clustered (it is noise in the input) but not scored: its huge template clusters would dominate pair counts, and in a real run the boilerplate stages remove it first. */
const isScored = (it: Item) => !it.gold.startsWith('bp:') && normaliseText(it.text).split(' ').length >= MIN_WORDS;
const fmt = (x: number) => x.toFixed(3);
const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;

function row(name: string, method: string, s: ClusterScores, extra = ''): string {
  return `${name.padEnd(8)} ${method.padEnd(12)} ${String(s.items).padStart(6)}  ARI ${fmt(s.ari)}  P ${fmt(s.precision)}  R ${fmt(s.recall)}  F1 ${fmt(s.f1)}${extra}`;
}

function quality(): void {
  const articles = cachedDevsetArticles(DEVSET_DIR);
  const wn = getWordNet().preload();
  const extractor = new FeatureExtractor(wn);
  console.log(`bench:dedup quality — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} cores`);
  console.log(`source: ${articles.length} English dev-set articles, seed ${SEED}; scored: article paragraphs with ≥ ${MIN_WORDS} words\n`);
  const all: Item[] = [];
  const results: Record<string, { ours: ClusterScores; exact: ClusterScores; minhash: ClusterScores }> = {};
  const evaluate = (name: string, items: Item[]) => {
    const keep = items.map(isScored);
    const score = (predicted: (string | null)[]) =>
      scoreClustering(items.filter((_, i) => keep[i]).map((it) => it.gold), predicted.filter((_, i) => keep[i]));
    const t0 = performance.now();
    const ours = clusterParagraphs(items, { extractor });
    const ms = performance.now() - t0;
    const r = {
      ours: score(ours.assignment),
      exact: score(exactHashClusters(items.map((i) => i.text))),
      minhash: score(minhashLshClusters(items.map((i) => i.text))),
    };
    results[name] = r;
    console.log(row(name, 'newsclean', r.ours, `  ${Math.round(items.length / (ms / 1000))} par/s`));
    console.log(row(name, 'exact-hash', r.exact));
    console.log(row(name, 'minhash-5g', r.minhash));
  };
  for (const level of NOISE_LEVELS) {
    const items = itemsOf(syndicate(articles, wn, { level, seed: SEED }));
    all.push(...items);
    evaluate(level.name, items);
  }
  // Overall: every level in one dump (copies of one story across levels belong together).
  evaluate('overall', all);
  const top = results[NOISE_LEVELS[NOISE_LEVELS.length - 1]!.name]!;
  const overall = results.overall!;
  const checks = [
    [`ARI overall ≥ 0.95`, overall.ours.ari >= 0.95],
    [`ARI at ${NOISE_LEVELS[NOISE_LEVELS.length - 1]!.name} ≥ 0.90`, top.ours.ari >= 0.9],
    [`pairwise precision ≥ 0.97 at every level`, Object.values(results).every((r) => r.ours.precision >= 0.97)],
    [`ARI ≥ plain MinHash + 0.15 at the highest level (${fmt(top.ours.ari - top.minhash.ari)})`, top.ours.ari - top.minhash.ari >= 0.15],
  ] as const;
  console.log(`\nrss peak ${mb(process.resourceUsage().maxRSS * 1024)}`);
  for (const [what, ok] of checks) console.log(`${ok ? 'MET    ' : 'NOT MET'} ${what}`);
}

/**
 * A large dump for speed and memory: half syndicated copies (all noise levels,
 * a new seed per round, so clusters of up to ~100 copies), half unique
 * paragraphs of 30–90 words drawn from the articles' word frequencies (they
 * share common words with everything, as unrelated news paragraphs do, but no
 * sentences).
 */
function writeScaleDump(file: string, paragraphs: number): void {
  const articles = cachedDevsetArticles(DEVSET_DIR);
  const wn = getWordNet();
  const rng = createRng(SEED);
  const counts = new Map<string, number>();
  for (const a of articles) for (const p of a.paragraphs) for (const w of p.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
  const vocabulary = [...counts.keys()];
  const cumulative: number[] = [];
  let total = 0;
  for (const w of vocabulary) cumulative.push((total += counts.get(w)!));
  const drawWord = () => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return vocabulary[lo]!;
  };
  const lines: string[] = [];
  let n = 0;
  let round = 0;
  const flush = () => {
    writeFileSync(file, lines.join('\n') + '\n', { flag: 'a' });
    lines.length = 0;
  };
  while (n < paragraphs) {
    const level = NOISE_LEVELS[round % NOISE_LEVELS.length]!;
    for (const d of syndicate(articles, wn, { level, seed: SEED + round })) {
      for (const p of d.paragraphs) {
        if (n >= paragraphs) break;
        lines.push(JSON.stringify({ doc: `${round}-${d.id}`, seq: n, text: p.text }));
        n++;
        if (n < paragraphs) {
          const text = Array.from({ length: rng.int(30, 90) }, drawWord).join(' ');
          lines.push(JSON.stringify({ doc: `u${round}`, seq: n, text }));
          n++;
        }
      }
      if (lines.length > 50_000) flush();
    }
    round++;
  }
  flush();
}

/** Child process: read a dump, time the dedup core alone, report peak RSS (the dump's strings included, as in a real run). */
async function measure(file: string): Promise<void> {
  const inputs: DedupInput[] = [];
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) if (line) inputs.push(JSON.parse(line) as DedupInput);
  const wn = getWordNet().preload();
  const extractor = new FeatureExtractor(wn);
  const index = new DedupIndex({}, {}, { expectedParagraphs: inputs.length, extractor });
  // What the harness holds before the stage starts (the input paragraphs, WordNet, the runtime).
  const rssBeforeMB = Math.round(process.memoryUsage().rss / 1048576);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = clusterParagraphs(inputs, { extractor, index });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const indexFile = `${file}.index`;
  index.save(indexFile);
  const fileBytes = statSync(indexFile).size;
  rmSync(indexFile);
  console.log(
    JSON.stringify({
      paragraphs: inputs.length,
      seconds: Math.round(seconds * 10) / 10,
      perSecond: Math.round(inputs.length / seconds),
      cpuSeconds: Math.round(cpuSeconds * 10) / 10,
      perCpuSecond: Math.round(inputs.length / cpuSeconds),
      loadAverage: os.loadavg()[0]!.toFixed(1),
      peakRssMB: Math.round((process.resourceUsage().maxRSS * 1024) / 1048576),
      rssBeforeMB,
      clusters: result.counts.clusters,
      clustered: result.counts.clustered,
      indexInMemoryBytesPerParagraph: Math.round(index.bytes / inputs.length),
      indexFileBytesPerParagraph: Math.round(fileBytes / inputs.length),
      distinct: result.counts.distinct,
      bandEntriesPerParagraph: Math.round((index.bandEntries / inputs.length) * 10) / 10,
      phases: Object.fromEntries(result.phases.map((p) => [p.phase, { s: p.ms / 1000, cpuS: p.cpuMs / 1000 }])),
    }),
  );
}

function scale(): void {
  const sizes = args.includes('--sizes') ? args[args.indexOf('--sizes') + 1]!.split(',').map(Number) : [500_000, 1_000_000];
  console.log(`bench:dedup --scale — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} cores`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'newsclean-dedup-scale-'));
  try {
    for (const size of sizes) {
      const file = path.join(dir, `dump-${size}.jsonl`);
      const t0 = performance.now();
      writeScaleDump(file, size);
      console.log(`generated ${size} paragraphs in ${Math.round((performance.now() - t0) / 1000)} s`);
      const child = spawnSync(process.execPath, [...process.execArgv, ...(process.env.DEDUP_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.DEDUP_PROFILE}`] : []), import.meta.filename, '--measure', file], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (child.status !== 0) throw new Error(`measure failed: ${child.stderr}`);
      console.log(child.stdout.trim());
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args.includes('--measure')) await measure(args[args.indexOf('--measure') + 1]!);
else if (args.includes('--scale')) scale();
else quality();
