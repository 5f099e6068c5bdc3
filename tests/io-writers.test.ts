import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDoc } from '../src/core/doc.ts';
import { flagDocument, flagSpan, removeBlock } from '../src/core/record.ts';
import type { Block, ClusterRecord, Doc } from '../src/core/types.ts';
import { UnsafePathError } from '../src/io/ids.ts';
import { writeOutputs } from '../src/io/writers.ts';

let out: string;
beforeEach(() => {
  out = mkdtempSync(path.join(tmpdir(), 'newsclean-writers-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

const en = { iso6393: 'eng', iso6391: 'en' };

function block(seq: number, text: string, kind: Block['kind'] = 'paragraph'): Block {
  return { seq, kind, text, source: { start: seq * 100, end: seq * 100 + text.length }, lang: en, flags: [] };
}

function makeDoc(id: string, texts: string[]): Doc {
  const raw = texts.join('\n\n');
  const doc = createDoc({ id, source: `${id}.txt`, format: 'text', raw });
  doc.blocks = texts.map((t, i) => block(i, t));
  doc.lang = en;
  return doc;
}

const readJsonl = (file: string) =>
  readFileSync(path.join(out, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('writers', () => {
  it('writes the contract records: paragraph indexes among kept blocks, removed in reading order, flags', async () => {
    const a = makeDoc('a', ['Asia World', 'First paragraph about the envoy.', 'Second paragraph with phaseOf debris.', 'Leave a Reply']);
    removeBlock(a, 3, 'comment-form', 'boilerplate', { detail: 'comment form heading' });
    removeBlock(a, 0, 'breadcrumb', 'boilerplate');
    const at = a.blocks[1]!.text.indexOf('phaseOf');
    flagSpan(a.blocks[1]!, { start: at, end: at + 7, kind: 'mt-debris', confidence: 0.9, suggestion: 'phase', evidence: 'glued guillemet', stage: 'artifacts' });
    flagDocument(a, { kind: 'spun', confidence: 0.8, suggestion: null, evidence: 'many spun phrases', stage: 'artifacts-corpus' });
    const b = makeDoc('b', ['First paragraph about the envoy!', 'Unrelated text.']);
    const c = makeDoc('c', ['Le texte français.']);
    c.setAside = { reason: 'language', detail: 'detected fra' };
    c.lang = { iso6393: 'fra', iso6391: 'fr' };
    const clusters: ClusterRecord[] = [
      {
        id: 'c2',
        canonical: 'First paragraph about the envoy.',
        canonicalReason: 'longest',
        members: [
          { doc: 'b', seq: 0 },
          { doc: 'a', seq: 1 },
          { doc: 'c', seq: 0 },
        ],
        extra: { similarity: 0.93, id: 'ignored' },
      },
      // Every member removed or set aside: not written.
      { id: 'c1', canonical: 'Leave a Reply', canonicalReason: 'longest', members: [{ doc: 'a', seq: 3 }, { doc: 'c', seq: 0 }] },
    ];
    a.blocks[0]!.cluster = 'c2';
    b.blocks[0]!.cluster = 'c2';

    const summary = await writeOutputs(out, [a, b, c], clusters);
    expect(summary).toMatchObject({ documents: 2, setAside: 1, paragraphs: 4, clusters: 1, removedByReason: { breadcrumb: 1, 'comment-form': 1 }, flagsByKind: { 'mt-debris': 1, spun: 1 } });

    const docs = readJsonl('documents.jsonl');
    expect(docs.map((d) => d.id)).toEqual(['a', 'b']);
    expect(Object.keys(docs[0])).toEqual(['id', 'source', 'url', 'title', 'date', 'lang', 'lang3', 'text', 'paragraphs', 'removed', 'flags']);
    expect(docs[0]).toMatchObject({
      id: 'a',
      source: 'a.txt',
      lang: 'en',
      lang3: 'eng',
      text: 'First paragraph about the envoy.\n\nSecond paragraph with phaseOf debris.',
      paragraphs: [
        { text: 'First paragraph about the envoy.', kind: 'paragraph', lang: 'en', lang3: 'eng', cluster: 'c2' },
        { text: 'Second paragraph with phaseOf debris.', kind: 'paragraph', lang: 'en', lang3: 'eng', cluster: null },
      ],
      removed: [
        { text: 'Asia World', reason: 'breadcrumb', stage: 'boilerplate', kind: 'paragraph', seq: 0 },
        { text: 'Leave a Reply', reason: 'comment-form', stage: 'boilerplate', kind: 'paragraph', seq: 3, detail: 'comment form heading' },
      ],
      flags: [
        { paragraph: null, start: null, end: null, text: null, kind: 'spun', confidence: 0.8, suggestion: null, evidence: 'many spun phrases', stage: 'artifacts-corpus' },
        { paragraph: 1, start: 22, end: 29, text: 'phaseOf', kind: 'mt-debris', confidence: 0.9, suggestion: 'phase', evidence: 'glued guillemet', stage: 'artifacts' },
      ],
    });

    const flags = readJsonl('flags.jsonl');
    expect(flags).toHaveLength(2);
    expect(Object.keys(flags[1])).toEqual(['doc', 'paragraph', 'start', 'end', 'text', 'kind', 'confidence', 'suggestion', 'evidence', 'stage']);
    expect(flags[1]).toMatchObject({ doc: 'a', paragraph: 1, start: 22, end: 29, text: 'phaseOf' });
    expect(docs[flags[1].doc === 'a' ? 0 : 1].paragraphs[flags[1].paragraph].text.slice(flags[1].start, flags[1].end)).toBe('phaseOf');

    expect(readJsonl('clusters.jsonl')).toEqual([
      { id: 'c2', canonical: 'First paragraph about the envoy.', canonicalReason: 'longest', members: [{ doc: 'a', paragraph: 0 }, { doc: 'b', paragraph: 0 }], similarity: 0.93 },
    ]);
    expect(readJsonl('set-aside.jsonl')).toEqual([
      { id: 'c', source: 'c.txt', reason: 'language', detail: 'detected fra', url: null, title: null, date: null, lang: 'fr', lang3: 'fra', text: 'Le texte français.' },
    ]);

    expect(readFileSync(path.join(out, 'docs/a.txt'), 'utf8')).toBe('First paragraph about the envoy.\n\nSecond paragraph with phaseOf debris.\n');
    const diff = readFileSync(path.join(out, 'diffs/a.diff'), 'utf8');
    expect(diff).toContain('--- a/a.txt\n+++ b/a.txt\n');
    expect(diff).toContain('-Asia World\n');
    expect(diff).toContain('-Leave a Reply\n');
    expect(existsSync(path.join(out, 'docs/c.txt'))).toBe(false);
    // No temporary file is left behind.
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('deletes per-document files of an earlier run that are no longer current, and leaves other files alone', async () => {
    mkdirSync(path.join(out, 'docs'), { recursive: true });
    mkdirSync(path.join(out, 'diffs'), { recursive: true });
    writeFileSync(path.join(out, 'docs/gone.txt'), 'stale');
    writeFileSync(path.join(out, 'diffs/gone.diff'), 'stale');
    writeFileSync(path.join(out, 'docs/a.txt.tmp-123-4'), 'crash leftover');
    writeFileSync(path.join(out, 'notes.md'), 'user file');
    writeFileSync(path.join(out, 'documents.jsonl.tmp-99999999-3'), 'crash leftover');
    const summary = await writeOutputs(out, [makeDoc('a', ['Kept.'])], []);
    expect(summary.staleDeleted).toBe(2);
    expect(readdirSync(path.join(out, 'docs'))).toEqual(['a.txt']);
    expect(readdirSync(path.join(out, 'diffs'))).toEqual(['a.diff']);
    expect(existsSync(path.join(out, 'notes.md'))).toBe(true);
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('writes empty contract files for an empty run', async () => {
    await writeOutputs(out, [], []);
    for (const f of ['documents.jsonl', 'flags.jsonl', 'clusters.jsonl', 'set-aside.jsonl']) expect(readFileSync(path.join(out, f), 'utf8')).toBe('');
  });

  it('refuses a document id that could escape the output folder, before writing anything', async () => {
    const hostile = makeDoc('../../escaped', ['x']);
    await expect(writeOutputs(out, [hostile], [])).rejects.toThrow(UnsafePathError);
    expect(existsSync(path.join(out, '..', '..', 'escaped.txt'))).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  });
});
