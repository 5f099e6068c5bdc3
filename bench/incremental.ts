/**
 * `npm run bench:incremental`: cost of reruns on persistent state.
 *
 * Generates a dump of syndicated news documents (the dev-set article text run
 * through the syndication generator of src/gen: copies of the same story on
 * several sites, spun and machine-translated variants, site boilerplate), one
 * .txt file per document, then times three runs of the real job (runJob, as
 * `newsclean run` calls it, report included) on the same output folder:
 *
 *   1. first run: every document;
 *   2. rerun with no change            target ≤ 5% of run 1;
 *   3. rerun after adding 1% new files  target ≤ 10% of run 1.
 *
 *   npm run bench:incremental [-- --docs 20000 --new 0.01 --keep]
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { cachedDevsetArticles } from '../src/gen/corpus.ts';
import { NOISE_LEVELS, syndicate, type GeneratedDoc } from '../src/gen/syndicate.ts';
import { getWordNet } from '../src/lexicon/wordnet.ts';
import { runJob, STATE_DIR } from '../src/state/incremental.ts';
import { DEVSET_DIR } from '../tests/helpers/shared.ts';

const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '20000' },
    new: { type: 'string', default: '0.01' },
    concurrency: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const DOCS = Number(args.docs);
const NEW_SHARE = Number(args.new);
if (!Number.isInteger(DOCS) || DOCS < 100 || !(NEW_SHARE > 0 && NEW_SHARE < 1)) {
  throw new Error('--docs must be an integer ≥ 100 and --new a fraction between 0 and 1');
}
const NEW_DOCS = Math.max(1, Math.round(DOCS * NEW_SHARE));

/** Enough syndicated documents: one pass per seed over the articles, until the count is reached. */
function generateDocs(total: number): GeneratedDoc[] {
  const articles = cachedDevsetArticles(DEVSET_DIR, { limit: 1000 });
  const wn = getWordNet();
  const docs: GeneratedDoc[] = [];
  for (let pass = 0; docs.length < total; pass++) {
    const batch = syndicate(articles, wn, { level: NOISE_LEVELS[1]!, seed: 7_000 + pass });
    if (batch.length === 0) throw new Error('the generator produced no documents (dev set missing?)');
    for (const d of batch) docs.push({ ...d, id: `p${pass}-${d.id}` });
  }
  return docs.slice(0, total);
}

function writeDocs(dir: string, docs: readonly GeneratedDoc[]): number {
  let bytes = 0;
  for (const d of docs) {
    const file = path.join(dir, d.site, `${d.id.replace(/[^A-Za-z0-9._-]/g, '_')}.txt`);
    mkdirSync(path.dirname(file), { recursive: true });
    const text = `${d.paragraphs.map((p) => p.text).join('\n\n')}\n`;
    writeFileSync(file, text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

const t0 = performance.now();
const all = generateDocs(DOCS + NEW_DOCS);
const work = mkdtempSync(path.join(os.tmpdir(), 'nc-bench-incr-'));
const input = path.join(work, 'input');
const output = path.join(work, 'output');
const bytes = writeDocs(input, all.slice(0, DOCS));
console.log(`generated ${DOCS} documents (${(bytes / 1e6).toFixed(1)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${input}`);

// Only the run-end lines are kept (their per-phase times are printed); stage warnings would flood the terminal.
let lastPhases: Record<string, number> = {};
let lastReport: { mode: string; rendered: number; written: number; deleted: number } | null = null;
const log = pino(
  { level: 'info' },
  {
    write(line: string) {
      const rec = JSON.parse(line) as { event?: string; phaseMs?: Record<string, number>; report?: typeof lastReport; level: number };
      if (rec.event === 'run-end') {
        lastPhases = rec.phaseMs ?? {};
        lastReport = rec.report ?? null;
      }
      else if (rec.level >= 50) process.stderr.write(line);
    },
  },
);
const concurrency = args.concurrency ? Number(args.concurrency) : undefined;
/**
 * Wall time is what the target is about, but the machine is shared: the CPU
 * time of this process (every thread) is printed too, with the load average,
 * so runs made under different loads can still be compared.
 */
async function timedRun(label: string): Promise<{ seconds: number; cpuSeconds: number; processed: number; documents: number }> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const { run, changed } = await runJob({ input, output, log, ...(concurrency ? { concurrency } : {}) });
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const processed = changed ? (run.incremental?.processedDocuments ?? run.counts.documents) : 0;
  lastPhases = changed ? lastPhases : {};
  const phases = Object.entries(lastPhases).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ');
  const report = changed && lastReport ? `   [report: ${lastReport.mode}, ${lastReport.rendered} pages rendered, ${lastReport.written} files written, ${lastReport.deleted} deleted]` : '';
  console.log(`${label.padEnd(34)} ${seconds.toFixed(2).padStart(8)} s   processed ${String(processed).padStart(6)}   corpus ${run.counts.documents} documents, ${run.counts.clusters} clusters   cpu ${cpuSeconds.toFixed(1)} s   load ${os.loadavg()[0]!.toFixed(1)}${phases ? `   [s: ${phases}]` : ''}${report}`);
  return { seconds, cpuSeconds, processed, documents: run.counts.documents };
}

const first = await timedRun(`run 1: first run (${DOCS} documents)`);
const same = await timedRun('run 2: no changes');
writeDocs(input, all.slice(DOCS));
const added = await timedRun(`run 3: ${NEW_DOCS} new documents (${(NEW_SHARE * 100).toFixed(1)}%)`);

const pct = (x: number) => (100 * x) / first.seconds;
const noChange = pct(same.seconds);
const onePercent = pct(added.seconds);
const stateBytes = statSync(path.join(output, STATE_DIR, 'state.db')).size;
console.log('');
console.log(`no-change rerun: ${noChange.toFixed(2)}% of the first run (target ≤ 5%): ${noChange <= 5 ? 'met' : 'NOT met'}`);
console.log(`${(NEW_SHARE * 100).toFixed(1)}% new documents: ${onePercent.toFixed(2)}% of the first run (target ≤ 10%): ${onePercent <= 10 ? 'met' : 'NOT met'}`);
const cpuPct = (x: number) => (100 * x) / first.cpuSeconds;
console.log(`CPU time of this process: no-change ${cpuPct(same.cpuSeconds).toFixed(2)}%, ${(NEW_SHARE * 100).toFixed(1)}% new ${cpuPct(added.cpuSeconds).toFixed(2)}% of the first run's`);
console.log(`processed exactly the new documents: ${added.processed === NEW_DOCS ? 'yes' : `NO (${added.processed} of ${NEW_DOCS})`}`);
console.log(`state: ${(stateBytes / 1e6).toFixed(1)} MB (${Math.round(stateBytes / added.documents)} bytes per document); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

if (args.keep) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
