/** Page templates: one per document, one per cluster. The index is in index-page.ts. */
import { diffWords } from 'diff';
import { createHash } from 'node:crypto';
import { contentLink, escapeHtml, html, pageHref, pageShell, trusted, type SafeHtml } from './html.ts';
import type { ReportCluster, ReportDoc, ReportFlag, ReportParagraph, ReportRemoved } from './read.ts';

export interface NavLinks {
  prev: string | null;
  next: string | null;
}

export interface PageContext {
  nonce: string;
  /** localStorage namespace of this output folder's review. */
  reviewKey: string;
  /** run.json config hash, recorded in exported decision files. */
  configHash: string;
}

/** data-* attributes every page gives the client script. */
export function shellData(ctx: PageContext, extra: Record<string, string> = {}): Record<string, string> {
  return { review: ctx.reviewKey, 'config-hash': ctx.configHash, ...extra };
}

/**
 * Review toggle for one finding; the client stores decisions under `reviewKey`.
 * Flags and removals can be rejected for every document at once (doc `*`):
 * a phrase that is fine here is usually fine everywhere.
 */
export function reviewButton(decision: Record<string, string>, label = 'Mark wrong'): SafeHtml {
  const scope = decision.type === 'cluster-member' ? '' : html`<label class="review-scope" hidden><input type="checkbox" class="review-everywhere"> in all documents</label>`;
  return html`<span class="review"><button type="button" class="review-toggle" aria-pressed="false" data-decision="${JSON.stringify(decision)}">${label}</button><input class="review-note" type="text" placeholder="reviewer note" aria-label="reviewer note" hidden>${scope}</span>`;
}

/**
 * The "Not a copy" button of a cluster member: the markup reviewButton gives
 * for `{type: 'cluster-member', cluster, doc, text}` (a property test checks
 * it), built from the member text's escaped JSON, which a cluster page
 * computes once per distinct text (members of a wire story's cluster mostly
 * share a few texts, and escaping every text twice per member was a large
 * part of re-rendering pages of thousands of members).
 */
export function memberReviewButton(clusterId: string, doc: string, escapedTextJson: string): SafeHtml {
  const head = escapeHtml(`{"type":"cluster-member","cluster":${JSON.stringify(clusterId)},"doc":${JSON.stringify(doc)},"text":`);
  return trusted(
    `<span class="review"><button type="button" class="review-toggle" aria-pressed="false" data-decision="${head}${escapedTextJson}}">Not a copy</button><input class="review-note" type="text" placeholder="reviewer note" aria-label="reviewer note" hidden></span>`,
  );
}

