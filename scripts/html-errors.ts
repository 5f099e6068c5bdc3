/**
 * Error analysis for HTML mode of `npm run bench:extract`: for every page of the dev set,
 * the boilerplate snippets that survive (false positives) and the article snippets that are
 * lost (false negatives), with the block that holds them, its DOM path (tag.class#id chain)
 * and who decided (DOM extractor reason or text classifier reason).
 *
 *   npx tsx scripts/html-errors.ts [--fp|--fn] [--summary] [--file NAME] [--blocks]
 *   (--blocks with --file: every block of the page in order, + kept, - removed by the DOM, x by the classifier)
 */
import { parseDocument } from 'htmlparser2';
import type { AnyNode, Element } from 'domhandler';
import { DEVSET_DIR } from '../tests/helpers/shared.ts';
import { loadDevset, scorePage, addScores, prf, type Score } from '../bench/devset.ts';
import { extractHtml } from '../src/html/extract.ts';
import { classifyBlocks, DEFAULT_AGGRESSIVENESS } from '../src/boilerplate/classify.ts';

const ws = (s: string) => s.replace(/\s+/g, ' ').trim();
const short = (s: string, n = 110) => (s.length > n ? `${s.slice(0, n)}…` : s);

function label(el: Element): string {
  const c = (el.attribs['class'] ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 3).join('.');
  const id = el.attribs['id'];
  return `${el.name}${c ? `.${c}` : ''}${id ? `#${id}` : ''}`;
}

/** DOM path of the innermost element whose range covers `offset`. */
function pathAt(root: AnyNode[], offset: number): string {
  const out: string[] = [];
  let children = root;
  for (;;) {
    const hit = children.find((n): n is Element => n.type === 'tag' && (n.startIndex ?? -1) <= offset && (n.endIndex ?? -1) >= offset);
    if (!hit) break;
    if (hit.name !== 'html' && hit.name !== 'body') out.push(label(hit));
    children = hit.children;
  }
  return out.slice(-6).join(' > ');
}

const args = process.argv.slice(2);
const only = args.includes('--fp') ? 'fp' : args.includes('--fn') ? 'fn' : 'both';
const fileArg = args.indexOf('--file') >= 0 ? args[args.indexOf('--file') + 1] : undefined;
const pages = loadDevset(DEVSET_DIR).filter((p) => !fileArg || p.file.includes(fileArg));
const causes = new Map<string, number>();
const bump = (k: string) => causes.set(k, (causes.get(k) ?? 0) + 1);
let total: Score = { tp: 0, fp: 0, fn: 0, tn: 0 };

for (const page of pages) {
  const ex = extractHtml(page.html);
  const decisions = classifyBlocks(ex.blocks, { aggressiveness: DEFAULT_AGGRESSIVENESS, titleLifted: true, mode: 'html' });
  const keptBlocks = ex.blocks.filter((_, i) => decisions[i]!.action !== 'remove');
  const kept = ws(keptBlocks.map((b) => b.text).join('\n'));
  total = addScores(total, scorePage(page, kept));
  const lines: string[] = [];
  if (args.includes('--blocks')) {
    // Every block of the page in document order: + kept, - removed by the DOM (reason), x removed by the classifier.
    const tree = parseDocument(page.html, { withStartIndices: true, withEndIndices: true }).children;
    const rows = [
      ...ex.blocks.map((b, i) => ({ b, mark: decisions[i]!.action === 'remove' ? `x ${(decisions[i] as { reason: string }).reason}` : '+' })),
      ...ex.removed.map((r) => ({ b: r, mark: `- ${r.reason}` })),
    ].sort((x, y) => x.b.source.start - y.b.source.start);
    for (const { b, mark } of rows) console.log(`${mark.padEnd(16)} ${b.kind.padEnd(9)} «${short(ws(b.text), 70)}»  ${pathAt(tree, b.source.start)}`);
  }
  let dom: AnyNode[] | null = null;
  const domPath = (offset: number) => pathAt((dom ??= parseDocument(page.html, { withStartIndices: true, withEndIndices: true }).children), offset);
  if (only !== 'fn') {
    for (const w of page.without) {
      const n = ws(w);
      if (!kept.includes(n)) continue;
      const b = keptBlocks.find((k) => ws(k.text).includes(n));
      const i = b ? ex.blocks.indexOf(b) : -1;
      const d = i >= 0 ? decisions[i]! : null;
      const cause = !b ? 'FP spans blocks' : `FP kept ${b.kind}${d?.action === 'flag' ? ` (flagged ${d.reason})` : ''}`;
      bump(cause);
      lines.push(`  FP «${short(n, 80)}»\n     block ${b ? `${b.kind} «${short(ws(b.text))}»` : '(spans blocks)'}\n     path ${b ? domPath(b.source.start) : ''}`);
    }
  }
  if (only !== 'fp') {
    for (const w of page.with) {
      const n = ws(w);
      if (kept.includes(n)) continue;
      const rem = ex.removed.find((r) => ws(r.text).includes(n));
      const ci = ex.blocks.findIndex((b) => ws(b.text).includes(n));
      let cause: string;
      let where = '';
      if (rem) {
        cause = `FN dom:${rem.reason}`;
        where = `${rem.kind} «${short(ws(rem.text))}»\n     path ${domPath(rem.source.start)}`;
      } else if (ci >= 0) {
        const d = decisions[ci]!;
        cause = `FN classifier:${d.action === 'remove' ? d.reason : '?'}`;
        where = `${ex.blocks[ci]!.kind} «${short(ws(ex.blocks[ci]!.text))}» ${d.action === 'remove' ? d.detail : ''}\n     path ${domPath(ex.blocks[ci]!.source.start)}`;
      } else if (ws(ex.rawText).includes(n)) {
        cause = 'FN spans blocks';
      } else cause = 'FN not in visible text';
      bump(cause);
      lines.push(`  FN «${short(n, 80)}» [${cause}]\n     ${where}`);
    }
  }
  if (lines.length && !args.includes('--summary')) console.log(`== ${page.file} ${page.url}${ex.meta['usedJsonLdArticleBody'] ? ' [ld]' : ''}\n${lines.join('\n')}`);
}
const { precision, recall, f1 } = prf(total);
console.log(`\nP ${precision.toFixed(3)} R ${recall.toFixed(3)} F1 ${f1.toFixed(3)} (TP ${total.tp} FP ${total.fp} FN ${total.fn})`);
for (const [k, v] of [...causes].sort((a, b) => b[1] - a[1])) console.log(`${String(v).padStart(5)}  ${k}`);
