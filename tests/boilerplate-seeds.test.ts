/**
 * Seed acceptance (../shared/seeds/EXPECTED.md): every line of the five
 * sample files is either kept word for word in a cleaned paragraph, removed
 * with the expected reason, or lifted into metadata. Nothing else.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Doc } from '../src/core/types.ts';
import { runSeeds } from './helpers/pipeline.ts';
import { SEEDS_DIR } from './helpers/shared.ts';

const hasSeeds = existsSync(path.join(SEEDS_DIR, 'EXPECTED.md'));

/** Lines EXPECTED.md says must go, with the reasons that fit (metadata lines: any `metadata-*` reason or the metadata stage). */
const EXPECTED_REMOVALS: Record<string, Array<[line: string, reasons: string[]]>> = {
  '000': [
    ['US ENVOY FOR AFGHANISTAN ZALMAY KHALILZAD WHO BROKERED AFGHANISTAN PULLOUT, RESIGNS', ['metadata']],
    ['Asia World', ['breadcrumb', 'navigation']],
    ['Tue 19 October 2021:', ['metadata']],
    ['_____________________________________________________________________________', ['separator']],
    ['FOLLOW INDEPENDENT PRESS:', ['follow']],
    ['TWITTER (CLICK HERE)', ['follow']],
    ['https://twitter.com/IpIndependent', ['follow']],
    ['FACEBOOK (CLICK HERE)', ['follow']],
    ['https://web.facebook.com/ipindependent', ['follow']],
    ['Think your friends would be interested? Share this story!', ['share']],
    ['Leave a Reply', ['comment-form']],
    ['Your email address will not be published. Required fields are marked *', ['comment-form']],
  ],
  '001': [
    ['Home » today » News » US envoy for Afghanistan Zalmay Khalilzad steps down', ['breadcrumb']],
    ['– .', ['debris']],
    ['Leave a Comment', ['comment-form']],
    ['This site uses Akismet to reduce spam. Learn how your comment data is processed.', ['comment-form']],
  ],
  '002': [['date 2021-10-20', ['metadata']]],
  '003': [
    ['Generate to Vivian Salama at [email protected]', ['contact']],
    ['Copyright ©2021 Dow Jones & Firm, Inc. All Rights Reserved. 87990cbe856818d5eddac44c7b1cdeb8', ['copyright']],
  ],
  '004': [
    ['Khalilzad urges US to join Taliban to avoid Afghan collapse Taliban news', ['metadata']],
    ['A Taliban delegation took part in talks in Moscow on October 20 to form an inclusive government in Kabul. [Alexander Zemlianichenko/AP Photo]', ['caption-credit']],
    ['Source link', ['aggregator']],
    ['Related Articles', ['related']],
    ['Leave a Reply', ['comment-form']],
    ['Your email address will not be published. Required fields are marked *', ['comment-form']],
    ['Back to top button', ['navigation']],
  ],
};

/** Headlines that may be kept as text or lifted as the title (EXPECTED.md: "kept once"). */
const TITLE_LINES = new Set(['US envoy for Afghanistan Zalmay Khalilzad steps down', 'U.S. Afghan Envoy Stepping Down After Failure of Talks']);

/** Whitespace and quote style do not count (EXPECTED.md: "modulo whitespace and quote normalisation"). */
const norm = (s: string) =>
  s
    .normalize('NFC')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();

function reasonFits(doc: Doc, line: string, reasons: string[]): string | null {
  const n = norm(line);
  const rec = doc.removed.find((r) => norm(r.text).includes(n));
  if (!rec) {
    // A metadata line may be lifted into a field without a removal record; its value must be there.
    return reasons.includes('metadata') && doc.title && norm(doc.title) === n ? 'metadata' : null;
  }
  if (reasons.includes(rec.reason)) return rec.reason;
  if (reasons.includes('metadata') && (rec.stage === 'metadata' || rec.reason.startsWith('metadata'))) return 'metadata';
  return `wrong reason ${rec.reason}`;
}

async function checkEveryLine(pipeline?: string[]) {
  const result = await runSeeds(pipeline ? { languages: ['en'], pipeline: pipeline as never } : { languages: ['en'] });
  expect(result.errors).toEqual([]);
  for (const [prefix, removals] of Object.entries(EXPECTED_REMOVALS)) {
    const doc = result.doc(prefix);
    expect(doc.setAside, `${prefix} set aside`).toBeNull();
    const kept = doc.blocks.map((b) => norm(b.text)).join('\n');
    const raw = readFileSync(path.join(SEEDS_DIR, path.basename(doc.source)), 'utf8');
    const expectedGone = new Map(removals.map(([line, reasons]) => [norm(line), reasons]));
    for (const line of raw.split('\n').map(norm).filter(Boolean)) {
      const reasons = expectedGone.get(line);
      if (reasons) {
        expect(kept.includes(line) && !TITLE_LINES.has(line), `${prefix}: "${line}" should be removed`).toBe(false);
        expect(reasons, `${prefix}: "${line}" removed with one of ${reasons.join('/')}`).toContain(reasonFits(doc, line, reasons));
      } else if (TITLE_LINES.has(line)) {
        expect(kept.includes(line) || (doc.title !== null && norm(doc.title) === line), `${prefix}: headline kept or lifted`).toBe(true);
      } else {
        expect(kept.includes(line), `${prefix}: prose line lost: "${line.slice(0, 80)}"`).toBe(true);
      }
    }
    // Nothing of the seeds' prose is even ambiguous to the classifier.
    const ambiguous = doc.blocks.flatMap((b) => b.flags.filter((f) => f.kind === 'possible-boilerplate').map(() => b.text));
    expect(ambiguous, `${prefix}: possible-boilerplate flags`).toEqual([]);
  }
  return result;
}

describe.skipIf(!hasSeeds)('boilerplate on the five seeds', () => {
  it('removes every EXPECTED.md line with a fitting reason and keeps every other line (text stages + boilerplate)', async () => {
    const result = await checkEveryLine(['segment', 'normalize', 'reflow', 'metadata', 'language', 'boilerplate', 'boilerplate-repeat']);
    // Every removal of this stage names its stage and explains itself.
    for (const doc of result.docs) {
      for (const r of doc.removed.filter((x) => x.stage === 'boilerplate')) {
        expect(r.detail, `${doc.id}: ${r.reason}`).toBeTruthy();
        expect(r.confidence).toBeGreaterThan(0.5);
      }
    }
  });

  it('holds with the full default pipeline', async () => {
    await checkEveryLine();
  });
});

if (!hasSeeds) {
  describe('boilerplate on the five seeds', () => {
    it.skip(`skipped: ${SEEDS_DIR} is absent`, () => {});
  });
}
