/**
 * The output contract (README "Output files"): after a run on the bundled
 * sample every file exists and every record has exactly the documented shape.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runPipeline, type PipelineResult } from '../src/pipeline.ts';
import { REPO_ROOT } from './helpers/shared.ts';

const lang = z.string().regex(/^([a-z]{2}|und)$/);
const lang3 = z.string().regex(/^([a-z]{3}|und)$/);
const flagFields = {
  paragraph: z.number().int().min(0).nullable(),
  start: z.number().int().min(0).nullable(),
  end: z.number().int().min(0).nullable(),
  text: z.string().nullable(),
  kind: z.string().min(1),
  confidence: z.number().min(0).max(1),
  suggestion: z.string().nullable(),
  evidence: z.string(),
  stage: z.string().min(1),
};
const documentRecord = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/),
  source: z.string(),
  url: z.string().nullable(),
  title: z.string().nullable(),
  date: z.string().nullable(),
  lang,
  lang3,
  text: z.string(),
  paragraphs: z.array(z.strictObject({ text: z.string().min(1), kind: z.enum(['heading', 'paragraph', 'list-item', 'quote', 'caption', 'table', 'preformatted']), lang, lang3, cluster: z.string().nullable(), seq: z.number().int().min(0) })),
  removed: z.array(
    z.strictObject({ text: z.string(), reason: z.string().min(1), stage: z.string().min(1), kind: z.string(), seq: z.number().int().min(0), confidence: z.number().optional(), detail: z.string().optional() }),
  ),
  flags: z.array(z.strictObject(flagFields)),
  // Only present when an opt-in auto-fix changed the text.
  fixes: z
    .array(z.strictObject({ paragraph: z.number().int().min(0).nullable(), start: z.number().int(), end: z.number().int(), before: z.string(), after: z.string(), kind: z.string(), stage: z.string() }))
    .min(1)
    .optional(),
});
const flagRecord = z.strictObject({ doc: z.string(), ...flagFields });
const clusterRecord = z.looseObject({
  id: z.string(),
  canonical: z.string(),
  canonicalReason: z.string(),
  members: z.array(z.strictObject({ doc: z.string(), paragraph: z.number().int().min(0) })).min(1),
});

let out: string;
let result: PipelineResult;
const lines = (f: string) => readFileSync(path.join(out, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);

beforeAll(async () => {
  out = mkdtempSync(path.join(tmpdir(), 'newsclean-contract-'));
  result = await runPipeline({ input: path.join(REPO_ROOT, 'raw'), output: out, configFile: path.join(REPO_ROOT, 'pipeline.config.ts'), configExplicit: true });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('output contract on the bundled sample', () => {
  it('writes every file', () => {
    for (const f of ['documents.jsonl', 'clusters.jsonl', 'flags.jsonl', 'set-aside.jsonl', 'run.json', 'report/index.html']) expect(existsSync(path.join(out, f)), f).toBe(true);
    const docs = lines('documents.jsonl') as { id: string }[];
    expect(docs.map((d) => d.id)).toEqual(['000_915f2166288a5cde', '001_4b688180ae456bb9', '002_278f911a1c061c19', '003_f13e62c379a43971', '004_a2108e1dc212e276']);
    for (const d of docs) {
      expect(existsSync(path.join(out, 'docs', `${d.id}.txt`))).toBe(true);
      expect(readFileSync(path.join(out, 'diffs', `${d.id}.diff`), 'utf8')).toMatch(new RegExp(`^=+\\n--- a/${d.id}\\.txt\\n\\+\\+\\+ b/${d.id}\\.txt\\n`));
    }
  });

  it('documents.jsonl: documented shape; text is the paragraphs joined by a blank line; docs/<id>.txt is that text', () => {
    for (const raw of lines('documents.jsonl')) {
      const d = documentRecord.parse(raw);
      expect(d.text).toBe(d.paragraphs.map((p) => p.text).join('\n\n'));
      expect(readFileSync(path.join(out, 'docs', `${d.id}.txt`), 'utf8')).toBe(d.text ? `${d.text}\n` : '');
      for (const f of d.flags) {
        if (f.paragraph === null) continue;
        expect(d.paragraphs[f.paragraph]!.text.slice(f.start!, f.end!)).toBe(f.text);
      }
    }
  });

  it('flags.jsonl and clusters.jsonl point at existing paragraphs', () => {
    const docs = new Map((lines('documents.jsonl') as z.infer<typeof documentRecord>[]).map((d) => [d.id, d]));
    for (const raw of lines('flags.jsonl')) {
      const f = flagRecord.parse(raw);
      const d = docs.get(f.doc)!;
      if (f.paragraph !== null) expect(d.paragraphs[f.paragraph]!.text.slice(f.start!, f.end!)).toBe(f.text);
    }
    for (const raw of lines('clusters.jsonl')) {
      const c = clusterRecord.parse(raw);
      for (const m of c.members) expect(docs.get(m.doc)?.paragraphs[m.paragraph]).toBeDefined();
    }
  });

  it('run.json has the documented fields and consistent counts', () => {
    const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(Object.keys(run)).toEqual(['tool', 'input', 'output', 'config', 'concurrency', 'startedAt', 'finishedAt', 'seconds', 'counts', 'stages', 'summaries', 'errors', 'setAside']);
    expect(run.config.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(run.counts).toMatchObject({ inputs: 5, documentsRead: 5, failedInputs: 0, replacedBytes: 0, skipped: {} });
    expect(run.counts.documents + Object.values(run.counts.setAside as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(5);
    expect(run.stages.map((s: { name: string }) => s.name)).toEqual(result.config.pipeline);
    expect(lines('flags.jsonl')).toHaveLength(Object.values(run.counts.flags as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(lines('clusters.jsonl')).toHaveLength(run.counts.clusters);
  });
});
