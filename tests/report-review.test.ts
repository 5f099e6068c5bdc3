import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.ts';
import { createDoc } from '../src/core/doc.ts';
import type { CorpusOutputs } from '../src/core/stage.ts';
import type { Block, Doc } from '../src/core/types.ts';
import { runPipeline } from '../src/pipeline.ts';
import {
  applyReviewDecisions,
  createReviewDecisions,
  DECISIONS_FORMAT,
  loadReviewDecisions,
  parseDecisionFile,
  type Decision,
} from '../src/review/index.ts';
import { REPO_ROOT } from './helpers/shared.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'newsclean-review-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const file = (decisions: unknown[]) => JSON.stringify({ format: DECISIONS_FORMAT, version: 1, decisions });
const flagDecision = (over: Partial<Decision> = {}): Decision =>
  ({ type: 'flag', verdict: 'reject', doc: 'd1', kind: 'spun-expression', text: 'State Office', note: '', decidedAt: null, ...over }) as Decision;

describe('decision files', () => {
  it('parses a valid file and fills defaults', () => {
    const d = parseDecisionFile(file([{ type: 'removal', verdict: 'reject', doc: 'd1', reason: 'share', text: 'Share this' }]), 'x.json');
    expect(d).toEqual([{ type: 'removal', verdict: 'reject', doc: 'd1', reason: 'share', text: 'Share this', note: '', decidedAt: null }]);
  });

  it('rejects a broken file naming the file and every bad field', () => {
    expect(() => parseDecisionFile('{not json', 'a.json')).toThrow(/review decisions a\.json: not valid JSON/);
    const bad = file([{ type: 'flag', verdict: 'maybe', doc: '', kind: 'k', text: 't' }, { type: 'removal', verdict: 'reject', doc: 'd', text: 't', extra: 1 }]);
    let err: unknown;
    try {
      parseDecisionFile(bad, 'b.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('review decisions b.json are invalid');
    expect(msg).toMatch(/decisions\.0\.verdict/);
    expect(msg).toMatch(/decisions\.0\.doc/);
    expect(msg).toMatch(/decisions\.1\.reason/);
    expect(msg).toMatch(/decisions\.1.*extra|Unrecognized key/);
    expect(() => parseDecisionFile(JSON.stringify({ format: 'other', version: 1, decisions: [] }), 'c.json')).toThrow(/format/);
  });

  it('a listed file that is missing is a configuration error, not silently ignored', async () => {
    await expect(loadReviewDecisions([path.join(tmp, 'missing.json')])).rejects.toThrow(/review decisions file .*missing\.json cannot be read: ENOENT/);
  });

  it('loads several files in order; the later decision on the same item wins', async () => {
    const a = path.join(tmp, 'a.json');
    const b = path.join(tmp, 'b.json');
    writeFileSync(a, file([flagDecision()]));
    writeFileSync(b, file([flagDecision({ verdict: 'accept' })]));
    expect((await loadReviewDecisions([a])).isFlagRejected('d1', 'spun-expression', 'State Office')).toBe(true);
    expect((await loadReviewDecisions([a, b])).isFlagRejected('d1', 'spun-expression', 'State Office')).toBe(false);
    expect((await loadReviewDecisions([b, a])).isFlagRejected('d1', 'spun-expression', 'State Office')).toBe(true);
  });
});

describe('matching decisions', () => {
  it('matches on document, kind or reason, and text (whitespace-insensitive), nothing broader', () => {
    const r = createReviewDecisions([
      flagDecision(),
      { type: 'removal', verdict: 'reject', doc: 'd1', reason: 'share', text: 'Share  this\nstory', note: 'a real sentence', decidedAt: null },
      { type: 'cluster-member', verdict: 'reject', cluster: 'c1', doc: 'd2', text: 'Same topic, not a copy.', note: '', decidedAt: null },
    ]);
    expect(r.isFlagRejected('d1', 'spun-expression', ' State  Office ')).toBe(true);
    expect(r.isFlagRejected('d2', 'spun-expression', 'State Office')).toBe(false);
    expect(r.isFlagRejected('d1', 'name-variant', 'State Office')).toBe(false);
    expect(r.isFlagRejected('d1', 'spun-expression', 'State Department')).toBe(false);
    expect(r.isRemovalRejected('d1', 'share', 'Share this story')).toBe(true);
    expect(r.isRemovalRejected('d1', 'follow', 'Share this story')).toBe(false);
    expect(r.isClusterMemberRejected('c1', 'd2', 'Same topic, not a copy.')).toBe(true);
    expect(r.isClusterMemberRejected('c2', 'd2', 'Same topic, not a copy.')).toBe(false);
  });

  it('a `*` document applies everywhere, unless a decision on that very document accepts it', () => {
    const r = createReviewDecisions([flagDecision({ doc: '*' }), flagDecision({ doc: 'd9', verdict: 'accept' })]);
    expect(r.isFlagRejected('d1', 'spun-expression', 'State Office')).toBe(true);
    expect(r.isFlagRejected('d7', 'spun-expression', 'State Office')).toBe(true);
    expect(r.isFlagRejected('d9', 'spun-expression', 'State Office')).toBe(false);
  });

  it('reports rejections that matched nothing (the text changed, the document is gone)', () => {
    const r = createReviewDecisions([flagDecision(), flagDecision({ text: 'Point out Section' })]);
    r.isFlagRejected('d1', 'spun-expression', 'State Office');
    expect(r.unmatched()).toEqual([{ type: 'flag', doc: 'd1', key: 'spun-expression', text: 'Point out Section' }]);
  });
});

describe('enforcing decisions after the stages', () => {
  const block = (seq: number, text: string, extra: Partial<Block> = {}): Block => ({ seq, kind: 'paragraph', text, source: { start: 0, end: 0 }, flags: [], ...extra });
  function makeDocs(): { docs: Doc[]; corpus: CorpusOutputs } {
    const a = createDoc({ id: 'a', source: 'a.txt', format: 'text', raw: '' });
    a.blocks = [
      block(1, 'The State Office said so.', { cluster: 'c1', flags: [{ start: 4, end: 16, text: 'State Office', kind: 'spun-expression', confidence: 0.8, suggestion: 'State Department', evidence: '', stage: 'artifacts' }] }),
      block(3, 'Kept paragraph.'),
    ];
    a.removed = [{ seq: 2, kind: 'paragraph', text: 'Follow us on Twitter? No: a quote.', source: { start: 0, end: 0 }, reason: 'follow', stage: 'boilerplate' }];
    a.flags = [{ kind: 'spun', confidence: 0.6, suggestion: null, evidence: '', stage: 'artifacts' }];
    const b = createDoc({ id: 'b', source: 'b.txt', format: 'text', raw: '' });
    b.blocks = [block(0, 'The State Office said that.', { cluster: 'c1' })];
    const corpus: CorpusOutputs = { clusters: new Map([['c1', { id: 'c1', canonical: 'The State Office said so.', canonicalReason: '', members: [{ doc: 'a', seq: 1 }, { doc: 'b', seq: 0 }] }]]), summaries: {} };
    return { docs: [a, b], corpus };
  }

  it('drops rejected flags, restores rejected removals in place, dissolves a cluster left with one member', () => {
    const { docs, corpus } = makeDocs();
    const review = createReviewDecisions(
      [
        flagDecision({ doc: 'a' }),
        flagDecision({ doc: 'a', kind: 'spun', text: '' }),
        { type: 'removal', verdict: 'reject', doc: 'a', reason: 'follow', text: 'Follow us on Twitter? No: a quote.', note: '', decidedAt: null },
        { type: 'cluster-member', verdict: 'reject', cluster: 'c1', doc: 'b', text: 'The State Office said that.', note: '', decidedAt: null },
        { type: 'removal', verdict: 'reject', doc: 'zz', reason: 'share', text: 'never seen', note: '', decidedAt: null },
      ],
      ['decisions.json'],
    );
    const summary = applyReviewDecisions(docs, corpus, review);
    const [a, b] = docs as [Doc, Doc];
    expect(a.blocks.map((x) => [x.seq, x.text])).toEqual([
      [1, 'The State Office said so.'],
      [2, 'Follow us on Twitter? No: a quote.'],
      [3, 'Kept paragraph.'],
    ]);
    expect(a.removed).toEqual([]);
    expect(a.blocks[0]!.flags).toEqual([]);
    expect(a.flags).toEqual([]);
    expect(corpus.clusters.size).toBe(0);
    expect(a.blocks[0]!.cluster).toBeNull();
    expect(b.blocks[0]!.cluster).toBeNull();
    expect(summary.applied).toEqual({ flagsDropped: 2, removalsRestored: 1, clusterMembersDropped: 1, clustersDissolved: 1 });
    expect(summary.unmatched).toEqual([{ type: 'removal', doc: 'zz', key: 'share', text: 'never seen' }]);
    expect(corpus.summaries.review).toBe(summary);
  });

  it('no decisions: nothing changes', () => {
    const { docs, corpus } = makeDocs();
    const before = JSON.stringify(docs);
    applyReviewDecisions(docs, corpus, createReviewDecisions([]));
    expect(JSON.stringify(docs)).toBe(before);
    expect(corpus.clusters.size).toBe(1);
  });
});

describe('a rerun honours review.decisions from the config', () => {
  it('restores a removal a reviewer marked wrong and says so in run.json', async () => {
    const first = await runPipeline({ input: path.join(REPO_ROOT, 'raw'), output: path.join(tmp, 'run1'), report: false, configFile: path.join(tmp, 'none.config.ts') });
    const doc = first.result.docs.find((d) => d.removed.length > 0);
    expect(doc, 'the sample has removals').toBeDefined();
    const removal = doc!.removed[0]!;
    writeFileSync(path.join(tmp, 'decisions.json'), file([{ type: 'removal', verdict: 'reject', doc: doc!.id, reason: removal.reason, text: removal.text, note: 'this is article text' }]));
    writeFileSync(path.join(tmp, 'review.config.ts'), "export default { review: { decisions: ['decisions.json'] } };\n");
    const second = await runPipeline({
      input: path.join(REPO_ROOT, 'raw'),
      output: path.join(tmp, 'run2'),
      configFile: path.join(tmp, 'review.config.ts'),
      configExplicit: true,
    });
    const again = second.result.docs.find((d) => d.id === doc!.id)!;
    expect(again.removed.some((r) => r.reason === removal.reason && r.text === removal.text)).toBe(false);
    expect(again.blocks.some((b) => b.seq === removal.seq && b.text === removal.text)).toBe(true);
    const run = JSON.parse(readFileSync(path.join(tmp, 'run2', 'run.json'), 'utf8')) as { summaries: { review: { applied: { removalsRestored: number }; unmatched: unknown[] } } };
    // Used (by a stage that asks, or by the enforcement after the stages), so not listed as unmatched.
    expect(run.summaries.review.unmatched).toEqual([]);
    const index = readFileSync(path.join(tmp, 'run2', 'report', 'index.html'), 'utf8');
    expect(index).toContain('Review decisions applied in this run');
    expect(index).toContain(path.join(tmp, 'decisions.json'));
  });
});
