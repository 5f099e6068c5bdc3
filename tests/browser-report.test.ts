/**
 * The report in a real browser (playwright-core driving Debian's Chromium),
 * opened from file:// as a reviewer would. Without Chromium the tests are
 * skipped with a loud message locally; with CI=true they fail instead.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../src/pipeline.ts';
import { buildReport } from '../src/report/index.ts';
import { parseDecisionFile } from '../src/review/index.ts';
import { REPO_ROOT } from './helpers/shared.ts';
import { writeCopiesRaw, writeFixtureOutput, writeHostileRaw, writeManyDocsOutput } from './report.fixture.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCI = process.env.CI === 'true';
if (!haveChromium && !inCI) {
  console.warn(`\n${'!'.repeat(78)}\n!! browser tests SKIPPED: no Chromium at ${CHROMIUM}\n!! install it: apt-get update && apt-get install -y chromium\n${'!'.repeat(78)}\n`);
}

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const tmp = mkdtempSync(path.join(tmpdir(), 'newsclean-browser-'));
const url = (...p: string[]) => pathToFileURL(path.join(...p)).href;

interface FlagLine {
  doc: string;
  paragraph: number | null;
  text: string | null;
  kind: string;
  suggestion: string | null;
}
const jsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

describe.skipIf(!haveChromium && !inCI)('report in Chromium', () => {
  let context: BrowserContext;
  const seeds = path.join(tmp, 'seeds');
  const hostile = path.join(tmp, 'hostile');
  const fixture = path.join(tmp, 'fixture');
  const copies = path.join(tmp, 'copies');
  /** Everything a page said on the console or in a dialog: no content script may ever speak. */
  const dialogs: string[] = [];
  const consoleLines: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI=true but Chromium is missing at ${CHROMIUM}: the browser tests must run in CI (apt-get install -y chromium)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeHostileRaw(path.join(tmp, 'hostile-raw'));
    writeFixtureOutput(fixture);
    writeCopiesRaw(path.join(tmp, 'copies-raw'));
    const noConfig = path.join(tmp, 'no.config.ts');
    const [, , , userDataDir] = await Promise.all([
      runPipeline({ input: path.join(REPO_ROOT, 'raw'), output: seeds, configFile: noConfig }),
      runPipeline({ input: path.join(tmp, 'hostile-raw'), output: hostile, configFile: noConfig }),
      runPipeline({ input: path.join(tmp, 'copies-raw'), output: copies, configFile: noConfig }),
      Promise.resolve(mkdtempSync(path.join(tmp, 'profile-'))),
      buildReport(fixture),
    ]);
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1280, height: 1000 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context.on('page', (page) => {
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('console', (m) => consoleLines.push(m.text()));
      page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    });
  });

  afterAll(async () => {
    await context?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function open(target: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(target);
    return page;
  }

  it('index of the five samples → a document with flags: removals with reasons and flags with suggestions are visible', async () => {
    const page = await open(url(seeds, 'report/index.html'));
    await expect.poll(() => page.locator('#doc-rows tr').count()).toBe(5);
    await expect.poll(() => page.locator('#table-status').textContent()).toBe('5 documents');
    expect(await page.locator('figure.chart svg').count()).toBeGreaterThan(2);
    // Sorting loads the column data lazily; most flags first.
    await page.locator('th button[data-sort="flags"]').click();
    await expect.poll(() => page.locator('th button[data-sort="flags"]').getAttribute('aria-sort')).toBe('descending');
    const flagCounts = await page.locator('#doc-rows tr td:nth-child(7)').allTextContents();
    expect(flagCounts.map(Number)).toEqual([...flagCounts.map(Number)].sort((a, b) => b - a));
    // Filter: only documents with flags.
    await page.locator('#f-flags').selectOption('with');
    const flags = jsonl<FlagLine>(path.join(seeds, 'flags.jsonl'));
    const withFlags = new Set(flags.map((f) => f.doc));
    await expect.poll(() => page.locator('#doc-rows tr').count()).toBe(withFlags.size);
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-index.png'), fullPage: true });

    await page.locator('#doc-rows tr').first().locator('a').click();
    await page.waitForLoadState();
    expect(page.url()).toMatch(/\/report\/docs\/.+\.html$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-document.png'), fullPage: true });
    await page.close();

    // Every removal and every flag the stages produced is visible on its document's page.
    const docs = jsonl<{ id: string; removed: Array<{ text: string; reason: string }> }>(path.join(seeds, 'documents.jsonl'));
    for (const doc of docs) {
      const p = await open(url(seeds, 'report/docs', `${doc.id}.html`));
      const removed = p.locator('.block.removed');
      expect(await removed.count(), doc.id).toBe(doc.removed.length);
      for (const [i, r] of doc.removed.entries()) {
        await expect.poll(() => removed.nth(i).locator('del').textContent()).toBe(r.text);
        expect(await removed.nth(i).locator('.reason').textContent()).toBe(r.reason);
        expect(await removed.nth(i).locator('del').isVisible()).toBe(true);
      }
      const documentLevel = flags.filter((f) => f.doc === doc.id && f.paragraph === null);
      const docLevelItems = p.locator('.doc-flags .flag-detail');
      expect(await docLevelItems.count(), doc.id).toBe(documentLevel.length);
      for (const f of documentLevel) expect(await docLevelItems.filter({ hasText: f.kind }).first().isVisible()).toBe(true);
      const docFlags = flags.filter((f) => f.doc === doc.id && f.paragraph !== null);
      const details = p.locator('.doc-body .flag-detail');
      expect(await details.count(), doc.id).toBe(docFlags.length);
      for (const f of docFlags) {
        const mark = p.locator(`#p${f.paragraph} mark.flag`, { hasText: f.text! }).first();
        expect(await mark.isVisible(), `${doc.id} ${f.text}`).toBe(true);
        const detail = p.locator(`#p${f.paragraph} .flag-detail`, { hasText: f.kind }).filter({ hasText: f.text! }).first();
        expect(await detail.isVisible()).toBe(true);
        if (f.suggestion !== null) expect(await detail.locator('.suggestion ins').textContent()).toBe(f.suggestion);
      }
      await p.close();
    }
  });

  it('keyboard: j/k move through the flags, n/p through the documents', async () => {
    const flags = jsonl<FlagLine>(path.join(seeds, 'flags.jsonl')).filter((f) => f.paragraph !== null);
    const docId = flags[0]!.doc;
    const page = await open(url(seeds, 'report/docs', `${docId}.html`));
    await page.keyboard.press('j');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('flag-0');
    expect(await page.locator('#flag-detail-0').getAttribute('class')).toContain('current');
    const total = await page.locator('mark[data-flag]').count();
    if (total > 1) {
      await page.keyboard.press('j');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('flag-1');
      await page.keyboard.press('k');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('flag-0');
    }
    // Previous/next links come from data/columns.js once it is loaded.
    await page.locator('#doc-nav[data-ready="yes"]').waitFor();
    const next = await page.locator('#nav-next').getAttribute('href');
    const prev = await page.locator('#nav-prev').getAttribute('href');
    expect(next ?? prev).toMatch(/^[\w.-]+\.html$/);
    await page.keyboard.press(next ? 'n' : 'p');
    await page.waitForURL((u) => u.href.endsWith(`/${next ?? prev}`));
    await page.keyboard.press('u');
    await page.waitForURL((u) => u.href.endsWith('/report/index.html'));
    await page.close();
  });

  it('cluster page of a real run: canonical text, members as word diffs linked to their documents; "not a copy" holds in a rerun', async () => {
    const page = await open(url(copies, 'report/index.html'));
    await page.locator('#clusters tbody a').first().click();
    await page.waitForURL(/clusters\/.+\.html$/);
    expect(await page.locator('.canonical').textContent()).toContain('Secretary of State Antony Blinken announced on Monday');
    expect(await page.locator('li.member').count()).toBe(3);
    const edited = page.locator('li.member').filter({ has: page.locator('.member-meta a', { hasText: /^b$/ }) });
    expect(await edited.locator('del', { hasText: 'announced' }).isVisible()).toBe(true);
    expect(await edited.locator('ins', { hasText: 'said' }).isVisible()).toBe(true);
    // Keyboard: j selects the first member, x toggles its "not a copy" decision on and off.
    await page.keyboard.press('j');
    const first = page.locator('li.member').first();
    expect(await first.getAttribute('class')).toContain('current');
    await page.keyboard.press('x');
    await expect.poll(() => first.locator('button.review-toggle').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('x');
    await expect.poll(() => first.locator('button.review-toggle').getAttribute('aria-pressed')).toBe('false');
    // The reviewer decides the edited paragraph is not a copy.
    await edited.locator('button.review-toggle').click();
    await expect.poll(() => edited.getAttribute('class')).toContain('rejected');
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-cluster.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#review-export').click()]);
    const decisionsFile = path.join(tmp, 'cluster-decisions.json');
    await download.saveAs(decisionsFile);
    const clusterId = (await page.locator('body').getAttribute('data-cluster'))!;
    await edited.locator('.member-meta a').click();
    await page.waitForURL(/docs\/b\.html#p\d+$/);
    expect(await page.locator('.cluster-link').first().textContent()).toBe(`cluster ${clusterId}`);
    await page.close();

    writeFileSync(path.join(tmp, 'cluster.config.ts'), "export default { review: { decisions: ['cluster-decisions.json'] } };\n");
    const rerun = path.join(tmp, 'copies-rerun');
    await runPipeline({ input: path.join(tmp, 'copies-raw'), output: rerun, configFile: path.join(tmp, 'cluster.config.ts'), configExplicit: true });
    const clusters = jsonl<{ id: string; members: Array<{ doc: string }> }>(path.join(rerun, 'clusters.jsonl'));
    expect(clusters.map((c) => [c.id, c.members.map((m) => m.doc)])).toEqual([[clusterId, ['a', 'c']]]);
  });

  it('document table: pages, filters and sorts over lazily loaded data; the state survives a reload', async () => {
    const many = path.join(tmp, 'many');
    writeManyDocsOutput(many, 1234);
    await buildReport(many);
    const page = await open(url(many, 'report/index.html'));
    const firstId = () => page.locator('#doc-rows tr').first().getAttribute('data-id');
    await expect.poll(() => page.locator('#table-status').textContent()).toBe('1234 documents');
    await page.keyboard.press('n');
    await expect.poll(() => page.locator('#page-info').textContent()).toBe('page 2 of 13');
    expect(await firstId()).toBe('d00100');
    await page.locator('#f-lang').selectOption('fr');
    await expect.poll(() => page.locator('#table-status').textContent()).toBe('412 of 1234 documents match');
    expect(await page.locator('#page-info').textContent()).toBe('page 1 of 5');
    await page.locator('#f-flags').selectOption('kind:name-variant');
    // every 15th document is French with a flag
    await expect.poll(() => page.locator('#table-status').textContent()).toBe('83 of 1234 documents match');
    await page.locator('th button[data-sort="id"]').click();
    await page.locator('th button[data-sort="id"]').click();
    await expect.poll(() => page.locator('th button[data-sort="id"]').getAttribute('aria-sort')).toBe('descending');
    expect(await firstId()).toBe('d01230');
    expect(page.url()).toContain('#');
    await page.reload();
    await expect.poll(() => page.locator('#table-status').textContent()).toBe('83 of 1234 documents match');
    expect(await firstId()).toBe('d01230');
    expect(await page.locator('#f-lang').inputValue()).toBe('fr');
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL(/docs\/d01230\.html$/);
    await page.close();
  });

  it('hostile content: no script from the content runs, every page still renders', async () => {
    const docs = jsonl<{ id: string }>(path.join(hostile, 'documents.jsonl'));
    expect(docs.length).toBeGreaterThanOrEqual(4);
    const pages = [
      url(hostile, 'report/index.html'),
      ...docs.map((d) => url(hostile, 'report/docs', `${d.id}.html`)),
      ...readdirSync(path.join(hostile, 'report/clusters')).map((f) => url(hostile, 'report/clusters', f)),
      url(fixture, 'report/index.html'),
      url(fixture, 'report/docs/hostile.html'),
      url(fixture, 'report/docs/wire-b.html'),
    ];
    for (const target of pages) {
      const page = await open(target);
      await page.waitForLoadState('load');
      expect(await page.locator('h1').first().isVisible(), target).toBe(true);
      // Our own script ran (it unhides the review bar) and our stylesheet applied, while nothing from the content did
      // (the only other scripts are our data chunks, which report.js adds: document pages load data/columns.js for prev/next).
      await expect.poll(() => page.locator('#review-bar').isVisible()).toBe(true);
      expect(await page.locator('#review-bar').evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), target).toBeUndefined();
      expect(await page.locator('a[href^="javascript:" i], a[href^="data:" i], script:not([src$="assets/report.js"]):not([src^="data/"]):not([src^="../data/"]), iframe, img, style').count(), target).toBe(0);
      const external = await page.locator('a[href^="http"]').evaluateAll((as) => as.map((a) => a.getAttribute('rel')));
      expect(external.every((rel) => rel === 'noopener noreferrer')).toBe(true);
      if (target.includes('hostile.html') || target.endsWith('index.html')) {
        await page.screenshot({ path: path.join(ARTIFACTS, `report-hostile-${target.includes('fixture') ? 'fixture' : 'run'}-${path.basename(target, '.html')}.png`) });
      }
      await page.close();
    }
    const big = await open(url(hostile, 'report/docs', `${docs.find((d) => d.id.includes('one-megabyte'))!.id}.html`));
    expect(await big.locator('.block.kept .text').first().evaluate((el) => el.textContent!.length)).toBeGreaterThan(999_000);
    expect(await big.locator('h1').isVisible()).toBe(true);
    await big.close();
    expect(dialogs).toEqual([]);
    expect(consoleLines.filter((l) => /pwned|alert/i.test(l))).toEqual([]);
  });

  it('a reviewer marks flags as wrong (one document, all documents), exports the decisions, and a rerun no longer emits them', async () => {
    const flags = jsonl<FlagLine>(path.join(seeds, 'flags.jsonl')).filter((f) => f.paragraph !== null);
    const perDoc = new Map<string, FlagLine[]>();
    for (const f of flags) perDoc.set(f.doc, [...(perDoc.get(f.doc) ?? []), f]);
    // The document with the most flags; its flags are numbered on the page in flags.jsonl order.
    const docFlags = [...perDoc.values()].sort((a, b) => b.length - a.length)[0]!;
    const target = docFlags[0]!;
    const secondIndex = docFlags.findIndex((f) => f.kind !== target.kind || f.text !== target.text);
    expect(secondIndex).toBeGreaterThan(0);
    const second = docFlags[secondIndex]!;
    const page = await open(url(seeds, 'report/docs', `${target.doc}.html`));
    const detail = page.locator('#flag-detail-0');
    await detail.locator('button.review-toggle').click();
    await expect.poll(() => detail.locator('button.review-toggle').getAttribute('aria-pressed')).toBe('true');
    await detail.locator('input.review-note').fill('a real phrase here, not spun');
    await expect.poll(() => page.locator('#review-count').textContent()).toBe('1 review decision');
    // The decision survives a reload (localStorage) and shows on other pages' review bar.
    await page.reload();
    await expect.poll(() => page.locator('#flag-detail-0 button.review-toggle').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#flag-detail-0 input.review-note').inputValue()).toBe('a real phrase here, not spun');
    // A second flag is wrong wherever it appears: allow it in all documents.
    const detail2 = page.locator(`#flag-detail-${secondIndex}`);
    expect(await detail2.locator('.flag-text').textContent()).toBe(second.text);
    await detail2.locator('button.review-toggle').click();
    await detail2.locator('input.review-everywhere').check();
    await expect.poll(() => page.locator('#review-count').textContent()).toBe('2 review decisions');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#review-export').click()]);
    const decisionsFile = path.join(tmp, 'decisions.json');
    await download.saveAs(decisionsFile);
    // The index lists what an export contains.
    await page.goto(url(seeds, 'report/index.html'));
    await expect.poll(() => page.locator('#pending-rows tr').count()).toBe(2);
    const rows = await page.locator('#pending-rows tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toContainEqual(['flag', target.doc, target.kind, target.text, 'a real phrase here, not spun', 'Undo']);
    expect(rows).toContainEqual(['flag', '*', second.kind, second.text, '', 'Undo']);
    await page.close();
    const exported = JSON.parse(readFileSync(decisionsFile, 'utf8')) as { run: { output: string; configHash: string } };
    const seedsRun = JSON.parse(readFileSync(path.join(seeds, 'run.json'), 'utf8')) as { config: { hash: string } };
    expect(exported.run).toEqual({ output: seeds, configHash: seedsRun.config.hash });

    const decisions = parseDecisionFile(readFileSync(decisionsFile, 'utf8'), decisionsFile);
    expect(decisions).toHaveLength(2);
    expect(decisions).toContainEqual(
      expect.objectContaining({ type: 'flag', verdict: 'reject', doc: target.doc, kind: target.kind, text: target.text, note: 'a real phrase here, not spun' }),
    );
    expect(decisions).toContainEqual(expect.objectContaining({ type: 'flag', verdict: 'reject', doc: '*', kind: second.kind, text: second.text }));
    writeFileSync(path.join(tmp, 'review.config.ts'), "export default { review: { decisions: ['decisions.json'] } };\n");
    const rerun = path.join(tmp, 'rerun');
    await runPipeline({ input: path.join(REPO_ROOT, 'raw'), output: rerun, configFile: path.join(tmp, 'review.config.ts'), configExplicit: true });
    const after = jsonl<FlagLine>(path.join(rerun, 'flags.jsonl'));
    const rejected = (f: FlagLine) =>
      (f.doc === target.doc && f.kind === target.kind && f.text === target.text) || (f.kind === second.kind && f.text === second.text);
    expect(after.filter(rejected)).toEqual([]);
    expect(after.length).toBe(jsonl<FlagLine>(path.join(seeds, 'flags.jsonl')).filter((f) => !rejected(f)).length);
  });
});
