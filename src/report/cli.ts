/**
 * `newsclean diff <doc-id>` and `newsclean report`: look at an output folder
 * without rerunning the pipeline. Registered in src/cli.ts.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { readJsonl, toDoc, type ReportDoc } from './read.ts';

/** Named like the pipeline's UsageError so the CLI maps it to exit code 2. */
export class ReportUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const ANSI = { reset: '\x1b[0m', bold: '\x1b[1m', red: '\x1b[31m', green: '\x1b[32m', cyan: '\x1b[36m', dim: '\x1b[2m', yellow: '\x1b[33m' };

/**
 * Colour when writing to a terminal, unless NO_COLOR is set (https://no-color.org);
 * FORCE_COLOR forces it on. An explicit --color/--no-color wins over both.
 */
export function useColor(stream: { isTTY?: boolean }, explicit: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (explicit !== undefined) return explicit;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

/** Strip terminal control characters from content so a hostile document cannot drive the terminal. */
function inert(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function colorDiff(diff: string, color: boolean): string {
  const lines = diff.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return (
    lines
      .map((raw) => {
        const l = inert(raw);
        if (!color) return l;
        if (l.startsWith('+++') || l.startsWith('---') || l.startsWith('====') || l.startsWith('Index:')) return `${ANSI.bold}${l}${ANSI.reset}`;
        if (l.startsWith('@@')) return `${ANSI.cyan}${l}${ANSI.reset}`;
        if (l.startsWith('+')) return `${ANSI.green}${l}${ANSI.reset}`;
        if (l.startsWith('-')) return `${ANSI.red}${l}${ANSI.reset}`;
        if (l.startsWith('\\')) return `${ANSI.dim}${l}${ANSI.reset}`;
        return l;
      })
      .join('\n') + '\n'
  );
}

/** Removals with reasons and flags with suggestions, as `#` comment lines after the diff. */
export function explainDoc(doc: ReportDoc, color: boolean): string {
  const c = (code: string, s: string) => (color ? `${code}${s}${ANSI.reset}` : s);
  const short = (s: string) => inert(s.length > 100 ? `${s.slice(0, 99)}…` : s);
  const out = [`# ${doc.id}: ${doc.paragraphs.length} paragraphs kept, ${doc.removed.length} blocks removed, ${doc.flags.length} flags`];
  for (const r of doc.removed) out.push(`# removed ${c(ANSI.red, `[${r.reason}]`)} ${short(r.text)}`);
  for (const f of doc.flags) {
    const where = f.paragraph === null ? 'document' : `¶${f.paragraph} ${JSON.stringify(f.text)}`;
    const suggestion = f.suggestion !== null ? ` → ${JSON.stringify(f.suggestion)}` : '';
    out.push(`# flag ${c(ANSI.yellow, `[${f.kind} ${f.confidence.toFixed(2)}]`)} ${short(where + suggestion)} — ${short(f.evidence)}`);
  }
  return `${out.join('\n')}\n`;
}

async function findDoc(outputDir: string, id: string): Promise<ReportDoc | null> {
  for await (const r of readJsonl(path.join(outputDir, 'documents.jsonl'), () => {})) {
    if (r.id === id) return toDoc(r);
  }
  return null;
}

/**
 * Resolve what the user typed to a document id: exact, else a unique prefix
 * (`newsclean diff 003`). Lists candidates when ambiguous or unknown.
 */
export async function resolveDocId(outputDir: string, wanted: string): Promise<string> {
  const names = (await readdir(path.join(outputDir, 'diffs')).catch(() => [] as string[])).filter((n) => n.endsWith('.diff')).map((n) => n.slice(0, -5));
  if (names.includes(wanted)) return wanted;
  const matches = names.filter((n) => n.startsWith(wanted)).sort();
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new ReportUsageError(`"${wanted}" matches ${matches.length} documents: ${matches.slice(0, 10).join(', ')}${matches.length > 10 ? ' …' : ''}`);
  }
  for await (const r of readJsonl(path.join(outputDir, 'set-aside.jsonl'), () => {})) {
    if (r.id === wanted) throw new ReportUsageError(`document ${wanted} was set aside (${String(r.reason)}: ${String(r.detail ?? '')}); it has no diff`);
  }
  throw new ReportUsageError(`no document "${wanted}" in ${outputDir} (${names.length} documents have diffs)`);
}

function checkOutputDir(outputDir: string): void {
  if (!existsSync(path.join(outputDir, 'run.json'))) {
    throw new ReportUsageError(`${outputDir} is not a newsclean output folder (no run.json); run \`newsclean run --output ${outputDir}\` first or pass --output`);
  }
}

export function registerReportCommands(program: Command): void {
  program
    .command('diff')
    .description('print the raw → cleaned diff of one document (coloured on a terminal)')
    .argument('<doc-id>', 'document id, or a unique prefix of one')
    .option('-o, --output <dir>', 'output folder of the run', 'cleaned')
    .option('--color', 'colour even when not writing to a terminal')
    .option('--no-color', 'never colour (also: NO_COLOR=1)')
    .option('-e, --explain', 'append the removals (with reasons) and flags (with suggestions) as # lines')
    .addHelpText('after', '\nExamples:\n  $ newsclean diff 003_f13e62c379a43971\n  $ newsclean diff 003 --explain | less -R\n  $ newsclean diff 003 --output out/2021-10 > 003.diff')
    .action(async (wanted: string, opts: { output: string; color?: boolean; explain?: boolean }, cmd: Command) => {
      checkOutputDir(opts.output);
      const id = await resolveDocId(opts.output, wanted);
      const diff = await readFile(path.join(opts.output, 'diffs', `${id}.diff`), 'utf8');
      const explicit = cmd.getOptionValueSource('color') === 'cli' ? opts.color : undefined;
      const color = useColor(process.stdout, explicit);
      process.stdout.write(colorDiff(diff, color));
      if (opts.explain) {
        const doc = await findDoc(opts.output, id);
        if (doc) process.stdout.write(explainDoc(doc, color));
      }
    });
  program
    .command('report')
    .description('rebuild the HTML report of an output folder without rerunning the pipeline')
    .option('-o, --output <dir>', 'output folder of the run', 'cleaned')
    .option('--full', 'render every page into a new folder, even when only some changed since the last build')
    .addHelpText(
      'after',
      '\nBy default only the pages whose inputs changed since the last build are rewritten\n(report/.manifest.json records them); the result is the same as with --full.',
    )
    .action(async (opts: { output: string; full?: boolean }) => {
      checkOutputDir(opts.output);
      // Loaded on use, so `newsclean --help` stays fast.
      const { buildReport } = await import('./index.ts');
      const r = await buildReport(opts.output, { full: opts.full ?? false });
      const how = r.mode === 'full' ? `full build: ${r.fullReason}` : `incremental: ${r.rendered} pages rendered, ${r.written} files written, ${r.deleted} deleted`;
      process.stdout.write(`report: ${path.join(r.dir, 'index.html')} (${r.documents} documents, ${r.clusters} clusters, ${how}, ${r.ms} ms)\n`);
    });
}
