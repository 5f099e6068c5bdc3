/**
 * HTML building blocks that escape by default. Scraped content is hostile:
 * every interpolated value is escaped unless it is already `SafeHtml` built
 * by these helpers, so no page template can forget to escape.
 */
import { createHash } from 'node:crypto';

export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(v: Interpolation): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.html;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** Tagged template: literal parts are trusted markup, interpolations are escaped. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Markup built by our own code from escaped parts (e.g. SVG charts). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * A URL from content is usable as a link only when it is absolute http(s);
 * `javascript:`, `data:`, relative and malformed URLs are shown as text.
 */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
}

/** An external link from content: http(s) only, never passes the report's location on. */
export function contentLink(url: string | null | undefined, label?: string): SafeHtml {
  const href = safeHref(url);
  if (!href) return html`<span class="url-text">${url ?? ''}</span>`;
  return html`<a href="${href}" rel="noopener noreferrer" target="_blank" referrerpolicy="no-referrer">${label ?? url}</a>`;
}

/**
 * File name for a per-document or per-cluster page. Ids from the writers are
 * already filename-safe; anything else (or a name the report uses itself:
 * `index`, `list-N`) gets a hash so a
 * hostile id can never address a path outside its folder.
 */
export function pageFileName(id: string): string {
  if (/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,150}$/.test(id) && !/^(index|list-\d+)$/.test(id)) return `${id}.html`;
  return `x-${createHash('sha256').update(id).digest('hex').slice(0, 20)}.html`;
}

/** Relative link to a page file, safe inside an attribute and a URL. */
export function pageHref(dir: string, id: string): string {
  return `${dir}${encodeURIComponent(pageFileName(id))}`;
}

export interface ShellOptions {
  title: string;
  /** `index`, `doc` or `cluster`: selects the client behaviour. */
  page: string;
  /** Path from this page to the report root, `` or `../`. */
  root: string;
  nonce: string;
  /** data-* attributes for the client script (escaped). */
  data?: Record<string, string>;
  body: SafeHtml;
}

/**
 * The Content-Security-Policy of every page: nothing loads or runs except our
 * own stylesheet and the script carrying this build's nonce (and the data
 * chunks that script adds, via 'strict-dynamic'). No inline script, no inline
 * style, no form submission, no network.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ');
}

export function pageShell(o: ShellOptions): string {
  const data = Object.entries(o.data ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(o.nonce)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title}</title>
<link rel="stylesheet" href="${o.root}assets/report.css">
</head>
<body data-page="${o.page}" data-root="${o.root}"${data}>
${o.body}
<div id="review-bar" class="review-bar" hidden>
  <span id="review-count">0 review decisions</span>
  <button type="button" id="review-export">Export decisions (JSON)</button>
  <button type="button" id="review-clear">Clear</button>
  <span class="keys">keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous item · <kbd>n</kbd>/<kbd>p</kbd> next/previous page · <kbd>x</kbd> mark current wrong · <kbd>u</kbd> index</span>
</div>
<script nonce="${o.nonce}" src="${o.root}assets/report.js"></script>
</body>
</html>
`.html;
}
