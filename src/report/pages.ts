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

const WORD_DIFF_RE = /<p class="worddiff" data-text="([A-Za-z0-9_-]{22})">([^]*?)<\/p>/g;
const CANONICAL_RE = /<ol class="members" data-canonical="([A-Za-z0-9_-]{22})">/;

/**
 * The word diffs of a cluster page this code rendered earlier, by member text
 * key, when its canonical text is still `canonical` (null otherwise). Word
 * diffs are most of a cluster page's cost, and a cluster that gains a member
 * keeps all the others: re-rendering its page diffs only the new texts. Only
 * diffs of texts within MAX_DIFF_INPUT carry a key; their markup holds no
 * `</p>` (every text is escaped, the diff adds only <ins> and <del>).
 */
export function wordDiffsOfPage(page: string, canonical: string): Map<string, string> | null {
  const m = CANONICAL_RE.exec(page);
  if (!m || m[1] !== diffTextKey(canonical)) return null;
  const out = new Map<string, string>();
  for (const d of page.matchAll(WORD_DIFF_RE)) out.set(d[1]!, d[2]!);
  return out;
}

export function renderClusterPage(
  cluster: ReportCluster,
  memberText: (doc: string, paragraph: number) => string | null,
  nav: NavLinks,
  ctx: PageContext,
  /** Word diffs from the page's previous rendering (wordDiffsOfPage): the same bytes wordDiff would give. */
  knownDiffs: ReadonlyMap<string, string> | null = null,
): string {
  const extra = Object.entries(cluster.extra);
  // Members often repeat each other word for word: diff each distinct text once.
  const diffs = new Map<string, SafeHtml>();
  const diffOf = (text: string) => {
    let d = diffs.get(text);
    if (!d) {
      if (cluster.canonical.length + text.length > MAX_DIFF_INPUT) d = html`<p class="worddiff">${wordDiff(cluster.canonical, text)}</p>`;
      else {
        const key = diffTextKey(text);
        const known = knownDiffs?.get(key);
        d = html`<p class="worddiff" data-text="${key}">${known !== undefined ? trusted(known) : wordDiff(cluster.canonical, text)}</p>`;
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
  const members = cluster.members.map((m, i) => {
    const text = memberText(m.doc, m.paragraph);
    return html`<li class="member" id="member-${i}" tabindex="-1">
<div class="member-meta"><a href="${pageHref('../docs/', m.doc)}#p${m.paragraph}">${m.doc}</a> ¶${m.paragraph}
${text !== null ? buttonOf(m.doc, text) : ''}</div>
${text === null ? html`<p class="warning">paragraph not found in documents.jsonl</p>` : diffOf(text)}
</li>`;
  });
  const body = html`<header class="top">
<nav class="docnav"><a href="../index.html#clusters" rel="index" id="nav-index">index</a>${nav.prev ? html` <a href="${pageHref('', nav.prev)}" rel="prev" id="nav-prev">← previous cluster</a>` : ''}${nav.next ? html` <a href="${pageHref('', nav.next)}" rel="next" id="nav-next">next cluster →</a>` : ''}</nav>
<h1>Cluster ${cluster.id} <span class="muted">(${cluster.members.length} members)</span></h1>
</header>
<main>
<section><h2>Canonical text</h2><p class="canonical">${cluster.canonical}</p>
<p class="muted">chosen because: ${cluster.canonicalReason || 'not stated'}</p>
${extra.length ? html`<table class="meta">${extra.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${typeof v === 'string' ? v : JSON.stringify(v)}</td></tr>`)}</table>` : ''}</section>
<section><h2>Members, word diff against the canonical text</h2><p class="legend"><del>only in canonical</del> <ins>only in member</ins></p><ol class="members" data-canonical="${diffTextKey(cluster.canonical)}">${members}</ol></section>
</main>`;
  return pageShell({
    title: `Cluster ${cluster.id} — newsclean`,
    page: 'cluster',
    root: '../',
    nonce: ctx.nonce,
    data: shellData(ctx, { cluster: cluster.id }),
    body,
  });
}
