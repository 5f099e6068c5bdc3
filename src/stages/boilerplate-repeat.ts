/**
 * boilerplate-repeat: blocks that recur across documents are template text
 * (a site's sign-off, a widget the phrase files do not know), removed with
 * reason `template-repeat`.
 *
 * Recurrence alone is not enough: the same wire story appears on dozens of
 * sites, so its paragraphs, quotes and sub-headings recur too, and they are
 * article text (the dedup stage clusters them). Two rules, both conservative:
 * - same host: a block that is not article prose (graded below `good`) in at
 *   least `minHostDocs` documents of one host;
 * - whole dump: a block that does not read as a sentence, sits in the
 *   leading or trailing chrome of each document (outside the span of good
 *   prose blocks) and recurs in at least `minDocs` documents.
 * Prose that recurs on one host (a disclaimer paragraph, an author bio) is
 * flagged `possible-boilerplate`, not removed.
 */
import { z } from 'zod';
import { defineCorpusStage } from '../core/stage.ts';
import { flagSpan, removeBlocksWhere } from '../core/record.ts';
import type { Doc } from '../core/types.ts';
import { gradeDocument, type BlockFeatures } from '../boilerplate/classify.ts';

const STAGE = 'boilerplate-repeat';

const options = z.strictObject({
  /** Documents of the whole dump a non-sentence edge block must appear in. */
  minDocs: z.number().int().min(2).default(2),
  /** Documents of one host a non-prose block must appear in. */
  minHostDocs: z.number().int().min(2).default(3),
  /** Longer blocks are never template text. */
  maxChars: z.number().int().min(1).default(1000),
});

/** The identity of a block across documents: case, whitespace and quote style do not matter. */
export function repeatKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b]/g, "'")
    .replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

export function hostOf(doc: Doc): string | null {
  const candidates = [doc.url, typeof doc.meta['host'] === 'string' ? `http://${doc.meta['host']}` : null];
  for (const c of candidates) {
    if (!c) continue;
    try {
      return new URL(c).hostname.replace(/^www\./, '');
    } catch {
      // not a URL; try the next source
    }
  }
  return null;
}

function readsAsSentence(f: BlockFeatures): boolean {
  return f.words >= 6 && f.terminal && (f.stopDensity ?? 0) >= 0.2;
}

interface Seen {
  docs: Set<string>;
  edgeDocs: Set<string>;
  hosts: Map<string, Set<string>>;
  sentence: boolean;
  good: boolean;
}

export default defineCorpusStage({
  name: STAGE,
  description: 'Remove blocks that repeat across documents of the dump or of one host (template boilerplate).',
  options,
  start(ctx) {
    const seen = new Map<string, Seen>();
    const decided = new Map<string, { remove: boolean; evidence: string }>();
    return {
      collect(doc) {
        const known = (l: string | undefined) => (l && l !== 'und' ? l : null);
        const { features, grades, span } = gradeDocument(
          doc.blocks.map((b) => ({ text: b.text, kind: b.kind, lang: known(b.lang?.iso6391) })),
          known(doc.lang?.iso6391),
          doc.format,
        );
        const [first, last] = span;
        const host = hostOf(doc);
        doc.blocks.forEach((b, i) => {
          if (b.text.length > ctx.options.maxChars) return;
          const key = repeatKey(b.text);
          if (!key) return;
          let s = seen.get(key);
          if (!s) {
            s = { docs: new Set(), edgeDocs: new Set(), hosts: new Map(), sentence: readsAsSentence(features[i]!), good: grades[i] === 'good' };
            seen.set(key, s);
          }
          s.docs.add(doc.id);
          if (first < 0 || i < first || i > last) s.edgeDocs.add(doc.id);
          if (host) {
            let h = s.hosts.get(host);
            if (!h) s.hosts.set(host, (h = new Set()));
            h.add(doc.id);
          }
        });
      },
      resolve() {
        for (const [key, s] of seen) {
          if (s.docs.size < 2) continue;
          let hostHit: [string, number] | null = null;
          for (const [host, ids] of s.hosts) if (ids.size >= ctx.options.minHostDocs && (!hostHit || ids.size > hostHit[1])) hostHit = [host, ids.size];
          if (hostHit) {
            decided.set(key, { remove: !s.good, evidence: `appears in ${hostHit[1]} documents of ${hostHit[0]}` });
          } else if (!s.sentence && s.edgeDocs.size >= ctx.options.minDocs && s.edgeDocs.size === s.docs.size) {
            decided.set(key, { remove: true, evidence: `appears in ${s.docs.size} documents, outside their article text each time` });
          }
        }
        ctx.corpus.summaries[STAGE] = { repeatedBlocks: decided.size };
      },
      apply(doc) {
        removeBlocksWhere(doc, STAGE, (b) => {
          const d = decided.get(repeatKey(b.text));
          if (!d?.remove) return null;
          if (ctx.review.isRemovalRejected(doc.id, 'template-repeat', b.text)) return null;
          ctx.count('removed:template-repeat');
          return { reason: 'template-repeat', confidence: 0.8, detail: d.evidence };
        });
        for (const b of doc.blocks) {
          const d = decided.get(repeatKey(b.text));
          if (!d || !b.text.length) continue;
          if (ctx.review.isFlagRejected(doc.id, 'possible-boilerplate', b.text)) continue;
          flagSpan(b, { start: 0, end: b.text.length, kind: 'possible-boilerplate', confidence: 0.35, suggestion: null, evidence: `template-repeat: ${d.evidence}`, stage: STAGE });
          ctx.count('flagged');
        }
      },
    };
  },
});