/** A text as the end of memberReviewButton's decision: JSON, HTML-escaped. */
export const escapedTextJson = (text: string): string => escapeHtml(JSON.stringify(text));

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.01 ? 2 : 0)}%`;
const conf = (c: number) => c.toFixed(2);

/** Share of the document's text (kept + removed characters) that was removed. */
export function removedShare(doc: ReportDoc): number {
  const removed = doc.removed.reduce((s, r) => s + r.text.length, 0);
  const kept = doc.paragraphs.reduce((s, p) => s + p.text.length, 0);
  return removed + kept === 0 ? 0 : removed / (removed + kept);
}

type Placed = { type: 'kept'; index: number; p: ReportParagraph } | { type: 'removed'; r: ReportRemoved };

/**
 * Put removed blocks back where they were. With `seq` on paragraphs this is
 * exact; without it, kept paragraphs take the positions no removal uses, in
 * order (exact unless the reflow stage merged blocks). Removals without a
 * position are listed after the text, never dropped.
 */
export function placeBlocks(doc: ReportDoc): { placed: Placed[]; unplaced: ReportRemoved[] } {
  const withSeq = doc.removed.filter((r) => r.seq !== null);
  const unplaced = doc.removed.filter((r) => r.seq === null);
  let keptSeqs: number[];
  if (doc.paragraphs.every((p) => p.seq !== null)) keptSeqs = doc.paragraphs.map((p) => p.seq!);
  else {
    const used = new Set(withSeq.map((r) => r.seq!));
    keptSeqs = [];
    for (let s = 0; keptSeqs.length < doc.paragraphs.length; s++) if (!used.has(s)) keptSeqs.push(s);
  }
  const items: Array<Placed & { seq: number; order: number }> = [
    ...doc.paragraphs.map((p, index) => ({ type: 'kept' as const, index, p, seq: keptSeqs[index]!, order: 0 })),
    ...withSeq.map((r) => ({ type: 'removed' as const, r, seq: r.seq!, order: 1 })),
  ];
  items.sort((a, b) => a.seq - b.seq || a.order - b.order);
  return { placed: items, unplaced };
}

/** Paragraph text with flagged spans wrapped in <mark>; overlapping flags split into segments. */
export function highlightFlags(text: string, flags: Array<{ flag: ReportFlag; n: number }>): SafeHtml {
  const valid = flags.filter(({ flag }) => flag.start >= 0 && flag.end <= text.length && flag.start <= flag.end);
  const points = new Set<number>([0, text.length]);
  for (const { flag } of valid) points.add(flag.start).add(flag.end);
  const cuts = [...points].sort((a, b) => a - b);
  const out: SafeHtml[] = [];
  const pointFlags = (at: number) =>
    valid
      .filter(({ flag }) => flag.start === flag.end && flag.start === at)
      .map(({ flag, n }) => html`<mark class="flag flag-point" id="flag-${n}" data-flag="${n}" tabindex="-1" title="${flag.kind}">‸</mark>`);
  for (let i = 0; i < cuts.length - 1; i++) {
    const a = cuts[i]!;
    const b = cuts[i + 1]!;
    out.push(...pointFlags(a));
    const seg = text.slice(a, b);
    const covering = valid.filter(({ flag }) => flag.start <= a && flag.end >= b && flag.start < flag.end);
    if (!covering.length) {
      out.push(html`${seg}`);
      continue;
    }
    const starting = covering.find(({ flag }) => flag.start === a);
    const title = covering.map(({ flag }) => `${flag.kind} (${conf(flag.confidence)})${flag.suggestion !== null ? ` → ${flag.suggestion}` : ''}`).join('; ');
    out.push(
      html`<mark class="flag${covering.length > 1 ? ' flag-overlap' : ''}"${starting ? html` id="flag-${starting.n}" data-flag="${starting.n}" tabindex="-1"` : ''} title="${title}">${seg}</mark>`,
    );
  }
  out.push(...pointFlags(text.length));
  return html`${out}`;
}

function flagDetail(docId: string, flag: ReportFlag, n: number | null, text: string | null): SafeHtml {
  const mismatch = text !== null && text.slice(flag.start, flag.end) !== flag.text;
  return html`<li class="flag-detail"${n !== null ? html` id="flag-detail-${n}" data-flag-detail="${n}"` : ''}>
<span class="kind">${flag.kind}</span> <span class="confidence" title="confidence">${conf(flag.confidence)}</span>
${flag.text ? html`<q class="flag-text">${flag.text}</q>` : ''}
${flag.suggestion !== null ? html`<span class="suggestion">→ <ins>${flag.suggestion}</ins></span>` : html`<span class="muted">no suggestion</span>`}
<span class="evidence">${flag.evidence}</span> <span class="stage">${flag.stage}</span>
${mismatch ? html`<strong class="warning">offsets ${flag.start}–${flag.end} do not match the paragraph text</strong>` : ''}
${reviewButton({ type: 'flag', doc: docId, kind: flag.kind, text: flag.paragraph === null ? '' : flag.text })}
</li>`;
}

function removedBlock(docId: string, r: ReportRemoved): SafeHtml {
  return html`<div class="block removed kind-${r.kind}">
