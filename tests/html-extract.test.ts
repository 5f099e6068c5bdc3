import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { extractHtml, HtmlExtractError } from '../src/html/extract.ts';
import { estimateDepth, limitNesting } from '../src/html/nesting.ts';
import { runOnTexts } from './helpers/pipeline.ts';

const PARAS = [
  'The minister said on Monday that the government would not attend the talks, which had been planned for weeks.',
  'Officials in the capital said they would keep the sanctions in place as long as the negotiations were suspended.',
  'He was criticised for failing to negotiate a peace deal and was replaced by his deputy, a former White House adviser.',
];

const PAGE = `<!doctype html><html lang="en"><head><title>Envoy steps down | Example News</title>
<meta property="og:title" content="Envoy steps down">
<meta property="article:published_time" content="2021-10-19T08:00:00Z">
<link rel="canonical" href="https://news.example.com/world/envoy">
<script>var tracking = "Leave a Reply";</script><style>p { color: red }</style></head>
<body>
<header class="site-header"><a href="/">Example News</a><nav><ul><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<div id="cookie-banner">We use cookies to improve your experience.</div>
<main><article>
<h1>Envoy steps down</h1>
<p>${PARAS[0]}</p>
<figure><img src="a.jpg"><figcaption>The envoy in Doha last year.</figcaption></figure>
<p>${PARAS[1]} See <a href="/a">the agreement</a>.</p>
<h2>A fine negotiator</h2>
<ul><li>Born in Mazar-i-Sharif in 1951</li><li>Ambassador to the UN from 2007 to 2009</li></ul>
<blockquote><p>We have to sit down with them to agree on a roadmap.</p></blockquote>
<table><tr><td>Year</td><td>Post</td></tr><tr><td>2018</td><td>Special envoy</td></tr></table>
<div class="related-posts"><h3>Related stories</h3><ul><li><a href="/x">Talks collapse in Doha</a></li><li><a href="/y">Kabul airport reopens</a></li></ul></div>
<p>${PARAS[2]}</p>
<div class="share-buttons"><a href="https://twitter.com/share">Tweet</a><a href="https://facebook.com/share">Share on Facebook</a></div>
</article>
<section id="comments"><h3>Leave a Reply</h3><form><p>Your email address will not be published.</p><textarea></textarea></form></section>
</main>
<aside class="sidebar"><h3>Most read</h3><p>Another long story in the sidebar that should not count as the article text at all, even with prose.</p></aside>
<footer><p>© 2021 Example News. All rights reserved.</p></footer>
</body></html>`;

