import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDoc } from '../src/core/doc.ts';
import { runStages } from '../src/core/runner.ts';
import normalize from '../src/stages/normalize.ts';
import { isBlankLine, normalizeBlockText, splitLines } from '../src/text/chars.ts';
import { runOnTexts } from './helpers/pipeline.ts';

describe('normalizeBlockText', () => {
  it.each([
    ['NFC: decomposed e + combining acute composes', 'Cafe\u0301 de Flore', 'Café de Flore'],
    ['zero-width space inside a name is removed', 'Khali\u200Blzad', 'Khalilzad'],
    ['ZWNJ, ZWJ, word joiner, BOM, soft hyphen removed', '\uFEFFa\u200Cb\u200Dc\u2060d\u00ADe', 'abcde'],
    ['control characters removed, tab becomes a space', 'a\u0000b\u0007c\td\u007Fe\u0085f', 'abc de\nf'],
    ['NBSP, narrow NBSP, thin, em and ideographic spaces become one space', 'a\u00A0b\u202Fc\u2009d\u2003e\u3000f', 'a b c d e f'],
    ['runs collapse and lines are trimmed', '  lots   of\t\tspace  ', 'lots of space'],
    ['line breaks are kept (single), empty lines dropped, CRLF folded', 'line one  \r\n\r\n  line two\rline three', 'line one\nline two\nline three'],
    ['Unicode line separator is a line break', 'a\u2028b', 'a\nb'],
    ['curly quotes, apostrophes, dashes and guillemets are kept as written', '“It’s – as ‘planned’ — «ok»”', '“It’s – as ‘planned’ — «ok»”'],
    ['a line of only invisible characters disappears', 'a\n\u200B\u200B\nb', 'a\nb'],
  ])('%s', (_name, input, expected) => {
    expect(normalizeBlockText(input)).toBe(expected);
  });

  it('is idempotent and leaves no invisible, control or exotic space characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), (a, b) => {
        for (const s of [a, b]) {
          const once = normalizeBlockText(s);
          expect(normalizeBlockText(once)).toBe(once);
          expect(once).not.toMatch(/[\u00AD\u200B-\u200D\u2060\uFEFF\u0000-\u0009\u000B-\u001F\u007F-\u009F\u00A0\u2000-\u200A\u3000]/u);
          expect(once).not.toMatch(/ {2}|^ | $|\n\n|\n | \n/u);
        }
      }),
    );
  });

  it('keeps every visible character (only whitespace and invisibles go)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), (s) => {
        const visible = (t: string) => t.replace(/[\s\u0000-\u001F\u007F]/gu, '');
        expect(visible(normalizeBlockText(s))).toBe(visible(s));
      }),
    );
  });
});

describe('blank lines and line spans', () => {
  it('a line of whitespace or zero-width characters is blank', () => {
    expect(isBlankLine(' \t\u00A0\u200B\uFEFF')).toBe(true);
    expect(isBlankLine(' . ')).toBe(false);
  });

  it('splitLines gives offsets into the text for every line-break convention', () => {
    const text = 'a\r\nbb\rc\nd\u2028e';
    const lines = splitLines(text);
    expect(lines.map((l) => l.text)).toEqual(['a', 'bb', 'c', 'd', 'e']);
    for (const l of lines) expect(text.slice(l.start, l.end)).toBe(l.text);
  });
});

describe('normalize stage', () => {
  it('normalises every block of a text document', async () => {
    const { docs } = await runOnTexts(
      [{ id: 'n', text: 'Caf\u0065\u0301\u00A0society\n\n\u200B\u00AD \u200B text\n\nEnd\u2009.' }],
      { pipeline: ['segment', 'normalize'] },
    );
    const d = docs[0]!;
    expect(d.blocks.map((b) => b.text)).toEqual(['Café society', 'text', 'End .']);
    expect(d.removed).toEqual([]);
  });

  it('a block that normalises to nothing (e.g. from HTML extraction) moves to removed with reason `empty`', async () => {
    const doc = createDoc({ id: 'h', source: 'h.html', format: 'html', raw: '<p>One.</p><p>&#8203;</p><p>Two.</p>' });
    doc.blocks = ['One.', '\u200B\u00AD', 'Two.'].map((text, seq) => ({ seq, kind: 'paragraph', text, source: { start: 0, end: 0 }, flags: [] }));
    await runStages([{ kind: 'doc', doc }], { stages: [{ stage: normalize, options: { form: 'NFC' } }], languages: [], concurrency: 1 });
    expect(doc.blocks.map((b) => b.text)).toEqual(['One.', 'Two.']);
    expect(doc.removed).toMatchObject([{ reason: 'empty', stage: 'normalize', text: '\u200B\u00AD', seq: 1 }]);
  });

  it('NFKC is available as an option and folds compatibility forms', async () => {
    const { docs: [d] } = await runOnTexts([{ id: 'k', text: 'ﬁnance ＡＢＣ' }], { pipeline: ['segment', 'normalize'], stages: { normalize: { form: 'NFKC' } } });
    expect(d!.blocks[0]!.text).toBe('finance ABC');
  });

  it('normalises title and date fields given by the reader', async () => {
    const doc = createDoc({ id: 'f', source: 'f.jsonl', format: 'text', raw: 'x', title: '  Big\u00A0 news\u200B \n today ', date: ' 2021-10-19 ' });
    await runStages([{ kind: 'doc', doc }], { stages: [{ stage: normalize, options: { form: 'NFC' } }], languages: [], concurrency: 1 });
    expect(doc.title).toBe('Big news today');
    expect(doc.date).toBe('2021-10-19');
  });
});
