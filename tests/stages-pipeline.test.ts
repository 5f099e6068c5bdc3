/**
 * The five text stages together on generated documents: they never throw and
 * never lose, add or reorder a visible character. Every character of the raw
 * text (minus whitespace, invisible and control characters) is found, in
 * order, in the kept blocks and the removed blocks taken together by seq.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTROL_CHARS, INVISIBLE_CHARS } from '../src/text/chars.ts';
import { runOnTexts } from './helpers/pipeline.ts';

const visible = (s: string) => s.normalize('NFC').replace(INVISIBLE_CHARS, '').replace(CONTROL_CHARS, '').replace(/\s+/gu, '');

const LINES = [
  'US ENVOY FOR AFGHANISTAN STEPS DOWN',
  'Khalilzad urges US to join Taliban to avoid Afghan collapse Taliban news',
  'Home » today » News » Envoy steps down',
  'Envoy steps down',
  'Tue 19 October 2021:',
  ' date 2021-10-20 ',
  'Mis à jour le 19 octobre 2021',
  'Asia World',
  'Zalmay Khalilzad,',
  'the Biden administration’s special envoy for Afghanistan, is stepping down from the job, the State Department said.',
  'Donald Trump’s',
  'secretary of state,',
  'with the purpose of bringing peace to the region.',
  'Secretary of State Antony Blinken announced Monday that the envoy is stepping down.',
  'Der Sondergesandte der Vereinigten Staaten tritt zurück, teilte das Außenministerium am Montag mit.',
  'https://twitter.com/example',
  'Leave a Reply',
  '– .',
  '\u200B',
  ' ',
  '',
  'A “new phase” of diplomatic relations',
];

describe('segment → normalize → reflow → metadata → language', () => {
  it('never throws and keeps every visible character in order (kept + removed, by seq)', async () => {
    const line = fc.oneof(fc.constantFrom(...LINES), fc.string({ maxLength: 60 }));
    const doc = fc.tuple(fc.array(line, { maxLength: 25 }), fc.constantFrom('\n', '\n\n', '\r\n\r\n'));
    await fc.assert(
      fc.asyncProperty(fc.array(doc, { minLength: 1, maxLength: 4 }), async (docs) => {
        const inputs = docs.map(([lines, sep], i) => ({ id: `g${i}`, text: lines.join(sep) }));
        const result = await runOnTexts(inputs, { languages: ['en'], pipeline: ['segment', 'normalize', 'reflow', 'metadata', 'language'] });
        expect(result.errors).toEqual([]);
        result.docs.forEach((d, i) => {
          const pieces = [...d.blocks.map((b) => ({ seq: b.seq, text: b.text })), ...d.removed.map((r) => ({ seq: r.seq, text: r.text }))];
          pieces.sort((a, b) => a.seq - b.seq);
          expect(visible(pieces.map((p) => p.text).join(''))).toBe(visible(inputs[i]!.text));
          if (!d.setAside || d.setAside.reason === 'language') for (const b of d.blocks) expect(b.lang).toBeDefined();
        });
      }),
      { numRuns: 150 },
    );
  });
});
