import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../src/report/index.ts';
import { PAGE_SIZE } from '../src/report/index-page.ts';
import { escapeHtml, html, pageFileName, safeHref } from '../src/report/html.ts';
import { binOf, countBins } from '../src/report/charts.ts';
import { CONFIDENCE_EDGES } from '../src/report/index-page.ts';
import { escapedTextJson, highlightFlags, memberReviewButton, placeBlocks, reviewButton } from '../src/report/pages.ts';
import { toDoc, type ReportFlag } from '../src/report/read.ts';
import { CANONICAL, HOSTILE, writeFixtureOutput, writeManyDocsOutput } from './report.fixture.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'newsclean-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = (...p: string[]) => readFileSync(path.join(...p), 'utf8');
/** Text content of markup: tags dropped, entities decoded (enough for our own escaping). */
const textOf = (s: string) =>
  s
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');

describe('report of a hand-written output folder', () => {
  const out = path.join(tmp, 'fixture');
  let report: string;
  beforeAll(async () => {
    writeFixtureOutput(out);
    const r = await buildReport(out);
    expect(r.documents).toBe(3);
    expect(r.clusters).toBe(1);
    report = path.join(out, 'report');
  });

  it('writes an index, a page per document and per cluster, data chunks and assets', () => {
    expect(readdirSync(path.join(report, 'docs')).sort()).toEqual(['hostile.html', 'wire-a.html', 'wire-b.html']);
    expect(readdirSync(path.join(report, 'clusters')).sort()).toEqual(['c-0001.html', 'list-1.html']);
    for (const f of ['index.html', 'data/rows-0.js', 'data/columns.js', 'assets/report.js', 'assets/report.css']) expect(existsSync(path.join(report, f)), f).toBe(true);
  });

  it('puts removed blocks back in place, struck through with their reason', () => {
    const full = read(report, 'docs/wire-a.html');
    const page = full.slice(full.indexOf('<section class="doc-body">'));
    const order = ['Home » News » World', 'Envoy steps down', CANONICAL.slice(0, 40), 'Share this story on Facebook', 'The <mark'].map((s) => page.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(page).toMatch(/<del>Share this story on Facebook<\/del>\s*<div class="removal-meta"><span class="reason">share<\/span>/);
    expect(page).toContain('<span class="detail">share prompt</span>');
  });

  it('highlights flagged spans and shows kind, confidence, suggestion and evidence', () => {
    const page = read(report, 'docs/wire-a.html');
    expect(page).toMatch(/<mark class="flag" id="flag-0" data-flag="0" tabindex="-1" title="spun-expression \(0.85\) → Wall Street Journal">Wall Avenue Journal<\/mark>/);
    expect(page).toContain('<span class="suggestion">→ <ins>Wall Street Journal</ins></span>');
    expect(page).toContain('street → avenue (spinner synonym)');
    expect(page).toContain('Document flags (1)');
    expect(page).toContain('7 spun phrases in 3 paragraphs');
  });

  it('shows the unified diff and the document metadata', () => {
    const page = read(report, 'docs/wire-a.html');
    expect(page).toContain('<span class="d-del">-Home » News » World</span>');
    expect(page).toContain('<a href="https://example.com/news/envoy?x=1&amp;y=2" rel="noopener noreferrer" target="_blank" referrerpolicy="no-referrer">');
    expect(page).toContain('<td>2021-10-18</td>');
  });

  it('lists automatic fixes with a link to their paragraph', () => {
    expect(read(report, 'docs/wire-b.html')).toContain(
      '<li class="fix"><span class="kind">missing-letter</span> <a href="#p1">¶1</a> <del>sayd</del> → <ins>said</ins> <span class="stage">artifacts</span></li>',
    );
    expect(read(report, 'docs/wire-a.html')).not.toContain('Automatic fixes');
  });

  it('links documents to each other and to their clusters', () => {
    const a = read(report, 'docs/wire-a.html');
    const b = read(report, 'docs/wire-b.html');
    // Previous/next links are added by the script from data/columns.js (see the browser test), so a page never names its neighbours.
    for (const page of [a, b]) {
      expect(page).toContain('<nav class="docnav" id="doc-nav"><a href="../index.html" rel="index" id="nav-index">index</a></nav>');
      expect(page).not.toMatch(/rel="(prev|next)"/);
    }
    expect(read(report, 'data/columns.js')).toContain('"id":["wire-a","wire-b","hostile"]');
    expect(a).toContain('href="../clusters/c-0001.html"');
  });

  it('cluster page: canonical text and a word diff of each member, linked to the documents', () => {
    const page = read(report, 'clusters/c-0001.html');
    expect(page).toContain(`<p class="canonical">${CANONICAL}</p>`);
    expect(page).toContain('longest member from the earliest document');
    expect(page).toContain('<del>announced</del><ins>said</ins>');
    expect(page).toContain('<del>more than</del><ins>over</ins>');
    expect(page).toContain('href="../docs/wire-b.html#p0"');
    expect(page).toContain('Not a copy');
    expect(page).toContain('<td>0.82</td>');
  });

  it('index: summary counts, set-aside documents, failed inputs, charts, first page of the table', () => {
    const index = read(report, 'index.html');
    expect(index).toContain('<strong>3</strong> documents');
    expect(index).toMatch(/<td>german<\/td><td>german.txt<\/td><td class="reason">language<\/td>/);
    expect(index).toContain('<td>broken.jsonl</td><td>read, line 7</td>');
    expect(index).toContain('aria-label="Removed blocks by reason"');
    expect(index).toContain('aria-label="Clusters by size"');
    expect((index.match(/<tr data-id=/g) ?? []).length).toBe(3);
    expect(index).toContain('documents.jsonl line 4: ');
  });

  it('every page carries a strict CSP, one script (ours, with the nonce) and no inline style or handler', () => {
    const pages = [
      'index.html',
      ...readdirSync(path.join(report, 'docs')).map((f) => `docs/${f}`),
      ...readdirSync(path.join(report, 'clusters')).map((f) => `clusters/${f}`),
    ];
    const nonces = new Set<string>();
    for (const f of pages) {
      const page = read(report, f);
      const csp = textOf(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)?.[1] ?? '');
      expect(csp, f).toMatch(/^default-src 'none'; script-src 'nonce-([\w-]+)' 'strict-dynamic'; style-src 'self';/);
      expect(csp).not.toContain('unsafe');
      const nonce = /'nonce-([\w-]+)'/.exec(csp)![1]!;
      nonces.add(nonce);
      // Parse as a browser would: attributes and elements, not text that merely looks like them.
      const $ = cheerio.load(page);
      const scripts = $('script').toArray().map((el) => ({ ...el.attribs }));
      expect(scripts, f).toEqual([{ nonce, src: `${f.includes('/') ? '../' : ''}assets/report.js` }]);
      expect($('style, iframe, object, embed, img, svg script').length, f).toBe(0);
      for (const el of $('*').toArray()) {
        if (el.type !== 'tag') continue;
        for (const name of Object.keys(el.attribs)) expect(name, `${f} <${el.tagName} ${name}>`).not.toMatch(/^(on|style$|autofocus$)/i);
      }
      $('a[href]').each((_, el) => {
        const href = el.attribs.href!;
        if (/^https?:/.test(href)) expect(el.attribs.rel).toBe('noopener noreferrer');
        else expect(href, f).toMatch(/^(\.\.\/)?[\w./#-]+$/);
      });
    }
    expect(nonces.size).toBe(1);
  });

  it('escapes hostile content everywhere and never links javascript: or data: URLs', () => {
    const page = read(report, 'docs/hostile.html');
    for (const s of Object.values(HOSTILE)) expect(page).not.toContain(s);
    expect(page).toContain('&lt;script&gt;window.__pwned = &quot;script&quot;&lt;/script&gt;');
    expect(page).toContain('<span class="url-text">data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</span>');
    expect(read(report, 'docs/wire-b.html')).toContain(`<span class="url-text">${escapeHtml(HOSTILE.jsUrl)}</span>`);
    expect(read(report, 'index.html')).not.toContain(HOSTILE.script);
    // The flagged span of hostile text is still found and shown.
    expect(page).toContain('<mark class="flag" id="flag-0" data-flag="0" tabindex="-1" title="&lt;i&gt;kind&lt;/i&gt; (0.50) → &quot; autofocus');
  });

  it('data chunks are JSON handed to the client, content included verbatim as strings', () => {
    const chunk = read(report, 'data/rows-0.js');
    const m = /^newscleanReport\.receive\("rows-0",(.*)\);\n$/s.exec(chunk);
    expect(m).not.toBeNull();
    const rows = JSON.parse(m![1]!) as unknown[][];
    expect(rows.map((r) => r[0])).toEqual(['wire-a', 'wire-b', 'hostile']);
    expect(rows[2]![2]).toBe(HOSTILE.script);
    const cols = read(report, 'data/columns.js');
    expect(cols).toContain('"kinds":["<i>kind</i>","spun","spun-expression"]');
  });

  it('a rebuild replaces the old report whole (no stale pages)', async () => {
    writeFileSync(path.join(report, 'docs', 'gone.html'), 'stale');
    await buildReport(out);
    expect(existsSync(path.join(report, 'docs', 'gone.html'))).toBe(false);
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('report failure modes and scale', () => {
  it('says what is wrong when the folder is not an output folder', async () => {
    await expect(buildReport(path.join(tmp, 'nothing-here'))).rejects.toThrow(/not a newsclean output folder: run\.json is missing/);
  });

  it('takes flags from flags.jsonl for records that carry none', async () => {
    const out = path.join(tmp, 'flags-file');
    writeFixtureOutput(out);
    const docs = read(out, 'documents.jsonl')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        const { flags: _flags, ...rest } = JSON.parse(l) as Record<string, unknown>;
        return JSON.stringify(rest);
      });
    writeFileSync(path.join(out, 'documents.jsonl'), `${docs.join('\n')}\n`);
    await buildReport(out);
    const page = read(out, 'report/docs/wire-a.html');
    expect(page).toContain('<span class="suggestion">→ <ins>Wall Street Journal</ins></span>');
    expect(page).toContain('Document flags (1)');
  });

  it('keeps the index small: one page of rows, the rest in data chunks', async () => {
    const out = path.join(tmp, 'many');
    const n = 1234;
    writeManyDocsOutput(out, n);
    const r = await buildReport(out);
    expect(r.documents).toBe(n);
    const index = read(out, 'report/index.html');
    expect((index.match(/<tr data-id=/g) ?? []).length).toBe(PAGE_SIZE);
    expect(index).toContain(`page 1 of ${Math.ceil(n / PAGE_SIZE)}`);
    expect(readdirSync(path.join(out, 'report/data')).filter((f) => f.startsWith('rows-'))).toHaveLength(3);
    expect(readdirSync(path.join(out, 'report/docs'))).toHaveLength(n);
    expect(read(out, 'report/data/columns.js')).toContain('"d00000","d00001","d00002"');
  });
});

describe('html helpers', () => {
  it('escapes every interpolation; markup only comes from the template', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const escaped = escapeHtml(s);
        expect(escaped).not.toMatch(/[<>"'`]|&(?!(amp|lt|gt|quot|#39|#96);)/);
        expect(html`<p title="${s}">${s}</p>`.html).toBe(`<p title="${escaped}">${escaped}</p>`);
        expect(textOf(escaped)).toBe(s);
      }),
    );
  });

  it('allows only absolute http(s) links', () => {
    expect(safeHref('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeHref(' http://example.com ')).toBe('http://example.com/');
    for (const bad of ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,x', 'vbscript:x', '/relative', '//evil.com/x', 'file:///etc/passwd', '', null]) {
      expect(safeHref(bad), String(bad)).toBeNull();
    }
  });

  it('page file names never leave their folder', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (id) => {
        const name = pageFileName(id);
        expect(name).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*\.html$/);
        expect(path.basename(name)).toBe(name);
      }),
    );
    expect(pageFileName('../../etc/passwd')).toMatch(/^x-[0-9a-f]{20}\.html$/);
    expect(pageFileName('index')).not.toBe('index.html');
    expect(pageFileName('list-1')).not.toBe('list-1.html');
  });
});

