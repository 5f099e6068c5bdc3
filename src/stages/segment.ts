/**
 * segment: split a document into paragraph-level blocks.
 *
 * - Text documents: blocks are separated by blank lines (a line with only
 *   whitespace or invisible characters counts as blank); lines of a block that
 *   are not one hard-wrapped paragraph become blocks of their own (one
 *   paragraph per line, see `splitParagraphs`). Each block keeps its
 *   exact character span in `doc.raw`. Headings are marked conservatively
 *   (see `markHeadings` in src/text/segment-text.ts): one short line, starting
 *   uppercase, no final punctuation, that is either the first block or is
 *   followed by uppercase-initial prose.
 * - HTML documents: main-content extraction by `extractHtml` (src/html). Its
 *   DOM-level removals (navigation, share widgets …) go to `doc.removed` with
 *   this stage's name and the extractor's reason; kept and removed blocks get
 *   `seq` numbers in document order so the report can interleave them. Page
 *   metadata (title, date, url) fills the document fields the reader left empty.
 *
 * Runs before normalisation so that source spans are offsets into the raw input.
 */
import { z } from 'zod';
import { defineDocumentStage } from '../core/stage.ts';
import type { Block, BlockKind, Doc, SourceSpan } from '../core/types.ts';
import { DEFAULT_HTML_EXTRACT_OPTIONS, extractHtml, type HtmlExtractOptions } from '../html/extract.ts';
import { markHeadings, splitParagraphs } from '../text/segment-text.ts';
import { DEFAULT_HEADING_LIMITS } from '../text/shape.ts';

const STAGE = 'segment';

/** The extractor's tuning knobs, each defaulting to the extractor's own default. */
const htmlOptions = z
  .strictObject(
    Object.fromEntries(
      Object.entries(DEFAULT_HTML_EXTRACT_OPTIONS).map(([key, value]) => [
        key,
        typeof value === 'number' ? z.number().default(value) : typeof value === 'boolean' ? z.boolean().default(value) : z.string().default(String(value)),
      ]),
    ) as Record<keyof HtmlExtractOptions, z.ZodDefault<z.ZodNumber>>,
  )
  .prefault({});

const options = z.strictObject({
  /**
   * Text documents: in a block of several lines that are not one hard-wrapped
   * paragraph, each line is a paragraph (scrapers often write one paragraph per
   * line without blank lines between).
   */
  linesAreParagraphs: z.boolean().default(true),
  /** Longest line (in words) that may be marked as a heading in text documents. */
  headingMaxWords: z.number().int().min(1).default(DEFAULT_HEADING_LIMITS.maxWords),
  /** Longest line (in characters) that may be marked as a heading in text documents. */
  headingMaxChars: z.number().int().min(1).default(DEFAULT_HEADING_LIMITS.maxChars),
  /** Options passed to the HTML main-content extractor (src/html/extract.ts). */
  html: htmlOptions,
});

type SegmentOptions = z.output<typeof options>;

function newBlock(seq: number, kind: BlockKind, text: string, source: SourceSpan): Block {
  return { seq, kind, text, source: { start: source.start, end: source.end }, flags: [] };
}

function segmentText(doc: Doc, opts: SegmentOptions): void {
  const segments = splitParagraphs(doc.raw, opts.linesAreParagraphs);
  markHeadings(segments, { maxWords: opts.headingMaxWords, maxChars: opts.headingMaxChars });
  doc.rawText = doc.raw;
  doc.blocks = segments.map((s, i) => newBlock(i, s.kind, s.text, s.source));
}

function segmentHtml(doc: Doc, opts: SegmentOptions, count: (key: string, n?: number) => void): void {
  const extraction = extractHtml(doc.raw, opts.html as Partial<HtmlExtractOptions>);
  doc.rawText = extraction.rawText;
  // Kept and removed blocks in one document order; kept first on a tie so a
  // removal nested at the same offset does not jump ahead of its container.
  const all = [
    ...extraction.blocks.map((b, i) => ({ b, removed: null as string | null, order: i })),
    ...extraction.removed.map((r, i) => ({ b: r, removed: r.reason, order: extraction.blocks.length + i })),
  ].sort((x, y) => x.b.source.start - y.b.source.start || x.order - y.order);
  doc.blocks = [];
  all.forEach(({ b, removed }, seq) => {
    if (removed === null) {
      doc.blocks.push(newBlock(seq, b.kind, b.text, b.source));
      return;
    }
    doc.removed.push({ seq, kind: b.kind, text: b.text, source: { ...b.source }, reason: removed, stage: STAGE });
    count(`removed:${removed}`);
  });
  const { title, date, url } = extraction.meta;
  if (!doc.title && title) doc.title = title;
  if (!doc.date && date) doc.date = date;
  if (!doc.url && url) doc.url = url;
  doc.meta.html = extraction.meta;
}

export default defineDocumentStage({
  name: STAGE,
  description: 'Split a document into paragraph-level blocks (blank lines in text, main-content extraction in HTML).',
  options,
  run(doc, ctx) {
    if (doc.format === 'html') segmentHtml(doc, ctx.options, ctx.count);
    else segmentText(doc, ctx.options);
    ctx.count('blocks', doc.blocks.length);
    // Nothing to clean: set aside (listed in set-aside.jsonl), not silently written as an empty article.
    if (doc.blocks.length === 0) {
      doc.setAside = {
        reason: 'empty',
        detail: doc.removed.length ? `all ${doc.removed.length} blocks removed by HTML extraction` : 'no text',
      };
    }
  },
});