<del>${r.text}</del>
<div class="removal-meta"><span class="reason">${r.reason}</span> <span class="stage">${r.stage}</span>${r.confidence !== null ? html` <span class="confidence">${conf(r.confidence)}</span>` : ''}${r.detail ? html` <span class="detail">${r.detail}</span>` : ''}
${reviewButton({ type: 'removal', doc: docId, reason: r.reason, text: r.text })}</div>
</div>`;
}

function diffView(diffText: string | null): SafeHtml {
  if (diffText === null) return html`<p class="muted">No diff file for this document.</p>`;
  const lines = diffText.split('\n');
  const cls = (l: string) =>
    l.startsWith('+++') || l.startsWith('---') || l.startsWith('Index:') || l.startsWith('====')
      ? 'd-head'
      : l.startsWith('@@')
        ? 'd-hunk'
        : l.startsWith('+')
          ? 'd-add'
          : l.startsWith('-')
            ? 'd-del'
            : 'd-ctx';
  return html`<pre class="diff">${lines.map((l) => html`<span class="${cls(l)}">${l}</span>\n`)}</pre>`;
}

function metadataTable(doc: ReportDoc): SafeHtml {
  const rows: Array<[string, SafeHtml | string]> = [
    ['id', doc.id],
    ['source', doc.source],
    ['url', doc.url ? contentLink(doc.url) : '—'],
    ['title', doc.title ?? '—'],
    ['date', doc.date ?? '—'],
    ['language', doc.lang ?? '—'],
    ['paragraphs kept', String(doc.paragraphs.length)],
    ['blocks removed', String(doc.removed.length)],
    ['text removed', pct(removedShare(doc))],
  ];
  for (const [k, v] of Object.entries(doc.extra)) rows.push([k, typeof v === 'string' ? v : JSON.stringify(v)]);
  return html`<table class="meta">${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</table>`;
}

/**
 * A document page depends on its record and diff only. Its previous/next links
 * are added by report.js from data/columns.js (the ids in input order): a page
 * naming its neighbours would have to be rewritten whenever a document arrives
 * next to it, and incremental runs bring new documents all over the corpus.
 */
export function renderDocPage(doc: ReportDoc, diffText: string | null, ctx: PageContext): string {
  const docFlags = doc.flags.filter((f) => f.paragraph === null);
  const spanFlags = doc.flags.filter((f) => f.paragraph !== null);
  const orphanFlags = spanFlags.filter((f) => !doc.paragraphs[f.paragraph!]);
  let n = 0;
  const numbered = new Map<number, Array<{ flag: ReportFlag; n: number }>>();
  for (const flag of [...spanFlags].sort((a, b) => a.paragraph! - b.paragraph! || a.start - b.start || a.end - b.end)) {
    if (!doc.paragraphs[flag.paragraph!]) continue;
    const list = numbered.get(flag.paragraph!) ?? [];
    list.push({ flag, n: n++ });
    numbered.set(flag.paragraph!, list);
  }
  const { placed, unplaced } = placeBlocks(doc);
  const blocks = placed.map((item) => {
    if (item.type === 'removed') return removedBlock(doc.id, item.r);
    const flags = numbered.get(item.index) ?? [];
    const p = item.p;
    return html`<div class="block kept kind-${p.kind}" id="p${item.index}">
<div class="block-meta"><span class="pindex">¶${item.index}</span> <span class="kind">${p.kind}</span>${p.lang ? html` <span class="lang">${p.lang}</span>` : ''}${p.cluster ? html` <a class="cluster-link" href="${pageHref('../clusters/', p.cluster)}">cluster ${p.cluster}</a>` : ''}</div>
<p class="text">${highlightFlags(p.text, flags)}</p>
${flags.length ? html`<ul class="flags">${flags.map(({ flag, n: k }) => flagDetail(doc.id, flag, k, p.text))}</ul>` : ''}
</div>`;
  });
  const body = html`<header class="top">
<nav class="docnav" id="doc-nav"><a href="../index.html" rel="index" id="nav-index">index</a></nav>
<h1>${doc.title ?? doc.id}</h1>
</header>
<main>
<section class="doc-meta"><h2>Metadata</h2>${metadataTable(doc)}</section>
<section class="doc-flags"><h2>Document flags (${docFlags.length})</h2>
${docFlags.length ? html`<ul class="flags">${docFlags.map((f) => flagDetail(doc.id, f, null, null))}</ul>` : html`<p class="muted">none</p>`}
${orphanFlags.length ? html`<h3 class="warning">Flags pointing at a paragraph that does not exist (${orphanFlags.length})</h3><ul class="flags">${orphanFlags.map((f) => flagDetail(doc.id, f, null, null))}</ul>` : ''}
</section>
<section class="doc-body"><h2>Cleaned text with removals <span class="muted">(${doc.paragraphs.length} kept, ${doc.removed.length} removed, ${spanFlags.length} flags)</span></h2>
<p class="legend"><span class="kept-sample">kept</span> <del>removed</del> <mark class="flag">flagged</mark></p>
${blocks}
${unplaced.length ? html`<h3>Removed blocks without a recorded position</h3>${unplaced.map((r) => removedBlock(doc.id, r))}` : ''}
</section>
${doc.fixes.length ? html`<section class="doc-fixes"><h2>Automatic fixes (${doc.fixes.length})</h2><p class="muted">The text above already contains the fixed wording; the diff below shows it too.</p><ul>${doc.fixes.map((f) => html`<li class="fix"><span class="kind">${f.kind}</span> ${f.paragraph !== null ? html`<a href="#p${f.paragraph}">¶${f.paragraph}</a>` : '¶?'} <del>${f.before}</del> → <ins>${f.after}</ins> <span class="stage">${f.stage}</span></li>`)}</ul></section>` : ''}
<section class="doc-diff"><details open><summary><h2>Raw → cleaned diff</h2></summary>${diffView(diffText)}</details></section>
</main>`;
  return pageShell({
    title: `${doc.title ?? doc.id} — newsclean`,
    page: 'doc',
    root: '../',
    nonce: ctx.nonce,
    data: shellData(ctx, { doc: doc.id }),
    body,
  });
}

/** Word diff of a member against the canonical text; very long texts are shown whole instead. */
export function wordDiff(canonical: string, text: string): SafeHtml {
  if (canonical.length + text.length > MAX_DIFF_INPUT) return html`<p class="muted">too long for a word diff</p><p>${text}</p>`;
  // An exact copy (most members of a wire story's cluster): diffWords would return the text as one unchanged part.
  if (canonical === text) return html`${text}`;
  const parts = diffWords(canonical, text);
  return html`${parts.map((p) => (p.added ? html`<ins>${p.value}</ins>` : p.removed ? html`<del>${p.value}</del>` : html`${p.value}`))}`;
}

/** Longer canonical + member texts are not diffed (wordDiff shows the text whole). */
const MAX_DIFF_INPUT = 40_000;

/** Key of a text in a cluster page's markup (data-text, data-canonical): the word diffs of the page are reused by it. */
export const diffTextKey = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 22);

/**
 * Key of a member row of a cluster page (`data-member`): the row's markup is a
 * function of the member's document, paragraph and text, and of the page's
 * cluster and canonical text (checked for the whole page by rowsOfPage).
 * `textKey` is diffTextKey of the text ('missing' without one); it is
 * base64url and the paragraph a number, so the parts cannot run into each other.
 */
export const memberRowKey = (doc: string, paragraph: number, textKey: string): string => diffTextKey(`${textKey} ${paragraph} ${doc}`);

const ROW_START = Buffer.from('<li class="member" data-member="');
const ROW_END = Buffer.from('</li>');
const DIFF_START = Buffer.from('<p class="worddiff" data-text="');
const DIFF_END = Buffer.from('</p>');
const CANONICAL_START = Buffer.from('<ol class="members" data-canonical="');
const KEY_LENGTH = 22;

/** What a cluster page rendered earlier gives its next rendering: its member rows and word diffs, as bytes. */
export interface EarlierClusterPage {
  /** Member row markup (`<li …>…</li>`) by row key. */
  rows: Map<string, Buffer>;
  /** Word diff markup (inside `<p class="worddiff">`) by text key. */
  diffs: Map<string, Buffer>;
}

/**
 * The member rows and word diffs of a cluster page this code rendered
 * earlier, when its canonical text is still `canonical` (null otherwise).
 * A cluster that gains a few members keeps all the others: its page is
 * re-rendered from the earlier rows' bytes, and only new rows are templated
 * and new texts diffed (rendering every row again, and decoding and encoding
 * every page, was most of an incremental report build). Works on bytes: a row
 * and a diff hold only escaped content, so no `</li>` or `</p>` inside them
 * ends them early.
 */
export function rowsOfPage(page: Buffer, canonical: string): EarlierClusterPage | null {
  const at = page.indexOf(CANONICAL_START);
  if (at === -1) return null;
  const keyAt = at + CANONICAL_START.length;
  if (page.toString('latin1', keyAt, keyAt + KEY_LENGTH) !== diffTextKey(canonical) || page[keyAt + KEY_LENGTH] !== 0x22) return null;
  const rows = new Map<string, Buffer>();
  const diffs = new Map<string, Buffer>();
  for (let start = page.indexOf(ROW_START, keyAt); start !== -1; ) {
    const end = page.indexOf(ROW_END, start);
    if (end === -1) break;
    const rowEnd = end + ROW_END.length;
    const key = page.toString('latin1', start + ROW_START.length, start + ROW_START.length + KEY_LENGTH);
    rows.set(key, page.subarray(start, rowEnd));
    const d = page.indexOf(DIFF_START, start);
    if (d !== -1 && d < end) {
      const textKeyAt = d + DIFF_START.length;
      const inner = textKeyAt + KEY_LENGTH + 2; // after `">`
      const dEnd = page.indexOf(DIFF_END, inner);
      if (dEnd !== -1 && dEnd < end) diffs.set(page.toString('latin1', textKeyAt, textKeyAt + KEY_LENGTH), page.subarray(inner, dEnd));
    }
    start = page.indexOf(ROW_START, rowEnd);
  }
  return { rows, diffs };
}