describe('confidence bins', () => {
  it('per-document bin counts add up to the counts of all confidences (the manifest keeps counts, not confidences)', () => {
    const confidence = fc.oneof(fc.double({ min: -0.5, max: 1.5, noNaN: true }), fc.constantFrom(0, 0.2, 0.6, 1, Number.NaN));
    fc.assert(
      fc.property(fc.array(fc.array(confidence, { maxLength: 20 }), { maxLength: 10 }), (docs) => {
        const summed = docs.map((d) => countBins(d, CONFIDENCE_EDGES)).reduce((a, b) => a.map((n, i) => n + b[i]!), countBins([], CONFIDENCE_EDGES));
        expect(summed).toEqual(countBins(docs.flat(), CONFIDENCE_EDGES));
        expect(summed.reduce((a, b) => a + b, 0)).toBe(docs.flat().length);
      }),
    );
    expect([0, 0.19, 0.2, 0.99, 1, -1, 2].map((v) => binOf(v, CONFIDENCE_EDGES))).toEqual([0, 0, 1, 4, 4, 0, 4]);
  });
});

describe('cluster member review button', () => {
  it('is the markup of the generic review button for the same decision (any ids and texts, markup and quotes included)', () => {
    const anyText = fc.string({ unit: 'binary' });
    fc.assert(
      fc.property(anyText, anyText, anyText, (cluster, doc, text) => {
        const generic = reviewButton({ type: 'cluster-member', cluster, doc, text }, 'Not a copy').html;
        expect(memberReviewButton(cluster, doc, escapedTextJson(text)).html).toBe(generic);
      }),
    );
    expect(memberReviewButton('c1', 'd"1', escapedTextJson('<b>&\'`</b>')).html).toContain('data-decision="{&quot;type&quot;:&quot;cluster-member&quot;,&quot;cluster&quot;:&quot;c1&quot;,&quot;doc&quot;:&quot;d\\&quot;1&quot;,&quot;text&quot;:&quot;&lt;b&gt;&amp;&#39;&#96;&lt;/b&gt;&quot;}"');
  });
});

