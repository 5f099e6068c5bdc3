/**
 * `npm run bench:flags` — the artifact-flag benchmark of issue 5.
 *
 * 1. False alarms per 1,000 words on clean English news text: the `<p>`
 *    paragraphs and the annotated `with` snippets of the English pages of the
 *    HTML dev set, the name-variant pass over those pages as one dump, and the
 *    seeds 000/001/002/004 through the full pipeline after their listed artifacts.
 * 2. Recall and precision on generated spun text (src/artifacts/gen/spun.ts),
 *    per substitute source and entry type; MT debris (gen/mt.ts) per kind.
 * 3. Name variants within generated story groups (gen/names.ts).
 * 4. Run time of the artifact stages against the rest of the pipeline on the
 *    same documents.
 *
 * Options: --pages N (dev-set pages for the run-time part, default 150),
 * --samples N (generated spun samples, default 900).
 */
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readdirSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveConfig } from '../src/config.ts';
import { createDoc } from '../src/core/doc.ts';
import { runStages, type ConfiguredStage } from '../src/core/runner.ts';
import type { CorpusStage, DocumentStage } from '../src/core/stage.ts';
import type { Block, Doc } from '../src/core/types.ts';
import { configuredStages } from '../src/stages/configure.ts';
import { blockContext, detectInBlock, DEFAULT_DETECTOR_OPTIONS } from '../src/artifacts/document-detectors.ts';
import { getLexicon, wordFrequency } from '../src/artifacts/lexicon.ts';
import { detectClusterVariants, writesExpression } from '../src/artifacts/cluster-variants.ts';
import { detectNameVariants } from '../src/artifacts/name-variants.ts';
import type { PendingMatch } from '../src/artifacts/spun-expression.ts';
import { GivenNameEquivalence } from '../src/artifacts/names.ts';
import { countWords } from '../src/artifacts/tokens.ts';
import { generateSpunSamples, SUBSTITUTE_SOURCES } from '../src/artifacts/gen/spun.ts';
import { generateMtSamples, MT_KINDS_GENERATED } from '../src/artifacts/gen/mt.ts';
import { generateNameGroups } from '../src/artifacts/gen/names.ts';
import { getWordNet } from '../src/lexicon/wordnet.ts';
import { loadEnglishPagesCached } from './flags-data.ts';
import { DEVSET_DIR, SEEDS_DIR } from '../tests/helpers/shared.ts';
import { median } from './stats.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const PAGES_FOR_TIMING = arg('pages', 150);
/** `--only timing` (or false-alarms, spun, mt, names) runs one part. */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const want = (part: string) => only === null || only === part;
const SPUN_SAMPLES = arg('samples', 900);

const ENGLISH = { iso6393: 'eng', iso6391: 'en' };
const pct = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');

function asBlock(text: string): Block {
  return { seq: 0, kind: 'paragraph', text, source: { start: 0, end: 0 }, flags: [] };
}

const lex = getLexicon();
const log = (s = '') => console.log(s);

log(`# bench:flags — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores`);
let t0 = performance.now();
getWordNet().preload();
const wordNetMs = performance.now() - t0;
t0 = performance.now();
detectInBlock(asBlock('warm-up: the State Office said'), blockContext('', ENGLISH, true), lex, DEFAULT_DETECTOR_OPTIONS);
wordFrequency('the');
log(`one-time loads (once per process): WordNet indexes ${wordNetMs.toFixed(0)} ms (dedup loads them too); gazetteer, expression index and SUBTLEX-US ${(performance.now() - t0).toFixed(0)} ms`);

