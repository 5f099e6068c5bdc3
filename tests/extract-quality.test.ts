/**
 * Quality gate (as trafilatura's CI does it): the dev-set F1 of both modes of
 * `npm run bench:extract` is pinned a little under what the extractor reaches.
 * A change that drops below fails `npm test`. Raise the floors when the
 * extractor gets better; never lower them to make a change pass.
 */
import { describe, expect, it } from 'vitest';
import { DEVSET_DIR, hasDevset } from './helpers/shared.ts';
import { loadDevset, prf } from '../bench/devset.ts';
import { runBench } from '../bench/extract.ts';

/**
 * Reached on 2026-12-07 (0daa8a4): HTML 0.940; text dump 0.910 with the shipped block model on its
 * own training pages — that is the figure this test computes (retraining for the held-out figure,
 * 0.883, takes minutes and belongs to `npm run bench:extract`). Each floor sits ~0.005–0.008
 * under the figure the test measures, so a real regression of the rules, the extractor or the
 * shipped model fails here; a retrained model that fits its pages less tightly may need the text
 * floor revisited with its held-out figure in the same commit.
 */
const FLOOR = { html: 0.934, text: 0.903 };

describe.skipIf(!hasDevset)('dev-set quality gate (990 pages)', () => {
  it(`HTML mode F1 >= ${FLOOR.html} and text-dump mode F1 >= ${FLOOR.text}, no page crashes`, () => {
    const result = runBench(loadDevset(DEVSET_DIR), undefined, undefined, false);
    const html = prf(result.html.score);
    const text = prf(result.text.score);
    expect(result.html.failures).toBe(0);
    expect(result.text.failures).toBe(0);
    expect(html.f1).toBeGreaterThanOrEqual(FLOOR.html);
    expect(text.f1).toBeGreaterThanOrEqual(FLOOR.text);
  }, 120_000);
});

if (!hasDevset) {
  describe('dev-set quality gate', () => {
    it.skip(`skipped: no dev set at ${DEVSET_DIR} (set NEWSCLEAN_SHARED to the shared folder)`, () => {});
  });
}