/** Stands for the member list while the rest of a cluster page is rendered (split off again: nothing from the content follows it). */
const MEMBERS_MARK = '\u0000newsclean-members\u0000';

/**
 * A cluster page as bytes: its earlier rows reused where their key matches,
 * every other row rendered (renderClusterPage gives the same bytes as one string).
 */
export function renderClusterPageBytes(
  cluster: ReportCluster,
  memberText: (doc: string, paragraph: number) => string | null,
  nav: NavLinks,
  ctx: PageContext,
  earlier: EarlierClusterPage | null = null,
): Buffer {
  const extra = Object.entries(cluster.extra);
  // Members often repeat each other word for word: key, diff and escape each distinct text once.
  const textKeys = new Map<string, string>();
  const textKeyOf = (text: string) => {
    let k = textKeys.get(text);
    if (k === undefined) textKeys.set(text, (k = diffTextKey(text)));
    return k;
  };
  const diffs = new Map<string, SafeHtml>();
  const diffOf = (text: string) => {
    let d = diffs.get(text);
    if (!d) {
      if (cluster.canonical.length + text.length > MAX_DIFF_INPUT) d = html`<p class="worddiff">${wordDiff(cluster.canonical, text)}</p>`;
      else {
        const key = textKeyOf(text);
        const known = earlier?.diffs.get(key);
        d = html`<p class="worddiff" data-text="${key}">${known !== undefined ? trusted(known.toString('utf8')) : wordDiff(cluster.canonical, text)}</p>`;
      }
      diffs.set(text, d);
    }
    return d;
  };
  const textJson = new Map<string, string>();
  const buttonOf = (doc: string, text: string) => {
    let json = textJson.get(text);
    if (json === undefined) textJson.set(text, (json = escapedTextJson(text)));
    return memberReviewButton(cluster.id, doc, json);
  };
  const rows: Buffer[] = [];
  let pending = '';
  for (const m of cluster.members) {
    const text = memberText(m.doc, m.paragraph);
    const key = memberRowKey(m.doc, m.paragraph, text === null ? 'missing' : textKeyOf(text));
    const known = earlier?.rows.get(key);
    if (known) {
      if (pending) rows.push(Buffer.from(pending));
      pending = '';
      rows.push(known);
      continue;
    }
    pending += html`<li class="member" data-member="${key}" tabindex="-1">
<div class="member-meta"><a href="${pageHref('../docs/', m.doc)}#p${m.paragraph}">${m.doc}</a> ¶${m.paragraph}
${text !== null ? buttonOf(m.doc, text) : ''}</div>
${text === null ? html`<p class="warning">paragraph not found in documents.jsonl</p>` : diffOf(text)}
</li>`.html;
  }
  if (pending) rows.push(Buffer.from(pending));
  const body = html`<header class="top">
<nav class="docnav"><a href="../index.html#clusters" rel="index" id="nav-index">index</a>${nav.prev ? html` <a href="${pageHref('', nav.prev)}" rel="prev" id="nav-prev">← previous cluster</a>` : ''}${nav.next ? html` <a href="${pageHref('', nav.next)}" rel="next" id="nav-next">next cluster →</a>` : ''}</nav>
<h1>Cluster ${cluster.id} <span class="muted">(${cluster.members.length} members)</span></h1>
</header>
<main>
<section><h2>Canonical text</h2><p class="canonical">${cluster.canonical}</p>
<p class="muted">chosen because: ${cluster.canonicalReason || 'not stated'}</p>
${extra.length ? html`<table class="meta">${extra.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${typeof v === 'string' ? v : JSON.stringify(v)}</td></tr>`)}</table>` : ''}</section>
<section><h2>Members, word diff against the canonical text</h2><p class="legend"><del>only in canonical</del> <ins>only in member</ins></p><ol class="members" data-canonical="${diffTextKey(cluster.canonical)}">${trusted(MEMBERS_MARK)}</ol></section>
</main>`;
  const page = pageShell({
    title: `Cluster ${cluster.id} — newsclean`,
    page: 'cluster',
    root: '../',
    nonce: ctx.nonce,
    data: shellData(ctx, { cluster: cluster.id }),
    body,
  });
  // The last mark is ours: content (escaped, but free to hold the mark's characters) only comes before the member list.
  const cut = page.lastIndexOf(MEMBERS_MARK);
  return Buffer.concat([Buffer.from(page.slice(0, cut)), ...rows, Buffer.from(page.slice(cut + MEMBERS_MARK.length))]);
}

/** A cluster page rendered from scratch, as a string. */
export function renderClusterPage(
  cluster: ReportCluster,
  memberText: (doc: string, paragraph: number) => string | null,
  nav: NavLinks,
  ctx: PageContext,
): string {
  return renderClusterPageBytes(cluster, memberText, nav, ctx, null).toString('utf8');
}
