import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.ts';
import { createDoc } from '../src/core/doc.ts';
import { runStages } from '../src/core/runner.ts';
import { configuredStages } from '../src/stages/configure.ts';
import { repeatKey } from '../src/stages/boilerplate-repeat.ts';

const SENTENCES = [
  'The minister said on Monday that the government would not attend the talks, which had been planned for weeks.',
  'Officials in the capital said they would keep the sanctions in place as long as the negotiations were suspended.',
  'He was criticised for failing to negotiate a peace deal and was replaced by his deputy, a former White House adviser.',
  'The agreement was widely criticised for ignoring the elected government, and the deadline was extended to August.',
  'Analysts said the decision could reshape the region, although few expected an immediate change on the ground.',
  'The talks are expected to resume next month in Doha, according to two people familiar with the plans.',
];

async function run(docs: Array<{ id: string; url?: string; paras: string[] }>, stages: Record<string, unknown> = {}) {
  // The document stage at aggressiveness 0 removes only rule matches, so what remains is the repeat stage's work.
  const config = resolveConfig({ pipeline: ['segment', 'normalize', 'boilerplate', 'boilerplate-repeat'], stages: { boilerplate: { aggressiveness: 0 }, ...stages } } as never);
  const items = docs.map((d) => ({ kind: 'doc' as const, doc: createDoc({ id: d.id, source: `${d.id}.txt`, format: 'text', raw: d.paras.join('\n\n'), url: d.url ?? null }) }));
  const r = await runStages(items, { stages: configuredStages(config), languages: [], concurrency: 2 });
  return { ...r, kept: (id: string) => r.docs.find((d) => d.id === id)!.blocks.map((b) => b.text), removed: (id: string) => r.docs.find((d) => d.id === id)!.removed.filter((x) => x.stage === 'boilerplate-repeat') };
}

describe('boilerplate-repeat', () => {
  it('removes an unknown widget line that ends several documents of the dump', async () => {
    const widget = 'Get the Example app for breaking alerts';
    const r = await run([
      { id: 'a', paras: [SENTENCES[0]!, SENTENCES[1]!, widget] },
      { id: 'b', paras: [SENTENCES[2]!, SENTENCES[3]!, widget] },
      { id: 'c', paras: [SENTENCES[4]!, SENTENCES[5]!] },
    ]);
    for (const id of ['a', 'b']) {
      expect(r.kept(id)).not.toContain(widget);
      expect(r.removed(id)).toEqual([expect.objectContaining({ text: widget, reason: 'template-repeat', detail: expect.stringMatching(/appears in 2 documents/) })]);
    }
    expect(r.corpus.summaries['boilerplate-repeat']).toEqual({ repeatedBlocks: 1 });
  });

  it('keeps what syndicated copies of one story share: paragraphs, quotes, sub-headings', async () => {
    const heading = 'A fine negotiator';
    const quote = '“We are all amazed,” he said.';
    const copies = ['a', 'b', 'c', 'd'].map((id) => ({ id, paras: [SENTENCES[0]!, heading, SENTENCES[1]!, quote, SENTENCES[2]!] }));
    const r = await run(copies);
    for (const id of ['a', 'b', 'c', 'd']) {
      expect(r.kept(id)).toEqual([SENTENCES[0], heading, SENTENCES[1], quote, SENTENCES[2]]);
      expect(r.removed(id)).toEqual([]);
    }
  });

  it('same host: removes a non-prose block found in minHostDocs documents; recurring prose is only flagged', async () => {
    const signoff = 'Example Herald — independent since 1901';
    // Recurring prose no phrase rule names (an opinion disclaimer now goes as a \`disclaimer\` phrase before this stage).
    const disclaimer = 'Our correspondent has reported from the region for twenty years and writes a weekly column on its politics.';
    const docs = ['a', 'b', 'c'].map((id, i) => ({ id, url: `https://www.herald.example/${id}`, paras: [SENTENCES[i]!, signoff, SENTENCES[i + 3]!, disclaimer] }));
    const r = await run(docs);
    for (const d of docs) {
      expect(r.kept(d.id)).not.toContain(signoff);
      expect(r.removed(d.id)[0]).toMatchObject({ reason: 'template-repeat', detail: 'appears in 3 documents of herald.example' });
      const kept = r.docs.find((x) => x.id === d.id)!.blocks.find((b) => b.text === disclaimer)!;
      expect(kept.flags).toEqual([expect.objectContaining({ kind: 'possible-boilerplate', stage: 'boilerplate-repeat' })]);
    }
    // Below the host threshold nothing happens.
    const two = await run(docs.slice(0, 2), { 'boilerplate-repeat': { minHostDocs: 3 } });
    expect(two.kept('a')).toContain(signoff);
  });

  it('compares blocks regardless of case, whitespace and quote style', () => {
    expect(repeatKey('Don’t  miss\nOUR “app”')).toBe(repeatKey("don't miss our \"app\""));
  });
});
