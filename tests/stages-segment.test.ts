import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBlankLine } from '../src/text/chars.ts';
import { resolveConfig } from '../src/config.ts';
import { createDoc } from '../src/core/doc.ts';
import { runStages } from '../src/core/runner.ts';
import segment from '../src/stages/segment.ts';
import { markHeadings, splitParagraphs } from '../src/text/segment-text.ts';
import { DEFAULT_HEADING_LIMITS } from '../src/text/shape.ts';
import { runOnTexts } from './helpers/pipeline.ts';

const kinds = (raw: string) => {
  const segs = splitParagraphs(raw);
  markHeadings(segs, DEFAULT_HEADING_LIMITS);
  return segs.map((s) => [s.kind, s.text]);
};

describe('splitParagraphs (text documents)', () => {
  it('splits on blank lines, including lines of spaces, NBSP, zero-width characters or BOM', () => {
    const raw = '\n\nOne.\n \t\nTwo.\n\u00A0\u200B\uFEFF\nThree\nstill three.\n\n\n';
    const segs = splitParagraphs(raw);
    expect(segs.map((s) => s.text)).toEqual(['One.', 'Two.', 'Three\nstill three.']);
    for (const s of segs) expect(raw.slice(s.source.start, s.source.end)).toBe(s.text);
  });

  it('handles CRLF and lone CR line breaks with exact spans', () => {
    const raw = 'A line.\r\n\r\nB line\r\nmore.\r\rC.';
    const segs = splitParagraphs(raw);
    expect(segs.map((s) => raw.slice(s.source.start, s.source.end))).toEqual(['A line.', 'B line\r\nmore.', 'C.']);
  });

  it('one paragraph per line (no blank lines, as many scrapers write): each line is a block', () => {
    const raw = [
      'Home',
      'US envoy for Afghanistan steps down',
      'The American envoy for Afghanistan is leaving office, announced Monday the head of American diplomacy.',
      'He is replaced by his deputy Thomas West, who was a White House adviser when Joe Biden was vice president.',
      'Leave a Comment',
    ].join('\n');
    const segs = splitParagraphs(raw);
    expect(segs.map((s) => s.text)).toEqual(raw.split('\n'));
    for (const s of segs) expect(raw.slice(s.source.start, s.source.end)).toBe(s.text);
    expect(splitParagraphs(raw, false)).toHaveLength(1);
  });

  it('a hard-wrapped paragraph and a group of short lines (label over URL) stay one block each', () => {
    const wrapped = 'The agreement was widely criticized for ignoring the\nsince deposed Afghan government, and Biden extended\nthe withdrawal deadline through August.';
    const follow = 'TWITTER (CLICK HERE)\nhttps://twitter.com/IpIndependent';
    expect(splitParagraphs(`${wrapped}\n\n${follow}`).map((s) => s.text)).toEqual([wrapped, follow]);
  });

  it('property: blocks cover every non-blank line once, in order, with exact spans', () => {
    const line = fc.oneof(
      fc.constantFrom('', ' ', '\u200B', 'Short line', 'A much longer line of prose that goes on for quite a while, well past forty characters.', 'https://example.com/x'),
      fc.string({ maxLength: 120 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (lines, eol, perLine) => {
        const raw = lines.join(eol);
        const segs = splitParagraphs(raw, perLine);
        let last = -1;
        for (const s of segs) {
          expect(s.source.start).toBeGreaterThan(last);
          expect(raw.slice(s.source.start, s.source.end)).toBe(s.text);
          last = s.source.end;
        }
        const nonBlank = (t: string) => t.split(/\r\n|[\n\r\u0085\u2028\u2029]/u).filter((l) => !isBlankLine(l));
        expect(segs.flatMap((s) => nonBlank(s.text))).toEqual(nonBlank(raw));
      }),
    );
  });

  it('an empty or blank document has no blocks', () => {
    expect(splitParagraphs('')).toEqual([]);
    expect(splitParagraphs(' \n\u200B\n')).toEqual([]);
  });
});

describe('heading rule', () => {
  const prose = 'The talks resumed on Monday in Doha after a pause of several weeks.';

  it('a short unpunctuated uppercase-initial line before uppercase prose is a heading; so is the first line', () => {
    expect(kinds(`Envoy steps down\n\n${prose}\n\nA fine negotiator\n\n${prose}`)).toEqual([
      ['heading', 'Envoy steps down'],
      ['paragraph', prose],
      ['heading', 'A fine negotiator'],
      ['paragraph', prose],
    ]);
  });

  it('is not a heading: a line ending in punctuation or a comma, a line before a lowercase continuation, before a label, or a long line', () => {
    const long = 'This line has far too many words to be a heading of any news article that anyone would ever write down on a page';
    expect(kinds(`${prose}\n\nTom West,\n\n${prose}\n\nAbdul Ghani Baradar\n\nwith the purpose of bringing peace to the region.\n\nAsia World\n\nTue 19 October 2021:\n\n${long}\n\n${prose}`).map(([k]) => k)).toEqual(
      ['paragraph', 'paragraph', 'paragraph', 'paragraph', 'paragraph', 'paragraph', 'paragraph', 'paragraph', 'paragraph'],
    );
  });

  it('a lowercase first line (` date 2021-10-20 `) or a URL is not a heading', () => {
    expect(kinds(` date 2021-10-20 \n\n${prose}`)[0]![0]).toBe('paragraph');
    expect(kinds(`https://example.com/a\n\n${prose}`)[0]![0]).toBe('paragraph');
  });
});

describe('segment stage', () => {
  it('assigns seq 0,1,2… and sets rawText for text documents', async () => {
    const { docs: [d] } = await runOnTexts([{ id: 't', text: 'Title here\n\nFirst paragraph.\n\nSecond paragraph.' }], { pipeline: ['segment'] });
    expect(d!.blocks.map((b) => b.seq)).toEqual([0, 1, 2]);
    expect(d!.rawText).toBe(d!.raw);
  });

  it('sets aside a document without any text as `empty` rather than writing an empty article', async () => {
    const { docs: [d] } = await runOnTexts([{ id: 'e', text: '\n \u200B\n' }], { pipeline: ['segment', 'normalize'] });
    expect(d!.setAside).toEqual({ reason: 'empty', detail: 'no text' });
  });

  describe('HTML documents (via src/html/extract.ts)', () => {
    const html = `<!doctype html><html lang="en"><head><title>Envoy steps down | Example News</title>
      <meta property="article:published_time" content="2021-10-19T08:00:00Z"></head><body>
      <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/asia">Asia</a></nav>
      <article><h1>Envoy steps down</h1>
      <p>The United States special envoy for Afghanistan is stepping down after more than three years in the post, the State Department said on Monday.</p>
      <p>His deputy, Thomas West, will lead diplomatic efforts and advise the secretary of state on the region, officials said in a brief statement.</p>
      <div class="share-buttons"><a href="https://twitter.com/share">Share on Twitter</a> <a href="https://facebook.com/share">Share on Facebook</a></div>
      <p>The envoy had been criticised for a deal that many believe led to the collapse of the Afghan government in August.</p></article>
      <footer>Copyright 2021 Example News. All rights reserved.</footer></body></html>`;

    it('keeps article blocks, lists DOM removals with reason and stage, numbers both in document order', async () => {
      const { docs: [d], errors } = await runOnTexts([{ id: 'h', text: html, format: 'html', source: 'h.html' }], { pipeline: ['segment'] });
      expect(errors).toEqual([]);
      const kept = d!.blocks.map((b) => b.text);
      expect(kept).toContain('Envoy steps down');
      expect(kept.some((t) => t.startsWith('The United States special envoy'))).toBe(true);
      expect(kept.some((t) => t.startsWith('The envoy had been criticised'))).toBe(true);
      expect(kept.join(' ')).not.toContain('Share on Twitter');
      expect(d!.removed.length).toBeGreaterThan(0);
      for (const r of d!.removed) {
        expect(r.stage).toBe('segment');
        expect(r.reason).toMatch(/\S/u);
      }
      // seq runs over kept and removed blocks together, in document order, without gaps or repeats.
      const all = [...d!.blocks, ...d!.removed].sort((a, b) => a.seq - b.seq);
      expect(all.map((b) => b.seq)).toEqual(all.map((_, i) => i));
      for (let i = 1; i < all.length; i++) expect(all[i]!.source.start).toBeGreaterThanOrEqual(all[i - 1]!.source.start);
      expect(d!.rawText).toContain('Share on Twitter');
      expect(d!.rawText).toContain('The envoy had been criticised');
    });

    it('fills empty title/date fields from the page metadata, never overwrites reader fields', async () => {
      const { docs: [d] } = await runOnTexts([{ id: 'h', text: html, format: 'html' }], { pipeline: ['segment'] });
      expect(d!.title).toMatch(/^Envoy steps down/u);
      expect(d!.date).toMatch(/^2021-10-19/u);
      const fromReader = createDoc({ id: 'j', source: 'dump.jsonl#j', format: 'html', raw: html, title: 'Reader title', date: '2020-01-02' });
      await runStages([{ kind: 'doc', doc: fromReader }], { stages: [{ stage: segment, options: resolveConfig({}).stages.segment }], languages: [], concurrency: 1 });
      expect(fromReader.title).toBe('Reader title');
      expect(fromReader.date).toBe('2020-01-02');
      expect(fromReader.blocks.length).toBeGreaterThan(0);
    });
  });
});
