/**
 * Paragraph segmentation of plain text: blocks are separated by blank lines.
 * Kept separate from the stage so it is testable on strings.
 */
import type { BlockKind, SourceSpan } from '../core/types.ts';
import { isBlankLine, normalizeBlockText, splitLines } from './chars.ts';
import { initialCase, isHeadingShaped, isProse, type HeadingLimits } from './shape.ts';

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
 */
export function splitParagraphs(raw: string): TextSegment[] {
  const out: TextSegment[] = [];
  let start = -1;
  let end = -1;
  const flush = () => {
    if (start >= 0) out.push({ kind: 'paragraph', text: raw.slice(start, end), source: { start, end } });
    start = -1;
  };
  for (const line of splitLines(raw)) {
    if (isBlankLine(line.text)) {
      flush();
      continue;
    }
    if (start < 0) start = line.start;
    end = line.end;
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
