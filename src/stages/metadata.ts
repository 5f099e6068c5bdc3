/**
 * metadata: lift the title and the date out of the body into `doc.title` and
 * `doc.date`; the lines move to `doc.removed` (`metadata-title`,
 * `metadata-date`, and `breadcrumb` for a breadcrumb that ends in the title).
 *
 * Only the document's *head* is searched: the blocks before the first prose
 * paragraph, at most `headBlocks` of them. A title or date further down is
 * article text and stays.
 *
 * Title, in order:
 *  1. a title field (JSONL `title`, HTML `<title>`/og:title via the segment
 *     stage) wins; the first of the top `headBlocks` blocks equal to it (case,
 *     spacing, quote styles folded) is removed, once (an HTML page's <h1> may
 *     follow a teaser paragraph, so this search does not stop at prose). If the field is a head line plus a site suffix
 *     (`Headline | Site`), the line is the title and the field is kept in
 *     `doc.meta.titleField`. A suffix that names the page's own site (it
 *     matches the URL's host: `… | St.Galler Tagblatt` on tagblatt.ch) is split
 *     off even without a body line, into `doc.meta.site`.
 *  2. else the longest heading-like head line (one line, starts uppercase, no
 *     final punctuation, at least `minTitleWords` words, not a byline, not a
 *     date line, not a breadcrumb; the first of equally long ones): a naive
 *     dump may put heading-shaped navigation above the headline. All-caps headlines stay as written. A site
 *     section label glued to its end (`… Afghan collapse Taliban news`) is
 *     split off into `doc.meta.section`; the removed line keeps the original.
 *  3. else no title (null): a document that starts with its dateline and then
 *     prose (002) has no headline to lift, and guessing one from the prose
 *     would invent metadata.
 * A breadcrumb in the head whose last item is the title is removed as
 * `breadcrumb` (the title is kept once, in the field).
 *
 * Date: a head line that is nothing but a (labelled) date in English, French,
 * German, Spanish, Portuguese, Italian or Dutch (`Tue 19 October 2021:`,
 * ` date 2021-10-20 `, `Stand: 19.10.2021 14:00 Uhr`) becomes ISO
 * `YYYY-MM-DD`. A date field from the reader wins over the line (the line is
 * still removed as metadata); a field that is not ISO is parsed, and one that
 * cannot be read is kept in `doc.meta.dateField` with `doc.date` null.
 */
import { z } from 'zod';
import { removeBlocksWhere } from '../core/record.ts';
import { defineDocumentStage } from '../core/stage.ts';
import type { Block, Doc } from '../core/types.ts';
import { normalizeDateField, parseDateLine } from '../text/dates.ts';
import { isHeadingShaped, isProse, wordCount } from '../text/shape.ts';
import { breadcrumbItems, isTitleWithSuffix, splitSectionLabel, splitSiteSuffix, titleKey } from '../text/title.ts';

const STAGE = 'metadata';

const options = z.strictObject({
  /** How many blocks at the top of a document may hold the title and date (the head ends earlier at the first prose paragraph). */
  headBlocks: z.number().int().min(1).default(6),
  /** Shortest headline taken from the body, in words (shorter lines are section labels like `Asia World`). */
  minTitleWords: z.number().int().min(1).default(3),
  /** Split a trailing `<Capitalised words> news` section label off a headline taken from the body. */
  splitSectionLabel: z.boolean().default(true),
});

type MetadataOptions = z.output<typeof options>;

interface Removal {
  reason: string;
  detail: string;
}

/** `By Jane Doe`, `Von Max Muster`, `Par …`, `Por …`: a byline, not a headline. */
const BYLINE = /^(?:by|von|par|por|di|door|av|de)\s+\p{Lu}/iu;

/** Indexes of the head blocks: before the first prose paragraph, at most `max`. */
function headIndexes(blocks: Block[], max: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < blocks.length && i < max; i++) {
    if (isProse(blocks[i]!.text)) break;
    out.push(i);
  }
  return out;
}

function isTitleCandidate(block: Block, opts: MetadataOptions): boolean {
  const text = block.text;
  if (breadcrumbItems(text) || BYLINE.test(text) || wordCount(text) < opts.minTitleWords) return false;
  return block.kind === 'heading' ? !text.includes('\n') : isHeadingShaped(text);
}