// ---------------------------------------------------------------- 1. false alarms
t0 = performance.now();
const pages = loadEnglishPagesCached(DEVSET_DIR);
log(`dev set: ${pages.length} English pages (franc on <p> text) loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

function falseAlarms(texts: string[][], label: string) {
  let words = 0;
  const byKind = new Map<string, number>();
  const examples: string[] = [];
  for (const paras of texts) {
    const ctx = blockContext(paras.join('\n\n'), ENGLISH, true);
    for (const p of paras) {
      words += countWords(p);
      for (const d of detectInBlock(asBlock(p), ctx, lex, DEFAULT_DETECTOR_OPTIONS)) {
        byKind.set(d.kind, (byKind.get(d.kind) ?? 0) + 1);
        if (examples.length < 12) examples.push(`    ${d.kind} ${d.confidence}: "${p.slice(d.start, d.end).slice(0, 80)}"`);
      }
    }
  }
  const flags = [...byKind.values()].reduce((a, b) => a + b, 0);
  log(`${label}: ${words} words, ${flags} flags (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}) = ${pct((flags / words) * 1000)} per 1,000 words`);
  for (const e of examples) log(e);
  return { words, flags };
}

const cleanParas = pages.flatMap((p) => p.paragraphs).filter((p) => countWords(p) >= 25 && countWords(p) <= 200);
if (want('false-alarms')) {
log('\n## 1. False alarms on clean English news text (target ≤ 0.5 per 1,000 words)');
const pFA = falseAlarms(pages.map((p) => p.paragraphs), 'dev-set <p> paragraphs');
const sFA = falseAlarms(pages.map((p) => p.snippets), 'dev-set `with` snippets');
const nameFlagsDev = detectNameVariants(
  pages.map((p) => ({ id: p.file, blocks: p.paragraphs, clusters: p.paragraphs.map(() => null) })),
  new GivenNameEquivalence(),
);
log(`name-variant over the ${pages.length} pages as one dump: ${nameFlagsDev.length} flags${nameFlagsDev.slice(0, 5).map((f) => `\n    ${f.doc}: ${f.suggestion} ← ${f.evidence}`).join('')}`);

// Seeds through the full pipeline: flags that are not the listed artifacts of EXPECTED.md.
const LISTED: Record<string, string[]> = {
  '001': ['phaseOf', 'hawksOf', 'week.US', 'planned“', ':”the', 'weeks»', 'it. country.'],
  '002': ['war. long of the Americas.', 'government. Afghan.', 'PA', 'Bidens', 'Blinkens’'],
  '004': ['Jalam Khalilzad'],
};
const seedInputs = ['000', '001', '002', '003', '004'].map((prefix) => {
  const file = readdirSeeds().find((f) => f.startsWith(prefix))!;
  return { id: prefix, text: readFileSync(path.join(SEEDS_DIR, file), 'utf8') };
});
function readdirSeeds(): string[] {
  return readdirSync(SEEDS_DIR).filter((f) => f.endsWith('.txt'));
}
const seedRun = await runDocs(seedInputs.map((s) => createDoc({ id: s.id, source: `${s.id}.txt`, format: 'text', raw: s.text })), configuredStages(resolveConfig({ languages: ['en'] })));
let seedWords = 0;
const unlisted: string[] = [];
for (const d of seedRun.docs) {
  if (d.id === '003') continue;
  seedWords += d.blocks.reduce((n, b) => n + countWords(b.text), 0);
  for (const b of d.blocks) for (const f of b.flags) if (!(LISTED[d.id] ?? []).some((t) => f.text.includes(t) || t.includes(f.text))) unlisted.push(`${d.id} ${f.kind} "${f.text}"`);
}
log(`seeds 000/001/002/004 after their listed artifacts: ${seedWords} words, ${unlisted.length} unlisted flags = ${pct((unlisted.length / seedWords) * 1000)} per 1,000 words${unlisted.map((u) => `\n    ${u}`).join('')}`);
const devRate = ((pFA.flags + sFA.flags + nameFlagsDev.length) / (pFA.words + sFA.words)) * 1000;
log(`→ dev set overall ${pct(devRate)} per 1,000 words: ${met(devRate <= 0.5)}; seeds ${pct((unlisted.length / seedWords) * 1000)}: ${met((unlisted.length / seedWords) * 1000 <= 0.5)}`);

}

// ---------------------------------------------------------------- 2. generated spun text
if (want('spun')) {
log(`\n## 2. Recall on generated spun text (target ≥ 0.85 for spun fixed expressions)`);
const spun = generateSpunSamples(cleanParas, SPUN_SAMPLES, lex, { seed: 20261127 });
type Cell = { n: number; found: number; right: number };
const cells = new Map<string, Cell>();
const cell = (k: string) => cells.get(k) ?? cells.set(k, { n: 0, found: 0, right: 0 }).get(k)!;
const kindCounts = new Map<string, { tp: number; fp: number }>();
let cleanFlagged = 0;
let cleanTotal = 0;
for (const s of spun) {
  const pending: PendingMatch[] = [];
  const ds = detectInBlock(asBlock(s.text), blockContext(s.text, ENGLISH, true), lex, DEFAULT_DETECTOR_OPTIONS, pending).filter(
    (d) => d.kind === 'spun-expression' || d.kind === 'collocation-anomaly',
  );
  for (const g of s.gold) {
    const hit = ds.find((d) => d.start < g.end && g.start < d.end);
    // Syndicated dump: this paragraph is a near-duplicate of a copy that writes the original expression
    // (the cluster's canonical text). artifacts-corpus confirms pending candidates the canonical text
    // writes and aligns the two copies word by word (cluster-variants.ts); both are run here as there.
    const canonical = s.text.slice(0, g.start) + g.entry + s.text.slice(g.end);
    const overlaps = (d: { start: number; end: number }) => d.start < g.end && g.start < d.end;
    const aligned = detectClusterVariants(s.text, canonical, lex, 'c1');
    const withDump = hit ??
      pending.find((d) => overlaps(d) && writesExpression(canonical, d.entryKey)) ??
      aligned.find((d) => d.kind === 'spun-expression' && overlaps(d));
    const sc = cell(`syndicated/${g.type === 'collocation' ? 'collocation' : 'fixed'}`);
    sc.n++;
    if (withDump) sc.found++;
    if (withDump?.suggestion?.toLowerCase() === g.entry.toLowerCase()) sc.right++;
    if (g.type !== 'collocation') {
      const bySource = cell(`syndicated/fixed/${g.source}`);
      bySource.n++;
      if (withDump) bySource.found++;
      if (withDump?.suggestion?.toLowerCase() === g.entry.toLowerCase()) bySource.right++;
    }
    const anyFlag = cell(`syndicated+cluster-variant/${g.type === 'collocation' ? 'collocation' : 'fixed'}`);
    anyFlag.n++;
    if (withDump ?? aligned.find(overlaps)) anyFlag.found++;
    if ((withDump ?? aligned.find(overlaps))?.suggestion?.toLowerCase() === g.entry.toLowerCase()) anyFlag.right++;
    for (const k of [`${g.source}/${g.type}`, `${g.source}/all`, `all/${g.type}`, g.type === 'collocation' ? 'all/fixed-only-excluded' : 'all/fixed', 'all/all']) {
      const c = cell(k);
      c.n++;
      if (hit) c.found++;
      if (hit?.suggestion?.toLowerCase() === g.entry.toLowerCase()) c.right++;
    }
  }
  for (const c of s.clean) {
    cleanTotal++;
    if (ds.some((d) => d.start < c.end && c.start < d.end)) cleanFlagged++;
  }
  for (const d of ds) {
    const kc = kindCounts.get(d.kind) ?? kindCounts.set(d.kind, { tp: 0, fp: 0 }).get(d.kind)!;
    if (s.gold.some((g) => d.start < g.end && g.start < d.end)) kc.tp++;
    else kc.fp++;
  }
}
log(`${spun.length} samples (seed 20261127); recall = gold spans overlapped by a flag; "sugg" = flag suggests the exact entry`);
log(`${'source/type'.padEnd(40)}     n   recall  sugg`);
for (const [k, c] of [...cells].sort(([a], [b]) => a.localeCompare(b))) {
  if (k.endsWith('fixed-only-excluded')) continue;
  log(`${k.padEnd(40)} ${String(c.n).padStart(5)}   ${(c.found / c.n).toFixed(3)}  ${(c.right / c.n).toFixed(3)}`);
}
for (const [k, c] of kindCounts) log(`precision ${k}: ${(c.tp / (c.tp + c.fp || 1)).toFixed(3)} (${c.tp} on gold, ${c.fp} elsewhere)`);
log(`genuine entries inserted unchanged: ${cleanTotal}, flagged: ${cleanFlagged}`);
const fixed = cells.get('all/fixed')!;
const mainRecall = ((cells.get('wordnet/all')!.found + cells.get('spinner/all')!.found) - (cell('wordnet/collocation').found + cell('spinner/collocation').found)) /
  ((cells.get('wordnet/all')!.n + cells.get('spinner/all')!.n) - (cell('wordnet/collocation').n + cell('spinner/collocation').n));
