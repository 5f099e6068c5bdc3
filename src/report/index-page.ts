/** The run summary page (report/index.html) and the static cluster list pages. */
import { barChart, binnedCounts, type Bar } from './charts.ts';
import { html, pageHref, pageShell, type SafeHtml } from './html.ts';
import { shellData, type PageContext } from './pages.ts';
import { isObj, type ReportSetAside } from './read.ts';

/** Bins of the flag confidence chart; the last edge is above 1 so that a confidence of 1 is counted. */
export const CONFIDENCE_EDGES: readonly number[] = [0, 0.2, 0.4, 0.6, 0.8, 1.0001];

/** One row of the document table (also the unit of the lazily loaded data chunks). */
export interface TableRow {
  id: string;
  href: string;
  title: string;
  source: string;
  lang: string;
  paragraphs: number;
  removed: number;
  /** Share of text removed, in thousandths (integers keep the data files small). */
  removedPermille: number;
  flags: number;
  kinds: string[];
  /** Kept paragraphs that belong to a near-duplicate cluster. */
  clusterParas: number;
  date: string;
}

/** Field order of a row in the data chunks; report.js reads rows by these positions. */
export const ROW_FIELDS = ['id', 'href', 'title', 'source', 'lang', 'paragraphs', 'removed', 'removedPermille', 'flags', 'kinds', 'clusterParas', 'date'] as const;

export function rowToArray(r: TableRow): unknown[] {
  return ROW_FIELDS.map((f) => (f === 'kinds' ? r.kinds.join(' ') : r[f]));
}

export interface ClusterSummary {
  id: string;
  size: number;
  docs: number;
  canonical: string;
}

export interface Aggregates {
  documents: number;
  paragraphs: number;
  removedByReason: Map<string, number>;
  flagsByKind: Map<string, number>;
  /** Flags per confidence bin (CONFIDENCE_EDGES). */
  flagConfidenceBins: number[];
  languages: Map<string, number>;
  setAsideTotal: number;
  setAsideByReason: Map<string, number>;
  setAsideShown: ReportSetAside[];
  clusters: ClusterSummary[];
  /** Lines of the output files the report could not parse. */
  problems: string[];
}

export const PAGE_SIZE = 100;
export const LIST_LIMIT = 200;
export const CLUSTER_LIST_PAGE = 500;

const bars = (m: Map<string, number>): Bar[] => [...m].map(([label, value]) => ({ label, value }));
type Obj = Record<string, unknown>;

/** Flatten run.json counts one level deep (`removed.share: 3`) for the summary list. */
function flatCounts(counts: unknown): Array<[string, string]> {
  if (!isObj(counts)) return [];
  return Object.entries(counts).flatMap(([k, v]): Array<[string, string]> =>
    isObj(v) ? Object.entries(v).map(([k2, v2]) => [`${k} · ${k2}`, isObj(v2) || Array.isArray(v2) ? JSON.stringify(v2) : String(v2)]) : [[k, Array.isArray(v) ? JSON.stringify(v) : String(v)]],
  );
}

export function docTableRow(r: TableRow): SafeHtml {
  return html`<tr data-id="${r.id}"><td><a href="${r.href}">${r.id}</a></td><td class="title">${r.title}</td><td>${r.lang}</td><td class="num">${r.paragraphs}</td><td class="num">${r.removed}</td><td class="num">${(r.removedPermille / 10).toFixed(1)}%</td><td class="num">${r.flags}</td><td class="kinds">${r.kinds.join(' ')}</td><td class="num">${r.clusterParas}</td></tr>`;
}

function runErrors(run: Obj): Array<{ source: string; where: string; message: string }> {
  const list = Array.isArray(run.errors) ? run.errors : [];
  return list.filter(isObj).map((e) => ({
    source: String(e.source ?? ''),
    where: [e.stage, e.line !== undefined ? `line ${String(e.line)}` : null].filter(Boolean).join(', '),
    message: String(e.message ?? ''),
  }));
}

function reviewSummary(run: Obj): SafeHtml {
  const stages = run.stages;
  const fromStages = isObj(stages) ? stages.review : Array.isArray(stages) ? undefined : undefined;
  const summaries = isObj(run.summaries) ? run.summaries.review : undefined;
  const review = fromStages ?? summaries ?? run.review;
  if (!isObj(review)) return html``;
  const unmatched = Array.isArray(review.unmatched) ? review.unmatched.filter(isObj) : [];
  return html`<section id="review-summary"><h2>Review decisions applied in this run</h2>
<pre class="json">${JSON.stringify({ files: review.files, rejections: review.rejections, applied: review.applied }, null, 2)}</pre>
${unmatched.length ? html`<p class="warning">${unmatched.length} decisions matched nothing in this run (text changed or document gone):</p><ul>${unmatched.slice(0, LIST_LIMIT).map((u) => html`<li>${String(u.type)} ${String(u.doc)} ${String(u.key)}: <q>${String(u.text)}</q></li>`)}</ul>` : ''}
</section>`;
}

