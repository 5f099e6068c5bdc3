/**
 * Lists the text-dump errors of the HELD-OUT evaluation (the bench's 2-fold split): every
 * annotated snippet scored wrong under the model trained on the other fold, with its dump line,
 * page, the decision (reason, detail: the model's probability) and the line's features, grouped
 * into classes (where the line sits against the article span, prose or not).
 *
 *   npx tsx scripts/heldout-errors.ts [--models FILE] [--retrain] [--lines]
 *
 * The two fold models are trained once and kept in FILE (default /tmp/newsclean-fold-models.json,
 * outside the repository), each stamped (training.sourceKey) with a hash of what they depend on:
 * the phrase knowledge files and the code of src/boilerplate, src/html, bench/devset.ts,
 * bench/extract.ts and the training scripts. A file whose stamp differs (or that has none) is
 * stale and is trained again and overwritten; --retrain forces that.
 * --lines prints every error line, else only the classes and a sample of each.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEVSET_DIR } from '../tests/helpers/shared.ts';
import { loadDevset } from '../bench/devset.ts';
import { extractHtml } from '../src/html/extract.ts';
import { classifyBlocks, blockModelContext } from '../src/boilerplate/classify.ts';
import { parseBlockModel, type BlockModel } from '../src/boilerplate/block-model.ts';
import { foldOf, preparePage, train } from './train-blocks.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const modelsFile = arg('--models') ?? '/tmp/newsclean-fold-models.json';
const ws = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Hash of the files the fold models depend on (see the header): a cache with another stamp is stale. */
function sourceKey(): string {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const h = createHash('sha1');
  const add = (rel: string) => h.update(rel).update('\0').update(readFileSync(path.join(root, rel))).update('\0');
  const dir = (rel: string, keep: (f: string) => boolean) => readdirSync(path.join(root, rel)).filter(keep).sort().forEach((f) => add(`${rel}/${f}`));
  dir('data/boilerplate', (f) => f.endsWith('.json') && f !== 'block-model.json');
  dir('src/boilerplate', (f) => f.endsWith('.ts'));
  dir('src/html', (f) => f.endsWith('.ts'));
  for (const f of ['bench/devset.ts', 'bench/extract.ts', 'scripts/train-blocks.ts', 'scripts/fit-trees.ts']) add(f);
  return h.digest('hex').slice(0, 16);
}

const pages = loadDevset(DEVSET_DIR);
const key = sourceKey();
let models: BlockModel[] | null = null;
if (existsSync(modelsFile) && !process.argv.includes('--retrain')) {
  const cached = (JSON.parse(readFileSync(modelsFile, 'utf8')) as unknown[]).map((m, i) => parseBlockModel(m, `${modelsFile}[${i}]`));
  if (cached.length === 2 && cached.every((m) => m.training['sourceKey'] === key)) models = cached;
  else console.error(`${modelsFile}: stale (trained from other knowledge or code); training the fold models again`);
}
if (!models) {
  const prepared = pages.map(preparePage);
  models = [0, 1].map((fold) => train(prepared.filter((p) => foldOf(p.page.file) !== fold), `fold ${fold} held out`));
  for (const m of models) m.training['sourceKey'] = key;
  writeFileSync(modelsFile, JSON.stringify(models));
}

interface ErrorLine {
  kind: 'FP' | 'FN';
  cls: string;
  file: string;
  text: string;
  detail: string;
}
const errors: ErrorLine[] = [];
let tp = 0;
let fp = 0;
let fn = 0;
for (const page of pages) {
  const model = models![foldOf(page.file)]!;
  let rawText = '';
  try {
    rawText = extractHtml(page.html).rawText;
  } catch {
    // As the bench scores a page that cannot be read: every article snippet missed.
    fn += page.with.length;
    continue;
  }
  const lines = rawText.split('\n').filter((l) => l.trim());
  const blocks = lines.map((text) => ({ text, kind: 'paragraph' as const }));
  const decisions = classifyBlocks(blocks, { aggressiveness: 0.5, titleLifted: false, mode: 'text', blockModel: model });
  const ctx = blockModelContext(blocks, { titleLifted: false });
  const kept = ws(blocks.filter((_, i) => decisions[i]!.action !== 'remove').map((b) => b.text).join('\n'));
  const normLines = lines.map(ws);
  const describe = (snippet: string, kind: 'FP' | 'FN') => {
    const i = normLines.findIndex((l) => l.includes(snippet));
    if (i < 0) {
      errors.push({ kind, cls: 'spans lines', file: page.file, text: snippet.slice(0, 140), detail: '' });
      return;
    }
    const d = decisions[i]!;
    const f = ctx.features[i];
    const prose = !!f?.sentence;
    const detail = d.action === 'keep' ? `keep ${d.grade}` : `${d.action} ${d.grade} ${d.reason}: ${d.detail}`;
    // The span the decision used is not exposed; a removal's reason tells outside from inside.
    const where = d.action !== 'remove' ? 'kept' : d.grade === 'rule' ? 'rule' : d.reason === 'outside-main' ? 'outside' : d.reason === 'low-content' ? 'inside' : d.reason;
    const len = f ? (f.chars < 40 ? 'short' : f.chars < 120 ? 'medium' : 'long') : 'rule';
    errors.push({ kind, cls: `${where} ${prose ? 'prose' : 'non-prose'} ${len}`, file: page.file, text: lines[i]!.trim().slice(0, 140), detail: `${detail.slice(0, 100)} | stop ${f?.stopDensity?.toFixed(2) ?? '-'} cap ${f?.capShare.toFixed(2) ?? '-'} words ${f?.words ?? '-'} line ${i}/${lines.length}` });
  };
  for (const w of page.with) {
    if (kept.includes(ws(w))) tp++;
    else {
      fn++;
      describe(ws(w), 'FN');
    }
  }
  for (const w of page.without) {
    if (kept.includes(ws(w))) {
      fp++;
      describe(ws(w), 'FP');
    }
  }
}
console.log(`held out: TP ${tp} FP ${fp} FN ${fn}  F1 ${((2 * tp) / (2 * tp + fp + fn)).toFixed(4)}`);
const groups = new Map<string, ErrorLine[]>();
for (const e of errors) {
  const key = `${e.kind} ${e.cls}`;
  groups.set(key, [...(groups.get(key) ?? []), e]);
}
for (const [key, list] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`\n## ${key}: ${list.length} snippets on ${new Set(list.map((e) => e.file)).size} pages`);
  for (const e of process.argv.includes('--lines') ? list : list.slice(0, 12)) console.log(`  ${e.file.slice(0, 28).padEnd(28)} ${e.text}\n      ${e.detail}`);
}