function liftDate(doc: Doc, head: number[], removals: Map<number, Removal>, count: (k: string) => void): void {
  if (doc.date) {
    const normalized = normalizeDateField(doc.date);
    if (normalized) doc.date = normalized;
    else {
      doc.meta.dateField = doc.date;
      doc.date = null;
      count('date-field-unreadable');
    }
  }
  const fromField = doc.date !== null;
  for (const i of head) {
    const found = parseDateLine(doc.blocks[i]!.text);
    if (!found) continue;
    if (!doc.date) {
      doc.date = found.date;
      count('date-from-line');
      removals.set(i, { reason: 'metadata-date', detail: `date ${found.date}` });
    } else {
      const why = fromField ? 'the date field' : 'an earlier date line';
      removals.set(i, { reason: 'metadata-date', detail: `date ${found.date}; ${why} (${doc.date}) kept` });
    }
  }
  if (fromField) count('date-from-field');
}

function liftTitle(doc: Doc, head: number[], removals: Map<number, Removal>, opts: MetadataOptions, count: (k: string) => void): void {
  const free = head.filter((i) => !removals.has(i));
  if (doc.title) {
    const site = splitSiteSuffix(doc.title, doc.url);
    if (site) {
      doc.meta.titleField = doc.title;
      doc.meta.site = site.site;
      doc.title = site.title;
      count('site-suffix-split');
    }
    const key = titleKey(doc.title);
    const firstBlocks = doc.blocks.slice(0, opts.headBlocks).map((_, i) => i).filter((i) => !removals.has(i));
    const same = firstBlocks.find((i) => titleKey(doc.blocks[i]!.text) === key);
    if (same !== undefined) removals.set(same, { reason: 'metadata-title', detail: 'same as the title field' });
    else {
      const suffixed = firstBlocks.find((i) => wordCount(doc.blocks[i]!.text) >= opts.minTitleWords && isTitleWithSuffix(doc.title!, doc.blocks[i]!.text));
      if (suffixed !== undefined) {
        doc.meta.titleField ??= doc.title;
        doc.title = doc.blocks[suffixed]!.text;
        removals.set(suffixed, { reason: 'metadata-title', detail: 'the title field without its site suffix' });
      }
    }
    count('title-from-field');
  } else {
    // The longest candidate wins (ties: the first): a naive text dump may start with
    // heading-shaped navigation (`Skip to main content`) above the headline.
    let at: number | undefined;
    for (const i of free) {
      if (!isTitleCandidate(doc.blocks[i]!, opts)) continue;
      if (at === undefined || wordCount(doc.blocks[i]!.text) > wordCount(doc.blocks[at]!.text)) at = i;
    }
    if (at === undefined) {
      count('no-title');
      return;
    }
    const line = doc.blocks[at]!.text;
    const split = opts.splitSectionLabel ? splitSectionLabel(line) : null;
    doc.title = split ? split.title : line;
    if (split) doc.meta.section = split.label;
    removals.set(at, { reason: 'metadata-title', detail: split ? `headline; section label “${split.label}” split off` : 'headline' });
    count('title-from-body');
  }
  const key = titleKey(doc.title);
  for (const i of free) {
    const items = breadcrumbItems(doc.blocks[i]!.text);
    if (items && !removals.has(i) && titleKey(items[items.length - 1]!) === key) {
      removals.set(i, { reason: 'breadcrumb', detail: 'breadcrumb ending in the title' });
    }
  }
}

export default defineDocumentStage({
  name: STAGE,
  description: 'Lift title and date out of the body into document fields.',
  options,
  run(doc, ctx) {
    const head = headIndexes(doc.blocks, ctx.options.headBlocks);
    const removals = new Map<number, Removal>();
    liftDate(doc, head, removals, ctx.count);
    liftTitle(doc, head, removals, ctx.options, ctx.count);
    const removed = removeBlocksWhere(doc, STAGE, (_b, i) => removals.get(i) ?? null);
    if (removed) ctx.count('removed', removed);
  },
});