describe('flag highlighting', () => {
  const flag = (start: number, end: number, text: string): ReportFlag => ({ paragraph: 0, start, end, text, kind: 'k', confidence: 0.5, suggestion: null, evidence: '', stage: 's' });

  it('never loses or reorders text, whatever the flags (overlapping, empty, out of range)', () => {
    const flagArb = fc.tuple(fc.integer({ min: -2, max: 40 }), fc.integer({ min: -2, max: 40 }));
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.array(flagArb, { maxLength: 6 }), (text, spans) => {
        const flags = spans.map(([a, b], n) => ({ flag: flag(a, b, text.slice(a, b)), n }));
        const out = highlightFlags(text, flags).html;
        expect(textOf(out.replace(/<mark class="flag flag-point"[^>]*>‸<\/mark>/g, ''))).toBe(text);
      }),
    );
  });

  it('splits overlapping flags into segments and numbers each flag once', () => {
    const out = highlightFlags('new phaseOf American', [
      { flag: flag(4, 11, 'phaseOf'), n: 0 },
      { flag: flag(9, 20, 'Of American'), n: 1 },
    ]).html;
    expect(out).toBe(
      'new <mark class="flag" id="flag-0" data-flag="0" tabindex="-1" title="k (0.50)">phase</mark><mark class="flag flag-overlap" id="flag-1" data-flag="1" tabindex="-1" title="k (0.50); k (0.50)">Of</mark><mark class="flag" title="k (0.50)"> American</mark>',
    );
  });
});

describe('placing removals', () => {
  const rec = (paragraphs: Array<[string, number | null]>, removed: Array<[string, number | null]>) =>
    toDoc({
      id: 'd',
      paragraphs: paragraphs.map(([text, seq]) => ({ text, seq })),
      removed: removed.map(([text, seq]) => ({ text, seq, reason: 'r' })),
    });
  const order = (d: ReturnType<typeof rec>) => {
    const { placed, unplaced } = placeBlocks(d);
    return [...placed.map((x) => (x.type === 'kept' ? x.p.text : `-${x.r.text}`)), ...unplaced.map((r) => `?${r.text}`)];
  };

  it('uses paragraph seq when the writer records it (merged blocks leave gaps)', () => {
    expect(order(rec([['A', 0], ['B', 3], ['C', 5]], [['x', 4], ['y', 6]]))).toEqual(['A', 'B', '-x', 'C', '-y']);
  });

  it('without paragraph seq, fills the positions removals leave free; removals without seq go last', () => {
    expect(order(rec([['A', null], ['B', null]], [['x', 0], ['y', 2], ['z', null]]))).toEqual(['-x', 'A', '-y', 'B', '?z']);
  });
});
