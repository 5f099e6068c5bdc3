import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Block, BlockKind } from '../src/core/types.ts';
import { joinWrappedLines, reflowBlocks } from '../src/text/reflow.ts';
import { endsWithTerminal, initialCase } from '../src/text/shape.ts';
import { runOnTexts } from './helpers/pipeline.ts';

function blocks(...items: Array<string | [BlockKind, string]>): Block[] {
  let offset = 0;
  return items.map((item, seq) => {
    const [kind, text] = typeof item === 'string' ? (['paragraph', item] as const) : item;
    const source = { start: offset, end: offset + text.length };
    offset += text.length + 2;
    return { seq, kind, text, source, flags: [] };
  });
}

const texts = (bs: Block[]) => reflowBlocks(bs).blocks.map((b) => b.text);

/** Greedy hard wrap at `width`, as a mail client or a wire feed does it. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

const LONG =
  'The agreement was widely criticized for ignoring the since deposed Afghan government, and Biden extended the withdrawal deadline through August, officials said on Monday in a statement.';

describe('reflow joins split sentences', () => {
  it('joins after a comma, before a lowercase start, and across a split-off name', () => {
    expect(texts(blocks('Zalmay Khalilzad,', 'the special envoy, is stepping down.'))).toEqual([
      'Zalmay Khalilzad, the special envoy, is stepping down.',
    ]);
    expect(texts(blocks('The deal was signed by', 'the two sides in Doha.'))).toEqual(['The deal was signed by the two sides in Doha.']);
    expect(texts(blocks('He met the Taliban political chief Mullah', 'Abdul Ghani Baradar', 'with the purpose of talks.'))).toEqual([
      'He met the Taliban political chief Mullah Abdul Ghani Baradar with the purpose of talks.',
    ]);
  });

  it('the merged block keeps the smallest seq, a covering source span and lists the seqs it absorbed', () => {
    const input = blocks('Real paragraph.', 'Mr. Khalilzad’s deputy,', 'Tom West,', 'will proceed with talks.');
    const r = reflowBlocks(input);
    expect(r.joins).toBe(2);
    expect(r.blocks).toHaveLength(2);
    const merged = r.blocks[1]!;
    expect(merged.seq).toBe(1);
    expect(merged.source).toEqual({ start: input[1]!.source.start, end: input[3]!.source.end });
    expect(merged.data?.reflowedSeqs).toEqual([1, 2, 3]);
    expect(merged.text).toBe('Mr. Khalilzad’s deputy, Tom West, will proceed with talks.');
  });
});

describe('reflow does not merge real paragraphs, headings, titles or boilerplate lines', () => {
  it.each([
    ['a subheading before prose', [['heading', 'A fine negotiator'], 'born in Mazar-i-Sharif, he is fluent in Pashtun.']],
    ['two sentences', ['He resigned.', 'The deal collapsed in August.']],
    ['a label and its URL line before the next label', ['TWITTER (CLICK HERE)\nhttps://twitter.com/IpIndependent', 'FACEBOOK (CLICK HERE)\nhttps://web.facebook.com/ipindependent', 'Think your friends would be interested? Share this story!']],
    ['comment-form lines', ['Leave a Reply', 'Your email address will not be published. Required fields are marked *', 'Back to top button']],
    ['aggregator lines', ['Source link', 'Related Articles', 'Leave a Reply']],
    ['a dateline before prose', ['Tue 19 October 2021:', 'Secretary of State Antony Blinken announced Monday that he resigned.']],
    ['a label followed by a lowercase URL', ['Follow us on Twitter', 'https://twitter.com/example']],
    ['a list item', [['list-item', 'first point, and'], 'the rest of the text.']],
    ['a caseless script without a comma', ['美国特使辞职', '他说']],
    ['a short lowercase label after a teaser without final punctuation', ['Die Bahn will jetzt schon ab 2021 die ersten Fernverkehrszüge einsetzen', 'zur Startseite']],
    ['lowercase brand names in a menu', ['Server Status', 'fairkom GitLab', 'fairkom cloud']],
    ['a dash-only separator before a lowercase line', ['—', 'wobei dies dann keinen Widerhall in der Sprache findet, schrieb er.']],
    ['a line ending in a URL before a lowercase line', ['Read the full report at https://example.com/reports/', 'and tell us what you think of it in the comments below.']],
    ['an uppercase fragment whose follower is only a short lowercase label', ['Smartfrog Services GmbH in Berlin', 'Frontend Developer Online-Plattformen', 'freenet.de GmbH in Hamburg']],
    ['a one-word label before a lowercase continuation', ['The envoy met the Taliban in Doha.', 'Advertisement', 'officials said the talks would resume.']],
  ] as Array<[string, Array<string | [BlockKind, string]>]>)('%s', (_name, items) => {
    const input = blocks(...items);
    expect(texts(input)).toEqual(input.map((b) => b.text));
  });

  it('a title stays apart from the split name after it, which joins its continuation', () => {
    const input = blocks(['heading', 'U.S. Afghan Envoy Stepping Down After Failure of Talks'], 'Zalmay Khalilzad,', 'the envoy said.');
    expect(texts(input)).toEqual(['U.S. Afghan Envoy Stepping Down After Failure of Talks', 'Zalmay Khalilzad, the envoy said.']);
  });

  it('joins a caseless script after a comma', () => {
    expect(texts(blocks('美国特使,', '他说。'))).toEqual(['美国特使, 他说。']);
  });
});

describe('hard-wrapped lines inside a block', () => {
  it.each([40, 55, 72])('joins prose hard-wrapped at %i columns back into one line', (width) => {
    const wrapped = wrap(LONG, width);
    expect(wrapped.split('\n').length).toBeGreaterThan(2);
    expect(joinWrappedLines(wrapped).text).toBe(LONG);
  });

  it('a word split at a hyphen keeps the hyphen and no space', () => {
    const wrapped = 'The agreement was widely criticized for ignoring the deposed\nAfghan government, and Biden extended the deadline of the with-\ndrawal through August, officials said on Monday in a statement.';
    expect(joinWrappedLines(wrapped).text).toBe(
      'The agreement was widely criticized for ignoring the deposed Afghan government, and Biden extended the deadline of the with-drawal through August, officials said on Monday in a statement.',
    );
  });

  it('keeps the lines of a block that is not hard-wrapped: short lines, or lines ending where they want', () => {
    expect(joinWrappedLines('Home\nNews\nSports\nWeather').joins).toBe(0);
    expect(joinWrappedLines('Thomas West, Khalilzad’s former deputy, will assume the role.\nIt was announced on Monday.\nThe talks in Moscow went ahead without the United States.').joins).toBe(0);
  });

  it('keeps line breaks around URLs, before list items and after a short line ending a sentence', () => {
    expect(joinWrappedLines('TWITTER (CLICK HERE)\nhttps://twitter.com/IpIndependent').text).toBe('TWITTER (CLICK HERE)\nhttps://twitter.com/IpIndependent');
    expect(joinWrappedLines('Key points:\n- first point\n- second point').text).toBe('Key points:\n- first point\n- second point');
    expect(joinWrappedLines('Short one.\nThis is a much longer line that shows how wide the text is wrapped.').joins).toBe(0);
  });

  it('the stage joins wrapped lines and can be switched off', async () => {
    const text = wrap(LONG, 60);
    const on = await runOnTexts([{ id: 'w', text }], { pipeline: ['segment', 'normalize', 'reflow'] });
    expect(on.docs[0]!.blocks.map((b) => b.text)).toEqual([LONG]);
    expect(on.stages.find((s) => s.name === 'reflow')!.counts).toEqual({ 'line-joins': text.split('\n').length - 1 });
    const off = await runOnTexts([{ id: 'w', text }], { pipeline: ['segment', 'normalize', 'reflow'], stages: { reflow: { joinLines: false } } });
    expect(off.docs[0]!.blocks[0]!.text).toBe(text);
  });
});

describe('scale', () => {
  it('a chain of 50,000 fragments becomes one paragraph in linear time (a quadratic join takes minutes)', () => {
    const input = blocks(...Array.from({ length: 50_000 }, (_, i) => (i % 2 ? `fragment ${i} of the sentence` : `Name ${i},`)));
    const t0 = performance.now();
    const r = reflowBlocks(input);
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(r.blocks).toHaveLength(1);
    expect(r.joins).toBe(49_999);
    expect(r.blocks[0]!.source).toEqual({ start: 0, end: input[49_999]!.source.end });
  }, 30_000);

  it('a block of 200,000 wrapped lines does not overflow the stack', () => {
    const text = Array.from({ length: 200_000 }, () => 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod').join('\n');
    expect(joinWrappedLines(text).joins).toBe(199_999);
  });
});

describe('reflow properties (fast-check)', () => {
  const word = fc.constantFrom(
    'the', 'of', 'said', 'envoy', 'talks,', 'Biden', 'Mr.', 'Khalilzad', 'Kabul.', 'state,', 'Doha', '“We', 'went.”', '(AP)', '–', 'why?',
    'ok;', 'note:', '2020', 'https://x.example/a', 'news@example.com', '美国', 'Éric', 'élan', 'well-', 'known', 'then-President', '*',
  );
  const line = fc.array(word, { minLength: 1, maxLength: 8 }).map((ws) => ws.join(' '));
  const wrappedParagraph = fc
    .tuple(fc.array(word, { minLength: 12, maxLength: 40 }), fc.integer({ min: 40, max: 80 }))
    .map(([ws, width]) => wrap(ws.join(' '), width));
  const block = fc.record({
    kind: fc.constantFrom<BlockKind>('paragraph', 'paragraph', 'paragraph', 'paragraph', 'heading', 'list-item'),
    text: fc.oneof(fc.array(line, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('\n')), wrappedParagraph),
  });
  const doc = fc.array(block, { maxLength: 12 }).map((bs) => blocks(...bs.map((b) => [b.kind, b.text] as [BlockKind, string])));
  const visible = (bs: Block[]) => bs.map((b) => b.text.replace(/\s+/gu, '')).join('');

  it('the generator exercises both kinds of join (so the properties below are not vacuous)', () => {
    const results = fc.sample(doc, { numRuns: 300, seed: 42 }).map((d) => reflowBlocks(d));
    expect(results.reduce((n, r) => n + r.joins, 0)).toBeGreaterThan(50);
    expect(results.reduce((n, r) => n + r.lineJoins, 0)).toBeGreaterThan(50);
  });

  it('never loses, adds or reorders characters other than whitespace', () => {
    fc.assert(
      fc.property(doc, (input) => {
        expect(visible(reflowBlocks(input).blocks)).toBe(visible(input));
      }),
    );
  });

  it('never merges a block that ends a sentence, so never two sentence blocks; headings and list items are never merged', () => {
    fc.assert(
      fc.property(doc, (input) => {
        const bySeq = new Map(input.map((b) => [b.seq, b]));
        for (const out of reflowBlocks(input).blocks) {
          const parts = ((out.data?.reflowedSeqs as number[] | undefined) ?? [out.seq]).map((s) => bySeq.get(s)!);
          if (parts.length === 1) continue;
          parts.forEach((p, i) => {
            expect(p.kind).toBe('paragraph');
            if (i < parts.length - 1) expect(endsWithTerminal(p.text), p.text).toBe(false);
          });
          for (let i = 0; i + 1 < parts.length; i++) {
            const [a, b] = [parts[i]!, parts[i + 1]!];
            const bothSentences = endsWithTerminal(a.text) && endsWithTerminal(b.text) && initialCase(a.text) === 'upper' && initialCase(b.text) === 'upper';
            expect(bothSentences).toBe(false);
          }
        }
      }),
    );
  });

  it('is idempotent, keeps seq order and keeps the smallest seq of each merge', () => {
    fc.assert(
      fc.property(doc, (input) => {
        const once = reflowBlocks(input);
        const twice = reflowBlocks(once.blocks);
        expect(twice.joins + twice.lineJoins).toBe(0);
        expect(twice.blocks).toEqual(once.blocks);
        const seqs = once.blocks.map((b) => b.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
        for (const b of once.blocks) {
          const absorbed = b.data?.reflowedSeqs as number[] | undefined;
          if (absorbed) expect(b.seq).toBe(Math.min(...absorbed));
        }
      }),
    );
  });
});
