/**
 * Paragraph segmentation of plain text: blocks are separated by blank lines.
 * Kept separate from the stage so it is testable on strings.
 */
import type { BlockKind, SourceSpan } from '../core/types.ts';
import { isBlankLine, normalizeBlockText, splitLines, type LineSpan } from './chars.ts';
import { initialCase, isHeadingShaped, isProse, looksHardWrapped, MIN_WRAP_WIDTH, type HeadingLimits } from './shape.ts';

export interface TextSegment {
  kind: BlockKind;
  /** The block's raw text (line breaks inside the block kept as in the input). */
  text: string;
  source: SourceSpan;
}

/**
 * Split `raw` on blank lines. A line holding only whitespace or invisible
 * characters (zero-width space, BOM, soft hyphen, control characters) is
 * blank. Source spans are exact offsets into `raw` (first character of the
 * first line to the end of the last line, line break excluded).
 *
 * With `linesAreParagraphs` (the default), a block of several lines whose lines
 * are not one hard-wrapped paragraph (see `looksHardWrapped`) and are not all
 * short (the longest has at least MIN_WRAP_WIDTH characters) is split into one
 * block per line: many scrapers write one paragraph per line with no blank
 * line between, and joining those lines would glue navigation, headings and
 * paragraphs into one block. Hard-wrapped paragraphs stay one block (reflow
 * joins their lines); a group of short lines (`TWITTER (CLICK HERE)` over its
 * URL, a menu) stays one block with its line structure.
 */
export function splitParagraphs(raw: string, linesAreParagraphs = true): TextSegment[] {
  const out: TextSegment[] = [];
  let group: LineSpan[] = [];
  const flush = () => {
    if (!group.length) return;
    const texts = group.map((l) => normalizeBlockText(l.text));
    const width = texts.reduce((max, t) => Math.max(max, t.length), 0);
    const oneBlock = !linesAreParagraphs || group.length === 1 || width < MIN_WRAP_WIDTH || looksHardWrapped(texts);
    const parts = oneBlock ? [group] : group.map((l) => [l]);
    for (const part of parts) {
      const start = part[0]!.start;
      const end = part[part.length - 1]!.end;
      out.push({ kind: 'paragraph', text: raw.slice(start, end), source: { start, end } });
    }
    group = [];
  };
  for (const line of splitLines(raw)) {
    if (isBlankLine(line.text)) flush();
    else group.push(line);
  }
  flush();
  return out;
}

/**
 * Mark headings, conservatively. A block is a heading when it is
 * heading-shaped (one short line starting uppercase, no final punctuation or
 * comma, see `isHeadingShaped`) and either
 *  - it is the first block of the document (the headline), or
 *  - the next block is running prose that starts with an uppercase letter.
 * A short line followed by a lowercase start (`Abdul Ghani Baradar` /
 * `with the purpose …`) is a fragment of a split sentence, not a heading; a
 * short line followed by another short line is a label or list, not a heading.
 */
export function markHeadings(segments: TextSegment[], limits: HeadingLimits): void {
  // Shape is judged on normalised text (NBSP, zero-width characters, CRLF), computed once per block.
  const normalized = segments.map((s) => normalizeBlockText(s.text));
  segments.forEach((seg, i) => {
    if (!isHeadingShaped(normalized[i]!, limits)) return;
    const nextText = normalized[i + 1] ?? '';
    const beforeProse = isProse(nextText) && initialCase(nextText) === 'upper';
    if (i === 0 || beforeProse) seg.kind = 'heading';
  });
}