log(`→ spun fixed expressions (names, titles, compounds), WordNet + spinner sources: recall ${mainRecall.toFixed(3)}: ${met(mainRecall >= 0.85)}`);
log(`→ all sources incl. held-out vocabulary: recall ${(fixed.found / fixed.n).toFixed(3)}: ${met(fixed.found / fixed.n >= 0.85)}`);
const synd = cells.get('syndicated/fixed')!;
log(`→ same, in a syndicated dump where a near-duplicate copy writes the original expression (rows "syndicated/…", kinds spun-expression/collocation-anomaly): recall ${(synd.found / synd.n).toFixed(3)}: ${met(synd.found / synd.n >= 0.85)}`);
const syndAny = cells.get('syndicated+cluster-variant/fixed')!;
log(`   counting cluster-variant flags on the expression too: recall ${(syndAny.found / syndAny.n).toFixed(3)}`);

}

if (want('mt')) {
log(`\n## 2b. MT debris on generated text (no target; coverage of the debris detectors)`);
const mt = generateMtSamples(cleanParas, 120, 7);
const mtKinds = new Map<string, { n: number; found: number; fp: number }>();
for (const s of mt) {
  const ds = detectInBlock(asBlock(s.text), blockContext(s.text, ENGLISH, true), lex, DEFAULT_DETECTOR_OPTIONS);
  const c = mtKinds.get(s.kind) ?? mtKinds.set(s.kind, { n: 0, found: 0, fp: 0 }).get(s.kind)!;
  c.n++;
  if (ds.some((d) => d.kind === s.kind && d.start < s.end && s.start < d.end)) c.found++;
  c.fp += ds.filter((d) => d.kind === s.kind && !(d.start < s.end && s.start < d.end)).length;
}
for (const k of MT_KINDS_GENERATED) {
  const c = mtKinds.get(k);
  if (c) log(`${k.padEnd(16)} n=${c.n} recall ${(c.found / c.n).toFixed(3)} precision ${(c.found / (c.found + c.fp || 1)).toFixed(3)}`);
}

}

