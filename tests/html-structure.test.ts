/**
 * extractHtml: the article's structure around the main container — the lead
 * in the article header, the page summary, section headings of removed
 * widgets, photo credits, teaser lists marked up as <article>s.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { extractHtml } from '../src/html/extract.ts';

// A body long enough to dominate the page, as a real article does.
const BODY = [
  'The regional council voted on Tuesday to close the old coal plant by 2030, two years earlier than the operator had planned.',
  'Environmental groups welcomed the decision but said the timetable still left the region far behind its own climate targets.',
  'The operator said it would appeal, arguing that the grid could not yet do without the plant during cold winter evenings.',
  'A spokesman for the council said the vote was final and that talks on compensation for the workers would begin in spring.',
  'About four hundred people work at the plant, most of them in the two villages on the other side of the river from the town.',
  'The union asked for a guarantee that nobody would be laid off before the last unit is switched off, and for retraining.',
  'Neighbouring regions are watching closely, since three more plants of the same age are due for review in the next two years.',
  'The council will publish its full timetable next month, together with a plan for the site once the plant has been demolished.',
];
const LEAD = 'The council brings the closure forward by two years. The operator wants to appeal the decision in court.';

const page = (head: string, bodyHtml: string) => `<!doctype html><html lang="en"><head><title>Coal plant to close</title>${head}</head><body>${bodyHtml}</body></html>`;
const kept = (html: string) => extractHtml(html).blocks.map((b) => b.text);
const reasonOf = (html: string, text: string) => extractHtml(html).removed.find((r) => r.text === text)?.reason;
const paragraphs = BODY.map((p) => `<p>${p}</p>`).join('');

describe('the lead before the body container', () => {
  const html = page(
    '',
    `<header class="site-header"><nav><a href="/">Home</a> <a href="/news">News</a></nav><p class="claim">Your trusted source of regional news and weather since 1950, every day.</p></header>
     <main><article>
       <header class="article-header"><h1>Coal plant to close</h1><p class="standfirst">${LEAD}</p><p class="byline">By Jane Doe</p></header>
       <div class="share"><a href="https://twitter.com/x">Share</a></div>
       <div class="media"><figure><img src="x.jpg"><figcaption>The plant seen from the river, photographed by our reporter last winter.</figcaption></figure></div>
       <div class="article-body">${paragraphs}${paragraphs}${paragraphs}</div>
     </article></main>`,
  );

  it('keeps the standfirst from the article header, before the body, in order', () => {
    // The header holds too little prose to join the body as a section of its own (siblingShare): the lead walk finds it.
    expect(kept(html)).toEqual([LEAD, ...BODY, ...BODY, ...BODY]);
  });

  it('does not take the site header, the byline or a figure caption for the lead', () => {
    const texts = kept(html);
    expect(texts).not.toContain('Your trusted source of regional news and weather since 1950, every day.');
    expect(texts).not.toContain('By Jane Doe');
    expect(texts).not.toContain('The plant seen from the river, photographed by our reporter last winter.');
  });
});

describe('the page summary (og:description)', () => {
  const body = `<div class="top"><div class="intro-box"><p>${LEAD}</p></div></div>
    <div class="layout"><div class="col"><div class="content">${paragraphs}</div></div>
    <div class="col-right"><p>Read our other stories about energy and the climate in the region, updated daily.</p></div></div>`;

  it('keeps the block the page declares as its summary, wherever the layout put it', () => {
    const withSummary = page(`<meta property="og:description" content="${LEAD}">`, body);
    expect(kept(withSummary)).toEqual([LEAD, ...BODY]);
  });

  it('without a summary the same block stays outside the article', () => {
    expect(reasonOf(page('', body), LEAD)).toBe('outside-main');
  });

  it('a cut summary ("…") still matches the block it opens', () => {
    const cut = page(`<meta name="description" content="${LEAD.slice(0, 70)}…">`, body);
    expect(kept(cut)).toContain(LEAD);
  });

  it('a short slogan as description rescues nothing', () => {
    const slogan = page('<meta name="description" content="Read our other stories">', body);
    expect(kept(slogan)).toEqual(BODY);
  });
});

describe('headings of removed sections', () => {
  const html = page(
    '',
    `<article><h1>Coal plant to close</h1>${paragraphs}
      <h2>Background</h2><p>${BODY[0]!.replace('Tuesday', 'Monday')}</p>
      <h2>More on this topic</h2><div class="related-posts"><ul><li><a href="/a">Wind farm approved</a></li><li><a href="/b">Gas prices rise</a></li></ul></div>
      <h3>Share this article</h3><div class="social-share"><a href="https://facebook.com/x">Facebook</a></div>
    </article>`,
  );

  it('a short heading whose section was all removed goes with it, under the section reason', () => {
    expect(reasonOf(html, 'More on this topic')).toBe('related');
    expect(reasonOf(html, 'Share this article')).toBe('share');
  });

  it('a heading with kept text under it stays', () => {
    expect(kept(html)).toContain('Background');
  });

  it('a sentence-shaped heading stays even with nothing kept after it (interview question, standfirst)', () => {
    const q = page('', `<article>${paragraphs}<h3>What will happen to the workers?</h3><div class="newsletter-signup"><p>Sign up</p></div></article>`);
    expect(kept(q)).toContain('What will happen to the workers?');
  });
});

describe('photo credits and figure legends', () => {
  const figure = (caption: string) => page('', `<article>${paragraphs.slice(0, -1)}<figure><img src="a.jpg"><figcaption>${caption}</figcaption></figure>${paragraphs}</article>`);

  it('a caption with a photo credit goes as caption-credit', () => {
    for (const caption of [
      'The plant at dusk. © Jane Doe',
      'The plant at dusk. Foto: dpa/Jane Doe',
      'The plant at dusk. (REUTERS/Jane Doe)',
      'The plant at dusk. Photo: Getty Images',
    ]) {
      expect(reasonOf(figure(caption), caption), caption).toBe('caption-credit');
    }
  });

  it('a plain caption stays, as a caption block', () => {
    const ex = extractHtml(figure('The plant at dusk, seen from the river.'));
    expect(ex.blocks.find((b) => b.text === 'The plant at dusk, seen from the river.')?.kind).toBe('caption');
  });

  it('a figure legend ("Abbildung 4:") and a short line ending in a copyright notice go; prose mentioning © does not', () => {
    const legend = 'Abbildung 4: klassische Schwachschicht.';
    const notice = 'Alle Inhalte dieser Seite © Example Verlag 2020';
    const prose = `${BODY[0]} The symbol © marks a copyright claim, the court noted in a long and detailed ruling that ran to many pages and covered every aspect of the case, including the history of the plant and its many owners over the decades.`;
    const html = page('', `<article>${paragraphs}<p>${legend}</p><p>${notice}</p><p>${prose}</p></article>`);
    expect(reasonOf(html, legend)).toBe('caption-credit');
    expect(reasonOf(html, notice)).toBe('caption-credit');
    expect(kept(html)).toContain(prose);
  });
});

describe('teaser lists marked up as <article>', () => {
  it('a related-posts wrapper holding teaser <article>s is still removed', () => {
    const teaser = 'Last year the same council voted to keep the plant open, a decision it has now reversed after a long debate.';
    const html = page('', `<main><article class="post">${paragraphs}</article><div id="related_posts"><ul><li><article class="post_teaser"><h4>Council keeps plant</h4><p>${teaser}</p></article></li></ul></div></main>`);
    expect(reasonOf(html, teaser)).toBe('related');
    expect(kept(html)).toEqual(BODY);
  });

  it('a sidebar-named layout wrapper that holds the article proper is not cut', () => {
    const html = page('', `<div class="page-with-sidebar"><article>${paragraphs}</article><aside><p>Weather</p></aside></div>`);
    expect(kept(html)).toEqual(BODY);
  });
});

describe('property: article paragraphs survive the furniture around them', () => {
  const sentence = fc
    .array(fc.constantFrom('council', 'plant', 'workers', 'voted', 'the', 'region', 'decision', 'would', 'said', 'energy', 'winter', 'court'), { minLength: 14, maxLength: 30 })
    .map((ws) => `${ws.join(' ').replace(/^./, (c) => c.toUpperCase())}.`);
  const furniture = fc.constantFrom(
    '<div class="share"><a href="https://twitter.com/x">Tweet</a></div>',
    '<figure><img src="a.jpg"><figcaption>The plant. © Jane Doe</figcaption></figure>',
    '<h3>Related</h3><ul class="related"><li><a href="/a">Other story</a></li></ul>',
    '<div class="newsletter"><h4>Newsletter</h4><p>Sign up now</p></div>',
    '<p class="byline">By Jane Doe</p>',
  );

  it('every body paragraph is kept, whatever furniture is mixed in', () => {
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 3, maxLength: 8 }), fc.array(furniture, { maxLength: 6 }), fc.boolean(), (paras, extras, withLead) => {
        const parts = paras.map((p) => `<p>${p}</p>`);
        extras.forEach((x, i) => parts.splice((i * 3) % (parts.length + 1), 0, x));
        const header = withLead ? `<header><h1>Title</h1><p class="lead">${LEAD}</p></header>` : '';
        const html = page('', `<nav><a href="/">Home</a></nav><article>${header}<div class="body">${parts.join('')}</div></article><footer>© Example</footer>`);
        const texts = kept(html);
        for (const p of paras) expect(texts).toContain(p);
        if (withLead) expect(texts).toContain(LEAD);
        expect(texts).not.toContain('Sign up now');
      }),
      { numRuns: 150 },
    );
  });
});

describe('link clusters inside the article', () => {
  const teasers = [1, 2, 3, 4]
    .map((n) => `<li><h4><a href="/story-${n}">Council approves budget number ${n} for the new year</a></h4><p>Short excerpt ${n}</p></li>`)
    .join('');

  it('a teaser list inside the body (links and short excerpts, no prose) goes as a whole', () => {
    const html = page('', `<article><div class="body">${paragraphs}<ul class="more">${teasers}</ul>${paragraphs}</div></article>`);
    const ex = extractHtml(html);
    expect(ex.blocks.map((b) => b.text)).toEqual([...BODY, ...BODY]);
    expect(ex.removed.find((r) => r.text === 'Short excerpt 2')?.reason).toBe('link-list');
  });

  it('a list of linked sources with one prose item stays', () => {
    const prose = 'The full report of the council, with the votes of every member and the minutes of the debate, is available online.';
    const html = page('', `<article><div class="body">${paragraphs}<ul class="sources">${teasers}<li>${prose}</li></ul></div></article>`);
    expect(kept(html)).toContain(prose);
    expect(kept(html)).toContain('Short excerpt 2');
  });
});

describe('article rendered client-side from a script template', () => {
  const template = `<div class="post"><h3>Coal plant to close</h3><div class="post-body">${paragraphs}</div></div>`;

  it('when the DOM holds next to nothing, the template\'s extraction stands in, with offsets into the page', () => {
    const html = page('', `<div id="blog"><p>Loading…</p></div><script type="text/template">${template}</script>`);
    const ex = extractHtml(html);
    expect(ex.blocks.map((b) => b.text)).toEqual(BODY);
    expect(ex.meta['usedScriptTemplate']).toBe(true);
    expect(ex.removed).toContainEqual(expect.objectContaining({ text: 'Loading…', reason: 'superseded-by-template' }));
    for (const b of ex.blocks) expect(html.slice(b.source.start, b.source.end)).toContain(b.text.split(' ')[0]);
  });

  it('a page whose DOM has the article ignores its widget templates', () => {
    const html = page('', `<article>${paragraphs}</article><script type="text/template"><div class="tpl"><p>${'Template text of a comment widget that is much longer than it needs to be. '.repeat(30)}</p></div></script>`);
    const ex = extractHtml(html);
    expect(ex.blocks.map((b) => b.text)).toEqual(BODY);
    expect(ex.meta['usedScriptTemplate']).toBeUndefined();
  });
});

describe('widgets marked up on an inline element', () => {
  it('a paragraph whose whole text sits in a widget-classed span takes the widget reason', () => {
    const rating = 'Was this article useful? (95 votes: 4.7 of 5)';
    const html = page('', `<article>${paragraphs}<p><span class="post-ratings">${rating}</span></p><p>An ordinary closing line with a <span class="post-ratings-note">rating</span> word.</p></article>`);
    expect(reasonOf(html, rating)).toBe('share');
    // The hint of an inline element inside a longer block says nothing about the block.
    expect(kept(html)).toContain('An ordinary closing line with a rating word.');
  });
});