export function renderIndexPage(run: Obj, agg: Aggregates, firstRows: TableRow[], chunkCount: number, clusterListPages: number, ctx: PageContext): string {
  const errors = runErrors(run);
  const tool = isObj(run.tool) ? run.tool : {};
  const config = isObj(run.config) ? run.config : {};
  const info: Array<[string, unknown]> = [
    ['tool', [tool.name, tool.version].filter(Boolean).join(' ')],
    ['input', run.input],
    ['output', run.output],
    ['config', [config.file ?? 'defaults (no config file)', config.hash ? `sha256 ${String(config.hash).slice(0, 16)}…` : null].filter(Boolean).join(' · ')],
    ['concurrency', run.concurrency],
    ['started', run.startedAt],
    ['finished', run.finishedAt],
    ['seconds', run.seconds],
  ];
  const clusterSizes = new Map<string, number>();
  for (const c of agg.clusters) clusterSizes.set(String(c.size), (clusterSizes.get(String(c.size)) ?? 0) + 1);
  const sizeBars = [...clusterSizes].sort((a, b) => Number(a[0]) - Number(b[0])).map(([label, value]) => ({ label: `${label} members`, value }));
  const langOptions = [...agg.languages.keys()].sort();
  const kindOptions = [...agg.flagsByKind.keys()].sort();
  const topClusters = [...agg.clusters].sort((a, b) => b.size - a.size || a.id.localeCompare(b.id)).slice(0, LIST_LIMIT);
  const removedTotal = [...agg.removedByReason.values()].reduce((s, v) => s + v, 0);
  const flagsTotal = [...agg.flagsByKind.values()].reduce((s, v) => s + v, 0);

  const body = html`<header class="top"><h1>newsclean run report</h1>
<dl class="runinfo">${info.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => html`<dt>${k}</dt><dd>${typeof v === 'string' || typeof v === 'number' ? v : JSON.stringify(v)}</dd>`)}</dl>
</header>
<main>
<section id="summary"><h2>Summary</h2>
<p class="headline">${isObj(run.counts) && typeof run.counts.inputs === 'number' ? html`<strong>${run.counts.inputs}</strong> input files · ` : ''}<strong>${agg.documents}</strong> documents · <strong>${agg.paragraphs}</strong> paragraphs kept · <strong>${removedTotal}</strong> blocks removed · <strong>${flagsTotal}</strong> flags · <strong>${agg.clusters.length}</strong> clusters · <strong>${agg.setAsideTotal}</strong> set aside · <strong>${errors.length}</strong> failed inputs</p>
<details><summary>All counts from run.json</summary><table class="meta">${flatCounts(run.counts).map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</table></details>
<div class="charts">
${barChart('Removed blocks by reason', bars(agg.removedByReason), { max: 16 })}
${barChart('Flags by kind', bars(agg.flagsByKind), { max: 16 })}
${barChart('Flags by confidence', binnedCounts(agg.flagConfidenceBins, CONFIDENCE_EDGES, (lo, hi) => `${lo.toFixed(1)}–${Math.min(hi, 1).toFixed(1)}`), { sort: false })}
${barChart('Languages', bars(agg.languages))}
${barChart('Clusters by size', sizeBars, { sort: false, max: 15 })}
${barChart('Set aside by reason', bars(agg.setAsideByReason))}
</div>
${agg.problems.length ? html`<div class="warning"><h3>Problems reading the output folder (${agg.problems.length})</h3><ul>${agg.problems.slice(0, LIST_LIMIT).map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}
</section>
${reviewSummary(run)}
<section id="set-aside"><h2>Set-aside documents (${agg.setAsideTotal})</h2>
${agg.setAsideTotal ? html`<table class="list"><thead><tr><th>document</th><th>source</th><th>reason</th><th>detail</th></tr></thead><tbody>${agg.setAsideShown.map((s) => html`<tr><td>${s.id}</td><td>${s.source}</td><td class="reason">${s.reason}</td><td>${s.detail}</td></tr>`)}</tbody></table>${agg.setAsideTotal > agg.setAsideShown.length ? html`<p class="muted">${agg.setAsideTotal - agg.setAsideShown.length} more in set-aside.jsonl</p>` : ''}` : html`<p class="muted">none</p>`}
</section>
<section id="failed"><h2>Failed inputs (${errors.length})</h2>
${errors.length ? html`<table class="list"><thead><tr><th>input</th><th>where</th><th>error</th></tr></thead><tbody>${errors.slice(0, LIST_LIMIT).map((e) => html`<tr><td>${e.source}</td><td>${e.where}</td><td>${e.message}</td></tr>`)}</tbody></table>${errors.length > LIST_LIMIT ? html`<p class="muted">${errors.length - LIST_LIMIT} more in run.json</p>` : ''}` : html`<p class="muted">none</p>`}
</section>
<section id="pending-review" hidden><h2>Your review decisions (<span id="pending-count">0</span>, kept in this browser until exported)</h2>
<p class="muted">Export them with the button at the bottom and list the file under <code>review.decisions</code> in pipeline.config.ts; later runs then honour them.</p>
<table class="list"><thead><tr><th>type</th><th>document</th><th>kind / reason / cluster</th><th>text</th><th>note</th><th></th></tr></thead><tbody id="pending-rows"></tbody></table>
</section>
<section id="documents"><h2>Documents (${agg.documents})</h2>
<div class="controls" id="doc-controls">
<label>id <input type="search" id="f-id" placeholder="part of an id"></label>
<label>language <select id="f-lang"><option value="">any</option>${langOptions.map((l) => html`<option value="${l}">${l}</option>`)}</select></label>
<label>flags <select id="f-flags"><option value="">any</option><option value="with">with flags</option><option value="without">without flags</option>${kindOptions.map((k) => html`<option value="kind:${k}">kind ${k}</option>`)}</select></label>
<label>text removed ≥ <select id="f-removed"><option value="0">0%</option><option value="100">10%</option><option value="250">25%</option><option value="500">50%</option><option value="750">75%</option></select></label>
<label>clusters <select id="f-cluster"><option value="">any</option><option value="in">in a cluster</option><option value="none">in no cluster</option></select></label>
<span id="table-status" class="muted" aria-live="polite"></span>
</div>
<table class="docs" id="doc-table" data-total="${agg.documents}" data-chunks="${chunkCount}" data-page-size="${PAGE_SIZE}">
<thead><tr>
<th><button type="button" data-sort="id">id</button></th><th>title</th><th><button type="button" data-sort="lang">lang</button></th><th><button type="button" data-sort="paragraphs">paragraphs</button></th><th><button type="button" data-sort="removed">removed</button></th><th><button type="button" data-sort="removedPermille">text removed</button></th><th><button type="button" data-sort="flags">flags</button></th><th>flag kinds</th><th><button type="button" data-sort="clusterParas">in clusters</button></th>
</tr></thead>
<tbody id="doc-rows">${firstRows.map(docTableRow)}</tbody>
</table>
<nav class="pager"><button type="button" id="page-prev">← previous page</button> <span id="page-info">page 1 of ${Math.max(1, Math.ceil(agg.documents / PAGE_SIZE))}</span> <button type="button" id="page-next">next page →</button></nav>
</section>
<section id="clusters"><h2>Clusters (${agg.clusters.length})</h2>
${topClusters.length ? html`<table class="list"><thead><tr><th>cluster</th><th>members</th><th>documents</th><th>canonical text</th></tr></thead><tbody>${topClusters.map((c) => html`<tr><td><a href="${pageHref('clusters/', c.id)}">${c.id}</a></td><td class="num">${c.size}</td><td class="num">${c.docs}</td><td>${c.canonical.length > 160 ? `${c.canonical.slice(0, 159)}…` : c.canonical}</td></tr>`)}</tbody></table>
${clusterListPages > 0 ? html`<p>All clusters: ${Array.from({ length: clusterListPages }, (_, i) => html`<a href="clusters/list-${i + 1}.html">${i + 1}</a> `)}</p>` : ''}` : html`<p class="muted">none</p>`}
</section>
</main>`;
  return pageShell({ title: 'newsclean run report', page: 'index', root: '', nonce: ctx.nonce, data: shellData(ctx), body });
}

/** Static pages listing every cluster (the index shows only the largest). */
export function renderClusterListPage(clusters: ClusterSummary[], page: number, pages: number, ctx: PageContext): string {
  const body = html`<header class="top"><nav class="docnav"><a href="../index.html#clusters" rel="index" id="nav-index">index</a>${page > 1 ? html` <a href="list-${page - 1}.html" rel="prev" id="nav-prev">← previous</a>` : ''}${page < pages ? html` <a href="list-${page + 1}.html" rel="next" id="nav-next">next →</a>` : ''}</nav><h1>Clusters, page ${page} of ${pages}</h1></header>
<main><table class="list"><thead><tr><th>cluster</th><th>members</th><th>documents</th><th>canonical text</th></tr></thead><tbody>${clusters.map((c) => html`<tr><td><a href="${pageHref('', c.id)}">${c.id}</a></td><td class="num">${c.size}</td><td class="num">${c.docs}</td><td>${c.canonical.length > 160 ? `${c.canonical.slice(0, 159)}…` : c.canonical}</td></tr>`)}</tbody></table></main>`;
  return pageShell({ title: `Clusters ${page}/${pages} — newsclean`, page: 'list', root: '../', nonce: ctx.nonce, data: shellData(ctx), body });
}
