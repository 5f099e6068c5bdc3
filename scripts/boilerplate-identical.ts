/**
 * Speed work on the text-dump classifier must not change a single decision. This script
 * classifies the same dumps with a reference copy of the classifier (src/ and data/ of a
 * git revision, default HEAD, unpacked with `git archive`) and with the working tree, and
 * compares every decision: action, reason, grade, confidence and detail.
 *
 * Dumps: the 990 dev-set pages flattened to their visible text (one block per line, as
 * `npm run bench:extract -- --only text` does; cached in the temp folder, as extracting them
 * takes longer than classifying), the five seed files (one block per line, and one block
 * per blank-line paragraph), each classified in text mode at aggressiveness 0, 0.5 and 1 and in
 * HTML mode at the default.
 *
 * `--ab N` then times N alternating passes of each version over the dev-set dumps in this
 * one process (facts caches cleared before each pass) and prints documents per CPU second.
 * `--against REV` puts a second archived revision in place of the working tree (both loaded the
 * same way; `--rev HEAD --against HEAD` shows what the comparison itself is worth: the
 * working tree also carries other engineers' uncommitted files, an archive does not). It can be
 * worth little: on 2026-12-07 `--rev HEAD --against HEAD --ab 8` gave 0.694 for identical code
 * (the copy loaded second ran slower); alternating process pairs are the fairer comparison.
 * `--src-only` compares the working tree's src/ run with the reference revision's data/ (a copy
 * of both in the temp folder): for code changes while someone's uncommitted model sits in data/,
 * which would otherwise make decisions differ everywhere.
 *
 *   npx tsx scripts/boilerplate-identical.ts [--rev HEAD] [--against REV | --src-only] [--ab 6]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadDevset } from '../bench/devset.ts';
import { extractHtml } from '../src/html/extract.ts';
import { DEVSET_DIR, REPO_ROOT } from '../tests/helpers/shared.ts';
import * as workingTree from '../src/boilerplate/classify.ts';
import { median } from '../bench/stats.ts';

/** Older revisions kept block facts between documents and exported clearBlockFactsCache to forget them. */
type Classifier = Pick<typeof workingTree, 'classifyBlocks'> & { clearBlockFactsCache?: () => void };

const { values: args } = parseArgs({ options: { rev: { type: 'string', default: 'HEAD' }, against: { type: 'string' }, 'src-only': { type: 'boolean', default: false }, ab: { type: 'string', default: '0' } } });

