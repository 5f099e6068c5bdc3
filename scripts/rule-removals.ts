/**
 * What a change to the phrase knowledge (data/boilerplate/<lang>.json) removes on the dev set:
 * every text-dump line of the 990 pages that a line rule names under the current knowledge but
 * not under the knowledge of a git revision (default HEAD), with what the line holds: an
 * annotated article snippet (ARTICLE: the rule would lose article text), an annotated
 * boilerplate snippet (BOILERPLATE), or neither (then the HTML extraction's verdict: html-kept /
 * html-cut). Also lines the old knowledge named and the new one no longer does.
 *
 *   npx tsx scripts/rule-removals.ts [--against REV] [--all]
 *
 * --all prints every line (else only ARTICLE lines in full and a sample of the others).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEVSET_DIR } from '../tests/helpers/shared.ts';
import { loadDevset } from '../bench/devset.ts';
import { cleanHtml } from '../bench/extract.ts';
import { lineVerdict } from '../src/boilerplate/classify.ts';
import { KNOWLEDGE_DIR, loadKnowledge, BLOCK_MODEL_FILE } from '../src/boilerplate/knowledge.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rev = arg('--against') ?? 'HEAD';
const ws = (s: string) => s.replace(/\s+/g, ' ').trim();

// The knowledge files of `rev`, in a temporary folder of our own (removed at the end).
const oldDir = mkdtempSync(path.join(tmpdir(), 'rule-removals-'));
const repo = path.resolve(KNOWLEDGE_DIR, '../..');
for (const file of readdirSync(KNOWLEDGE_DIR).filter((f) => f.endsWith('.json') && f !== BLOCK_MODEL_FILE)) {
  try {
    writeFileSync(path.join(oldDir, file), execFileSync('git', ['show', `${rev}:data/boilerplate/${file}`], { cwd: repo, maxBuffer: 1 << 26 }));
  } catch {
    // A language file the revision does not have: no rules of it there.
  }
}
const before = loadKnowledge(oldDir);
rmSync(oldDir, { recursive: true });
const after = loadKnowledge();

type Label = 'ARTICLE' | 'BOILERPLATE' | 'html-kept' | 'html-cut';
const added: Array<{ label: Label; file: string; line: string; detail: string }> = [];
const dropped: typeof added = [];
for (const page of loadDevset(DEVSET_DIR)) {
  let rawText: string;
  let kept: Set<string>;
  try {
    const out = cleanHtml(page.html);
    rawText = out.rawText;
    kept = new Set(out.text.split('\n').map(ws));
  } catch {
    continue;
  }
  const withs = page.with.map(ws).filter(Boolean);
  const withouts = page.without.map(ws).filter(Boolean);
  for (const line of rawText.split('\n')) {
    const t = ws(line);
    if (!t) continue;
    const a = lineVerdict(line, after);
    const b = lineVerdict(line, before);
    if (!!a === !!b) continue;
    const label: Label = withs.some((s) => t.includes(s)) ? 'ARTICLE' : withouts.some((s) => t.includes(s)) ? 'BOILERPLATE' : kept.has(t) ? 'html-kept' : 'html-cut';
    (a ? added : dropped).push({ label, file: page.file, line: t.slice(0, 200), detail: (a ?? b)!.detail });
  }
}

function report(title: string, list: typeof added) {
  const count = (l: Label) => list.filter((e) => e.label === l).length;
  console.log(`\n## ${title}: ${list.length} lines (ARTICLE ${count('ARTICLE')}, BOILERPLATE ${count('BOILERPLATE')}, html-kept ${count('html-kept')}, html-cut ${count('html-cut')})`);
  for (const label of ['ARTICLE', 'BOILERPLATE', 'html-kept', 'html-cut'] as Label[]) {
    const some = list.filter((e) => e.label === label);
    for (const e of process.argv.includes('--all') || label === 'ARTICLE' || label === 'html-kept' ? some : some.slice(0, 15)) {
      console.log(`  ${label.padEnd(11)} ${e.file.slice(0, 30).padEnd(30)} ${e.line}\n      ${e.detail}`);
    }
  }
}
report(`newly named by a rule (against ${rev})`, added);
report(`no longer named (against ${rev})`, dropped);