// ---------------------------------------------------------------- 3. name variants
if (want('names')) {
log(`\n## 3. Name variants within generated story groups (target recall ≥ 0.90)`);
const groups = generateNameGroups(cleanParas, 120, { seed: 99 });
const nameFlags = detectNameVariants(groups.docs.map((d) => ({ ...d, clusters: d.blocks.map(() => null) })), new GivenNameEquivalence());
const onGold = (f: { doc: string; block: number; start: number; end: number }, g: { doc: string; block: number; start: number; end: number }) =>
  f.doc === g.doc && f.block === g.block && f.start < g.end && g.start < f.end;
const foundVariants = groups.variants.filter((g) => nameFlags.some((f) => onGold(f, g)));
const rightSugg = groups.variants.filter((g) => nameFlags.some((f) => onGold(f, g) && f.suggestion === g.right));
const tpFlags = nameFlags.filter((f) => groups.variants.some((g) => onGold(f, g)));
const negFlagged = groups.negatives.filter((n) => nameFlags.some((f) => onGold(f, n)));
const nameRecall = foundVariants.length / groups.variants.length;
log(`${groups.docs.length} documents in 120 groups, ${groups.variants.length} misspelt mentions, ${groups.negatives.length} short-form/relative mentions`);
log(`recall ${nameRecall.toFixed(3)} (suggestion right ${(rightSugg.length / groups.variants.length).toFixed(3)}), precision ${(tpFlags.length / (nameFlags.length || 1)).toFixed(3)} (${nameFlags.length - tpFlags.length} flags off gold), short forms/relatives flagged: ${negFlagged.length}`);
const missed = groups.variants.filter((g) => !foundVariants.includes(g)).slice(0, 6);
if (missed.length) log(`missed e.g.: ${missed.map((m) => `${m.wrong} (for ${m.right})`).join(', ')}`);
log(`→ name variants recall: ${met(nameRecall >= 0.9)}`);

}

