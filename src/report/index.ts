/**
 * Static HTML report built from an output folder (documents.jsonl, clusters.jsonl,
 * flags.jsonl, run.json). Minimal placeholder until the report issue lands.
 */
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export async function buildReport(outputDir: string): Promise<void> {
  const run = JSON.parse(await readFile(path.join(outputDir, 'run.json'), 'utf8')) as Record<string, unknown>;
  const dir = path.join(outputDir, 'report');
  await mkdir(dir, { recursive: true });
  const html = `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>newsclean report</title><h1>newsclean run</h1><pre>${escapeHtml(JSON.stringify(run.counts ?? {}, null, 2))}</pre>`;
  const file = path.join(dir, 'index.html');
  await writeFile(`${file}.tmp-${process.pid}`, html);
  await rename(`${file}.tmp-${process.pid}`, file);
}