/** The classifier of a git revision, unpacked beside node_modules so its imports resolve (`copy` tells two copies of one revision apart). */
async function referenceClassifier(rev: string, copy = 'ref'): Promise<{ classifier: Classifier; commit: string; dir: string }> {
  const commit = execFileSync('git', ['rev-parse', rev], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const dir = path.join(tmpdir(), `newsclean-${copy}-${commit.slice(0, 12)}`);
  if (!existsSync(path.join(dir, 'src/boilerplate/classify.ts'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', commit, 'src', 'data'], { cwd: REPO_ROOT, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  }
  const classifier = (await import(pathToFileURL(path.join(dir, 'src/boilerplate/classify.ts')).href)) as Classifier;
  return { classifier, commit, dir };
}

/** The working tree's src/ with data/ of the reference archive `refDir`, copied afresh (the source changes between runs). */
async function workingSourceWithDataOf(refDir: string): Promise<Classifier> {
  const dir = path.join(tmpdir(), `newsclean-src-only-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(REPO_ROOT, 'src'), path.join(dir, 'src'), { recursive: true });
  cpSync(path.join(refDir, 'data'), path.join(dir, 'data'), { recursive: true });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return (await import(pathToFileURL(path.join(dir, 'src/boilerplate/classify.ts')).href)) as Classifier;
}

interface Dump {
  name: string;
  blocks: Array<{ text: string; kind: 'paragraph' }>;
}

const asBlocks = (parts: string[]) => parts.filter((l) => l.trim()).map((text) => ({ text, kind: 'paragraph' as const }));

/** The dev-set dumps, cached by the annotation file's hash and the extractor's source. */
function devsetDumps(): Dump[] {
  const hash = createHash('sha256')
    .update(readFileSync(path.join(DEVSET_DIR, 'annotations.jsonl')))
    .update(readdirSync(path.join(REPO_ROOT, 'src/html')).map((f) => readFileSync(path.join(REPO_ROOT, 'src/html', f), 'utf8')).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const cache = path.join(tmpdir(), `newsclean-devset-dumps-${hash}.json`);
  let raw: Array<{ file: string; text: string }>;
  if (existsSync(cache)) raw = JSON.parse(readFileSync(cache, 'utf8')) as typeof raw;
  else {
    raw = loadDevset(DEVSET_DIR).map((p) => {
      try {
        return { file: p.file, text: extractHtml(p.html).rawText };
      } catch {
        return { file: p.file, text: '' };
      }
    });
    writeFileSync(cache, JSON.stringify(raw));
  }
  return raw.map((r) => ({ name: r.file, blocks: asBlocks(r.text.split('\n')) }));
}

function seedDumps(): Dump[] {
  const dir = path.join(REPO_ROOT, 'raw');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .flatMap((f) => {
      const text = readFileSync(path.join(dir, f), 'utf8');
      return [
        { name: `${f} (lines)`, blocks: asBlocks(text.split('\n')) },
        { name: `${f} (paragraphs)`, blocks: asBlocks(text.split(/\n\s*\n/)) },
      ];
    });
}

function compare(ref: Classifier, cur: Classifier, dumps: Dump[]): { decisions: number; differences: string[] } {
  const differences: string[] = [];
  let decisions = 0;
  // Text mode at three knob settings, and HTML mode (blocks from the DOM extraction, title lifted) at the default.
  const settings = [
    { aggressiveness: 0.5, mode: 'text', titleLifted: false },
    { aggressiveness: 0, mode: 'text', titleLifted: false },
    { aggressiveness: 1, mode: 'text', titleLifted: false },
    { aggressiveness: 0.5, mode: 'html', titleLifted: true },
  ] as const;
  for (const opts of settings) {
    ref.clearBlockFactsCache?.();
    cur.clearBlockFactsCache?.();
    for (const d of dumps) {
      const a = ref.classifyBlocks(d.blocks, opts);
      const b = cur.classifyBlocks(d.blocks, opts);
      d.blocks.forEach((block, i) => {
        decisions++;
        const x = JSON.stringify(a[i]);
        const y = JSON.stringify(b[i]);
        if (x !== y && differences.length < 20) differences.push(`${d.name} ${JSON.stringify(opts)} block ${i} ${JSON.stringify(block.text.slice(0, 80))}\n  ref ${x}\n  cur ${y}`);
      });
    }
  }
  return { decisions, differences };
}

function pass(c: Classifier, dumps: Dump[]): number {
  c.clearBlockFactsCache?.();
  const t = process.cpuUsage();
  for (const d of dumps) c.classifyBlocks(d.blocks, { aggressiveness: 0.5, mode: 'text', titleLifted: false });
  const u = process.cpuUsage(t);
  return dumps.length / ((u.user + u.system) / 1e6);
}

async function main() {
  if (args.against && args['src-only']) throw new Error('--against and --src-only exclude each other');
  const { classifier: ref, commit, dir: refDir } = await referenceClassifier(args.rev);
  const current: Classifier = args.against
    ? (await referenceClassifier(args.against, 'against')).classifier
    : args['src-only']
      ? await workingSourceWithDataOf(refDir)
      : workingTree;
  const currentName = args.against ? `${args.against} (archived)` : args['src-only'] ? `working tree src/ with data/ of ${commit.slice(0, 12)}` : 'working tree';
  const dev = devsetDumps();
  const dumps = [...dev, ...seedDumps()];
  const { decisions, differences } = compare(ref, current, dumps);
  console.log(`reference ${commit.slice(0, 12)} vs ${currentName}: ${dumps.length} dumps, ${decisions} decisions (text mode at aggressiveness 0.5, 0, 1; HTML mode at 0.5), ${differences.length ? `${differences.length}+ DIFFERENT` : 'all identical'}`);
  for (const d of differences) console.log(d);
  const rounds = Number(args.ab);
  if (rounds > 0) {
    const lines = dev.reduce((n, d) => n + d.blocks.length, 0);
    const refRates: number[] = [];
    const curRates: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Alternating, so drifting load hits both alike.
      refRates.push(pass(ref, dev));
      curRates.push(pass(current, dev));
    }
    const perLine = (rate: number) => ((1e6 / rate) * dev.length) / lines;
    console.log(`A/B over ${dev.length} dev-set dumps (${lines} lines), ${rounds} alternating passes, documents per CPU second (load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}):`);
    console.log(`  reference ${refRates.map((x) => x.toFixed(0)).join(' ')}  median ${median(refRates).toFixed(0)} (${perLine(median(refRates)).toFixed(2)} µs per line)`);
    console.log(`  current   ${curRates.map((x) => x.toFixed(0)).join(' ')}  median ${median(curRates).toFixed(0)} (${perLine(median(curRates)).toFixed(2)} µs per line)`);
    console.log(`  ratio ${(median(curRates) / median(refRates)).toFixed(3)}`);
  }
  if (differences.length) process.exitCode = 1;
}

await main();