// ---------------------------------------------------------------- 4. run time
log(`\n## 4. Run time of the artifact stages (target: ≤ 30% added to the text pipeline)`);
async function runDocs(docs: Doc[], stages: ReturnType<typeof configuredStages>) {
  return runStages(docs.map((doc) => ({ kind: 'doc' as const, doc })), { stages, languages: ['en'], concurrency: 1 });
}
if (want('timing')) {
const timingPages = pages.slice(0, PAGES_FOR_TIMING);
const mkDocs = () => timingPages.map((p, i) => createDoc({ id: `p${i}`, source: p.file, format: 'html', raw: p.html }));
const all = configuredStages(resolveConfig({ languages: ['en'] }));
const without = all.filter((s) => !s.stage.name.startsWith('artifacts'));

// Process CPU per stage (user + system, so it includes the GC threads' work during the stage): on a shared
// machine a stage's wall-clock time also counts the time other processes held the core.
const stageCpu = new Map<string, number>();
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const addCpu = (name: string, since: NodeJS.CpuUsage) => stageCpu.set(name, (stageCpu.get(name) ?? 0) + cpuMs(since));
const timed = (stages: ConfiguredStage[]): ConfiguredStage[] =>
  stages.map(({ stage, options }) => {
    if (stage.kind === 'document') {
      const run: DocumentStage['run'] = async (doc, ctx) => {
        const since = process.cpuUsage();
        try {
          await stage.run(doc, ctx);
        } finally {
          addCpu(stage.name, since);
        }
      };
      return { stage: { ...stage, run }, options };
    }
    const start: CorpusStage['start'] = (ctx) => {
      const since = process.cpuUsage();
      const handlers = stage.start(ctx);
      addCpu(stage.name, since);
      const step = <A extends unknown[]>(f: (...a: A) => unknown) => async (...a: A) => {
        const t = process.cpuUsage();
        try {
          await f(...a);
        } finally {
          addCpu(stage.name, t);
        }
      };
      return { collect: step(handlers.collect), resolve: step(handlers.resolve), apply: step(handlers.apply) };
    };
    return { stage: { ...stage, start }, options };
  });

// A full collection before each run, and one after it counted in the run: each run pays for collecting its own
// garbage. Without this, a run's garbage is collected during whichever run comes next, and V8's heap sizing
// decides which configuration pays for it.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

// One whole run first, so that both configurations are measured warm (JIT, caches); the one-time loads are above.
await runDocs(mkDocs(), all);
interface Timing { cpu: number; wall: number; stages: Map<string, number> }
const measure = async (stages: ConfiguredStage[]): Promise<Timing> => {
  collectGarbage();
  stageCpu.clear();
  const since = process.cpuUsage();
  const t = performance.now();
  await runDocs(mkDocs(), timed(stages));
  collectGarbage();
  return { cpu: cpuMs(since) / 1000, wall: performance.now() - t, stages: new Map(stageCpu) };
};
const REPS = 5;
const withRuns: Timing[] = [];
const withoutRuns: Timing[] = [];
for (let rep = 0; rep < REPS; rep++) {
  // Alternate which configuration goes first.
  if (rep % 2 === 0) {
    withRuns.push(await measure(all));
    withoutRuns.push(await measure(without));
  } else {
    withoutRuns.push(await measure(without));
    withRuns.push(await measure(all));
  }
}
const isArtifacts = (name: string) => name.startsWith('artifacts');
const sumStages = (t: Timing, keep: (name: string) => boolean) => [...t.stages].reduce((n, [name, ms]) => n + (keep(name) ? ms : 0), 0);
const artifactsMs = withRuns.map((t) => sumStages(t, isArtifacts));
const restMs = withRuns.map((t) => sumStages(t, (n) => !isArtifacts(n)));
const restNoDedupMs = withRuns.map((t) => sumStages(t, (n) => !isArtifacts(n) && n !== 'dedup'));
const ratio = median(withRuns.map((_, i) => artifactsMs[i]! / restMs[i]!));
const ratioNoDedup = median(withRuns.map((_, i) => artifactsMs[i]! / restNoDedupMs[i]!));
const cpuRatio = median(withRuns.map((t, i) => t.cpu / withoutRuns[i]!.cpu - 1));
const wallRatio = median(withRuns.map((t, i) => t.wall / withoutRuns[i]!.wall - 1));
const words = timingPages.reduce((n, p) => n + p.paragraphs.reduce((m, q) => m + countWords(q), 0), 0);
const stageNames = [...withRuns[0]!.stages.keys()];
log(`per stage, CPU ms (median of ${REPS}): ${stageNames.map((name) => `${name} ${median(withRuns.map((t) => t.stages.get(name) ?? 0)).toFixed(0)}`).join(', ')}`);
log(`${timingPages.length} dev-set HTML pages (${words} words of <p> text), concurrency 1, median of ${REPS}: artifact stages ${median(artifactsMs).toFixed(0)} CPU ms vs other stages ${median(restMs).toFixed(0)} CPU ms = +${(ratio * 100).toFixed(1)}% (other stages without dedup ${median(restNoDedupMs).toFixed(0)} ms: +${(ratioNoDedup * 100).toFixed(1)}%)`);
log(`whole runs with / without the artifact stages (each run's garbage collected in it, order alternated): CPU ${median(withRuns.map((t) => t.cpu)).toFixed(2)} s / ${median(withoutRuns.map((t) => t.cpu)).toFixed(2)} s = +${(cpuRatio * 100).toFixed(1)}% (runs: ${withRuns.map((t, i) => `+${((t.cpu / withoutRuns[i]!.cpu - 1) * 100).toFixed(0)}%`).join(' ')}); wall clock +${(wallRatio * 100).toFixed(1)}%`);
log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
log(`→ run-time overhead ≤ 30% of the other stages: ${met(ratio <= 0.3)}; of the other stages without dedup: ${met(ratioNoDedup <= 0.3)}; whole-run CPU: ${met(cpuRatio <= 0.3)} (the one-time lexicon/WordNet load above is not included)`);
}