describe('extractHtml', () => {
  const ex = extractHtml(PAGE);

  it('keeps the article: headings, paragraphs, caption, list items, quote and table text, in order, with kinds', () => {
    expect(ex.blocks.map((b) => [b.kind, b.text])).toEqual([
      ['heading', 'Envoy steps down'],
      ['paragraph', PARAS[0]],
      ['caption', 'The envoy in Doha last year.'],
      ['paragraph', `${PARAS[1]} See the agreement.`],
      ['heading', 'A fine negotiator'],
      ['list-item', 'Born in Mazar-i-Sharif in 1951'],
      ['list-item', 'Ambassador to the UN from 2007 to 2009'],
      ['quote', 'We have to sit down with them to agree on a roadmap.'],
      ['table', 'Year'], ['table', 'Post'], ['table', '2018'], ['table', 'Special envoy'],
      ['paragraph', PARAS[2]],
    ]);
  });

  it('lists every other visible block under removed with a reason, in document order', () => {
    const reasons = Object.fromEntries(ex.removed.map((r) => [r.text, r.reason]));
    expect(reasons).toMatchObject({
      'Example News': 'header',
      World: 'header',
      'We use cookies to improve your experience.': 'cookie',
      'Related stories': 'related',
      'Talks collapse in Doha': 'related',
      // Adjacent inline links render without a space, as in a browser.
      'TweetShare on Facebook': 'share',
      'Leave a Reply': 'comments',
      'Your email address will not be published.': 'comments',
      'Most read': 'sidebar',
      '© 2021 Example News. All rights reserved.': 'footer',
    });
    const starts = ex.removed.map((r) => r.source.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    // Scripts and styles are not visible text: neither kept nor removed.
    expect(JSON.stringify(ex)).not.toContain('tracking');
  });

  it('gives source offsets that point at the block in the html', () => {
    for (const b of [...ex.blocks, ...ex.removed]) {
      const firstWord = b.text.split(/\s+/)[0]!;
      expect(PAGE.slice(b.source.start, b.source.end).replace(/<[^>]*>/g, '')).toContain(firstWord);
    }
  });

  it('reads metadata and keeps all visible text in rawText', () => {
    expect(ex.meta).toMatchObject({ title: 'Envoy steps down', date: '2021-10-19T08:00:00Z', url: 'https://news.example.com/world/envoy', lang: 'en' });
    for (const t of [...ex.blocks, ...ex.removed].map((b) => b.text)) expect(ex.rawText.split('\n')).toContain(t);
  });

  it('keeps a news paragraph that is mostly links (link-density trap)', () => {
    const linky = `<html><body><article><p>${PARAS[0]}</p><p><a href="/1">President Joe Biden</a> met <a href="/2">Secretary of State Antony Blinken</a> and <a href="/3">Zalmay Khalilzad</a> in <a href="/4">Washington</a> on Monday.</p><p>${PARAS[1]}</p><div><a href="/a">Home</a> <a href="/b">Archive</a> <a href="/c">Contact</a></div></article></body></html>`;
    const r = extractHtml(linky);
    expect(r.blocks.map((b) => b.text)).toContain('President Joe Biden met Secretary of State Antony Blinken and Zalmay Khalilzad in Washington on Monday.');
    expect(r.removed.find((b) => b.text === 'Home Archive Contact')?.reason).toBe('link-list');
  });

  it('drops an in-flow "related stories" teaser inside the article body', () => {
    const page = `<html><body><article><p>${PARAS[0]}</p><aside class="inline-related"><a href="/x">READ MORE: Taliban take Kabul</a></aside><p>${PARAS[1]}</p><div class="story-teaser"><p><a href="/y">Also read: the envoy's last interview</a></p></div><p>${PARAS[2]}</p></article></body></html>`;
    const r = extractHtml(page);
    expect(r.blocks.map((b) => b.text)).toEqual(PARAS);
  });

  it('falls back to JSON-LD articleBody when the DOM has no article text', () => {
    const body = `${PARAS[0]}\n\n${PARAS[1]}\n\n${PARAS[2]}`;
    const page = `<html><head><script type="application/ld+json">${JSON.stringify({ '@type': 'NewsArticle', articleBody: body })}</script></head><body><div id="app">Loading…</div></body></html>`;
    const r = extractHtml(page);
    expect(r.blocks.map((b) => b.text)).toEqual(PARAS);
    expect(r.meta['usedJsonLdArticleBody']).toBe(true);
    expect(r.removed).toEqual([expect.objectContaining({ text: 'Loading…', reason: 'superseded-by-articleBody' })]);
  });

  it('property: every visible text block is either kept or removed, never both, never lost', () => {
    const word = fc.constantFrom('the', 'envoy', 'said', 'Kabul', 'talks', 'of', 'and', 'news', 'Share', 'Home');
    const text = fc.array(word, { minLength: 1, maxLength: 25 }).map((w) => w.join(' '));
    const el = fc.tuple(fc.constantFrom('p', 'div', 'li', 'h2', 'nav', 'aside', 'footer', 'section', 'blockquote'), fc.constantFrom('', 'content', 'share', 'related', 'comments', 'sidebar'), text);
    fc.assert(
      fc.property(fc.array(el, { minLength: 1, maxLength: 20 }), (els) => {
        const html = `<html><body>${els.map(([tag, cls, t]) => `<${tag} class="${cls}">${t}</${tag}>`).join('\n')}</body></html>`;
        const r = extractHtml(html);
        const out = [...r.blocks, ...r.removed].map((b) => b.text).sort();
        expect(out).toEqual(els.map(([, , t]) => t).sort());
        expect(r.rawText.split('\n')).toEqual(els.map(([, , t]) => t));
      }),
      { numRuns: 150 },
    );
  });

  it('refuses input larger than maxInputChars with a clear error', () => {
    expect(() => extractHtml('<p>' + 'x'.repeat(2000) + '</p>', { maxInputChars: 1000 })).toThrow(HtmlExtractError);
    expect(() => extractHtml('<p>' + 'x'.repeat(2000) + '</p>', { maxInputChars: 1000 })).toThrow(/exceeds maxInputChars/);
  });
});

describe('guard rails', () => {
  it('an HTML nesting 100,000 levels deep is flattened in bounded time, text kept', () => {
    const deep = '<html><body>' + '<div>'.repeat(100_000) + `<p>${PARAS[0]}</p>` + '</div>'.repeat(100_000) + '</body></html>';
    const t0 = performance.now();
    const r = extractHtml(deep);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.blocks.map((b) => b.text).join(' ')).toContain(PARAS[0]);
    expect(String(r.meta['degraded'])).toMatch(/nesting deeper than 400 levels/);
  });

  it('unclosed inline nesting (100,000 <b><span>) does not stall either', () => {
    const t0 = performance.now();
    const r = extractHtml('<html><body><p>' + '<b><span>'.repeat(50_000) + 'deep words here</p></body></html>');
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.rawText).toContain('deep words here');
  });

  it('estimates depth from tags, ignoring void and implied-close elements', () => {
    expect(estimateDepth('<div><p>a<p>b<br><img src=x><div>c</div></div>')).toBe(2);
    const { html, changed } = limitNesting('<div><div><div><div>x</div></div></div></div>', 2);
    expect(changed).toBe(true);
    expect(html).toBe('<div><div>x</div></div>');
    // Tag-like text inside scripts does not count.
    expect(estimateDepth(`<script>${'<div>'.repeat(1000)}</script><div></div>`)).toBe(1);
  });

  it('a 50 MB page is extracted in bounded time', () => {
    const para = `<p>${PARAS[0]} <a href="/x">link</a></p>\n`;
    // Big pages are mostly inline data (scripts, base64 images) plus article text.
    const script = `<script>${'var a="' + 'x'.repeat(1_000_000) + '";\n'}</script>`.repeat(40);
    const html = `<html><body>${script}<article>${para.repeat(Math.ceil(10_000_000 / para.length))}</article></body></html>`;
    expect(html.length).toBeGreaterThan(50_000_000);
    const t0 = performance.now();
    const r = extractHtml(html);
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(r.blocks.length).toBeGreaterThan(10_000);
  }, 30_000);

  it('a page over the limit becomes a per-file error in the run, the other documents go on', async () => {
    const result = await runOnTexts(
      [
        { id: 'big', text: `<html><body><p>${'x '.repeat(5000)}</p></body></html>`, format: 'html', source: 'big.html' },
        { id: 'ok', text: `<html><body><article><p>${PARAS[0]}</p><p>${PARAS[1]}</p></article></body></html>`, format: 'html', source: 'ok.html' },
      ],
      { pipeline: ['segment', 'boilerplate'], stages: { segment: { html: { maxInputChars: 5000 } } } as never },
    );
    expect(result.errors).toEqual([expect.objectContaining({ source: 'big.html', stage: 'segment', message: expect.stringMatching(/exceeds maxInputChars/) })]);
    expect(result.docs.find((d) => d.id === 'big')!.setAside?.reason).toBe('error');
    expect(result.docs.find((d) => d.id === 'ok')!.blocks.map((b) => b.text)).toEqual([PARAS[0], PARAS[1]]);
  });
});
