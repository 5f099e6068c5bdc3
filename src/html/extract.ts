/**
 * DOM-aware main-content extraction.
 *
 * The page is parsed once (htmlparser2, the parser under cheerio) and walked
 * once into text blocks; every visible block is either kept or listed under
 * `removed` with a reason, so nothing leaves silently. The main content is the
 * container where the page's prose concentrates: starting at <body> we descend
 * into the child that holds most of the "good" text (long, punctuated, few
 * links) until the text splits among several children. Widgets recognised by
 * tag, ARIA role or class/id (navigation, share, comments, related, cookie,
 * newsletter …) are cut out wherever they are, unless they hold most of the
 * page's prose (a theme that puts `sidebar-left` on the page wrapper must not
 * lose the article).
 *
 * Around the container, in this order: the article's lead is looked for just
 * before it (`findLead`); photo credits and figure legends go
 * (`isPictureFurniture`); a block holding the page's own summary
 * (og:description) is kept wherever it sits; link clusters inside the article
 * go as a whole (`dropLinkClusters`); short headings left without their section
 * follow it (`dropOrphanHeadings`). Pages rendered from JSON-LD articleBody or an
 * HTML script template fall back to that when the DOM holds next to nothing.
 *
 * Guard rails: input above `maxInputChars` is refused with an error; the DOM
 * is flattened below `maxDepth` (a 100,000-deep nesting becomes text under one
 * element) so no recursive walk here or in cheerio can overflow the stack.
 */
import { parseDocument } from 'htmlparser2';
import { Text, type AnyNode, type Document, type Element, type ParentNode } from 'domhandler';
import type { BlockKind } from '../core/types.ts';
import { limitNesting } from './nesting.ts';
import { BLOCK_TAGS, INVISIBLE_TAGS, classAndId, hintReason, positiveHint, type HintReason } from './hints.ts';

export interface ExtractedBlock {
  kind: BlockKind;
  text: string;
  /** Character offsets into the html string (first to last text node of the block). */
  source: { start: number; end: number };
}

export interface ExtractedRemoval extends ExtractedBlock {
  reason: string;
}

export interface Extraction {
  blocks: ExtractedBlock[];
  removed: ExtractedRemoval[];
  meta: { title?: string; date?: string; url?: string; lang?: string; [k: string]: unknown };
  /** All visible text, one block per line, nothing removed (what a naive scraper saves). */
  rawText: string;
}

export interface HtmlExtractOptions {
  /** Elements deeper than this are flattened into one text node (stack safety). */
  maxDepth: number;
  /** Larger inputs are refused with an error (the runner records it for the file). */
  maxInputChars: number;
  /**
   * A child that holds at least this share of its parent's good text is
   * descended into when looking for the main container. Higher = stop higher
   * up the tree = more recall, less precision.
   */
  descendShare: number;
  /** A widget element holding more than this share of the page's prose is kept (it is the page wrapper). */
  widgetGuardShare: number;
  /** Blocks whose link text exceeds this share are removed as link lists (unless they read as prose). */
  maxLinkDensity: number;
  /** A sibling of the main container holding at least this share of its prose joins it (articles split into sections). */
  siblingShare: number;
}

export const DEFAULT_HTML_EXTRACT_OPTIONS: HtmlExtractOptions = {
  maxDepth: 400,
  maxInputChars: 64 * 1024 * 1024,
  descendShare: 0.85,
  widgetGuardShare: 0.4,
  maxLinkDensity: 0.5,
  siblingShare: 0.05,
};

export class HtmlExtractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HtmlExtractError';
  }
}

interface RawBlock extends ExtractedBlock {
  /** Innermost block-level element holding the text. */
  owner: ParentNode;
  /** Innermost element holding all of the block's text (the owner, or an inline element inside it such as a span). */
  inner: ParentNode;
  linkChars: number;
  /** Text length that counts as prose evidence for container scoring. */
  weight: number;
}

const KIND_BY_TAG: Record<string, BlockKind> = {
  h1: 'heading', h2: 'heading', h3: 'heading', h4: 'heading', h5: 'heading', h6: 'heading',
  li: 'list-item', dt: 'list-item', dd: 'list-item',
  blockquote: 'quote',
  figcaption: 'caption', caption: 'caption',
  td: 'table', th: 'table',
  pre: 'preformatted',
};

/** Replace the children of every element at `maxDepth` by their text, iteratively. Returns true if anything was flattened. */
function boundDepth(root: Document, maxDepth: number): boolean {
  let flattened = false;
  const stack: Array<[ParentNode, number]> = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth >= maxDepth) {
      const text = collectTextIteratively(node);
      const t = new Text(text);
      t.parent = node;
      t.startIndex = node.startIndex;
      t.endIndex = node.endIndex;
      node.children = [t];
      flattened = true;
      continue;
    }
    for (const child of node.children) {
      if ('children' in child) stack.push([child as ParentNode, depth + 1]);
    }
  }
  return flattened;
}

function collectTextIteratively(node: ParentNode): string {
  const parts: string[] = [];
  const stack: AnyNode[] = [...node.children].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'text') parts.push((n as Text).data);
    else if ('children' in n) {
      const el = n as Element;
      if (el.name && INVISIBLE_TAGS.has(el.name)) continue;
      if (el.name && BLOCK_TAGS.has(el.name)) parts.push('\n');
      for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]!);
    }
  }
  return parts.join('');
}

/** Walk the tree once and cut it into text blocks, in document order. */
function collectBlocks(root: ParentNode): RawBlock[] {
  const blocks: RawBlock[] = [];
  let parts: string[] = [];
  let linkChars = 0;
  let start = -1;
  let end = -1;
  let pre = false;

  let firstText: Text | null = null;
  let lastText: Text | null = null;
  const flush = (owner: ParentNode, kind: BlockKind) => {
    if (!parts.length) return;
    const joined = parts.join('');
    parts = [];
    const text = normalizeBlockText(joined, pre);
    if (text) {
      const inner = firstText && lastText ? commonParent(firstText, lastText, owner) : owner;
      blocks.push({ kind, text, source: { start: Math.max(0, start), end: Math.max(start, end) }, owner, inner, linkChars: Math.min(linkChars, text.length), weight: 0 });
    }
    linkChars = 0;
    start = -1;
    end = -1;
    firstText = null;
    lastText = null;
  };

  const visit = (node: ParentNode, owner: ParentNode, kind: BlockKind, inLink: boolean) => {
    for (const child of node.children) {
      if (child.type === 'text') {
        const data = (child as Text).data;
        if (!pre && !/\S/.test(data)) {
          if (parts.length) parts.push(' ');
          continue;
        }
        parts.push(pre ? data : data.replace(/\s+/g, ' '));
        if (inLink) linkChars += data.trim().length;
        if (start < 0) start = child.startIndex ?? -1;
        firstText ??= child as Text;
        lastText = child as Text;
        end = child.endIndex != null ? child.endIndex + 1 : end;
        continue;
      }
      if (child.type !== 'tag' && child.type !== 'script' && child.type !== 'style') continue;
      const el = child as Element;
      const tag = el.name;
      if (INVISIBLE_TAGS.has(tag)) continue;
      if (tag === 'br') {
        parts.push('\n');
        continue;
      }
      if (BLOCK_TAGS.has(tag)) {
        flush(owner, kind);
        const childKind = KIND_BY_TAG[tag] ?? (kind === 'quote' || kind === 'caption' || kind === 'preformatted' || kind === 'list-item' || kind === 'table' ? kind : 'paragraph');
        const wasPre = pre;
        if (tag === 'pre') pre = true;
        visit(el, el, childKind, inLink);
        flush(el, childKind);
        pre = wasPre;
        continue;
      }
      visit(el, owner, kind, inLink || tag === 'a');
    }
  };
  visit(root, root, 'paragraph', false);
  flush(root, 'paragraph');
  return blocks;
}

/** The innermost element containing both text nodes, not above `owner`. */
function commonParent(first: Text, last: Text, owner: ParentNode): ParentNode {
  const up = new Set<ParentNode>();
  for (let n = first.parent as ParentNode | null; n && n !== owner; n = n.parent as ParentNode | null) up.add(n);
  for (let n = last.parent as ParentNode | null; n && n !== owner; n = n.parent as ParentNode | null) if (up.has(n)) return n;
  return owner;
}

function normalizeBlockText(s: string, pre: boolean): string {
  const lines = s.split('\n').map((l) => (pre ? l.replace(/\s+$/, '') : l.replace(/[ \t\f\r\u00a0]+/g, ' ').trim()));
  const kept = pre ? lines : lines.filter((l) => l.length > 0);
  return kept.join('\n').replace(/^\n+|\n+$/g, '');
}

/** How much a block counts as prose when choosing the main container. */
function proseWeight(b: RawBlock): number {
  const len = b.text.length;
  if (len < 20) return 0;
  const linkDensity = b.linkChars / len;
  if (linkDensity > 0.5) return 0;
  let w = len * (1 - linkDensity) * (1 - linkDensity);
  if (/[.!?…:"”»)]$/.test(b.text)) w *= 1.5;
  if (b.kind === 'list-item' || b.kind === 'table') w *= 0.5;
  return w;
}

function ancestors(node: ParentNode | null, stop: ParentNode | null): ParentNode[] {
  const out: ParentNode[] = [];
  for (let n: ParentNode | null = node; n && n !== stop; n = n.parent as ParentNode | null) out.push(n);
  return out;
}

function isElement(n: ParentNode): n is Element {
  return n.type === 'tag' || n.type === 'script' || n.type === 'style';
}

const ARTICLE_SELECTORS = (el: Element) => el.name === 'article' || el.name === 'main' || el.attribs['role'] === 'main' || (el.attribs['itemprop'] ?? '').toLowerCase().includes('articlebody');

/**
 * Every element that has an <article>, <main> or articleBody below it holding
 * at least `minMass` of prose: one walk, then up from each hit. (Teaser lists
 * mark each teaser up as an <article>; those hold little prose.)
 */
function articleAncestors(root: ParentNode, mass: Map<ParentNode, number>, minMass: number): Set<ParentNode> {
  const out = new Set<ParentNode>();
  const stack: AnyNode[] = [...root.children];
  while (stack.length) {
    const n = stack.pop()!;
    if (!isElementNode(n)) continue;
    if (ARTICLE_SELECTORS(n) && (mass.get(n) ?? 0) >= minMass) {
      for (let p = n.parent as ParentNode | null; p && !out.has(p); p = p.parent as ParentNode | null) out.add(p);
    }
    for (const c of n.children) stack.push(c);
  }
  return out;
}

function insideArticle(el: Element): boolean {
  for (let p = el.parent; p; p = p.parent) {
    if (isElement(p as ParentNode) && ARTICLE_SELECTORS(p as Element)) return true;
  }
  return false;
}

/** Share of the page's prose an <article> must hold to spare the widget-named wrappers around it. */
const ARTICLE_MIN_SHARE = 0.2;

/** A block reads as prose: enough words and a sentence end (a news paragraph full of links is still prose). */
function readsAsProse(text: string): boolean {
  const words = text.split(/\s+/).length;
  return words >= 12 && /[.!?…"”»)]$/.test(text);
}

export function extractHtml(html: string, options: Partial<HtmlExtractOptions> = {}): Extraction {
  const opts = { ...DEFAULT_HTML_EXTRACT_OPTIONS, ...options };
  if (typeof html !== 'string') throw new HtmlExtractError('extractHtml expects a string');
  if (html.length > opts.maxInputChars) {
    throw new HtmlExtractError(`page of ${html.length} characters exceeds maxInputChars (${opts.maxInputChars})`);
  }
  const nesting = limitNesting(html, opts.maxDepth);
  const dom = parseDocument(nesting.html, { withStartIndices: true, withEndIndices: true, decodeEntities: true });
  // The pre-scan is an estimate (implied end tags); flattening the parsed tree is the guarantee.
  const flattened = boundDepth(dom, opts.maxDepth);
  const { meta, body: bodyEl, templates } = readMeta(dom);
  if (nesting.changed || flattened) {
    meta['degraded'] = `nesting deeper than ${opts.maxDepth} levels (about ${nesting.maxDepth}) was flattened${nesting.changed ? '; source offsets are approximate' : ''}`;
  }

  const body: ParentNode = bodyEl ?? dom;
  const all = collectBlocks(body);
  const rawText = all.map((b) => b.text).join('\n');

  // Prose mass of every element (each block counts for all its ancestors).
  const rawMass = new Map<ParentNode, number>();
  let totalMass = 0;
  for (const b of all) {
    b.weight = proseWeight(b);
    if (!b.weight) continue;
    totalMass += b.weight;
    for (const a of ancestors(b.owner, body.parent as ParentNode | null)) rawMass.set(a, (rawMass.get(a) ?? 0) + b.weight);
  }

  // Widgets: an element with a negative hint is cut out unless it holds a large share (40 %) of the prose.
  const holdsArticle = articleAncestors(body, rawMass, ARTICLE_MIN_SHARE * totalMass);
  const widgetCache = new Map<ParentNode, HintReason | null>();
  const widgetOf = (el: ParentNode): HintReason | null => {
    let r = widgetCache.get(el);
    if (r !== undefined) return r;
    r = null;
    if (isElement(el)) {
      let hint = hintReason(el);
      // An article's own <header> holds its title, standfirst and lead, not site chrome.
      if (hint === 'header' && insideArticle(el)) hint = null;
      // A layout wrapper named after its sidebar ("pagebody--with-sidebar") that holds the article is not the sidebar.
      if (hint && hint !== 'hidden' && holdsArticle.has(el)) hint = null;
      if (hint && (rawMass.get(el) ?? 0) <= opts.widgetGuardShare * totalMass) r = hint;
      else if (hint === 'form' && !(rawMass.get(el) ?? 0)) r = hint;
    }
    widgetCache.set(el, r);
    return r;
  };
  /** Innermost widget reason on the path from the block to the body (outermost wins: a share bar inside comments is comments). */
  const widgetReason = (b: RawBlock): HintReason | null => {
    let found: HintReason | null = null;
    for (const a of ancestors(b.inner, body)) {
      const r = widgetOf(a);
      if (r) found = r;
    }
    return found;
  };

  const reasons = all.map(widgetReason);
  const goodMass = new Map<ParentNode, number>();
  const goodCount = new Map<ParentNode, number>();
  all.forEach((b, i) => {
    if (!b.weight || reasons[i]) return;
    for (const a of ancestors(b.owner, body.parent as ParentNode | null)) {
      goodMass.set(a, (goodMass.get(a) ?? 0) + b.weight);
      goodCount.set(a, (goodCount.get(a) ?? 0) + 1);
    }
  });

  const container = chooseContainer(body, goodMass, goodCount, opts.descendShare);
  // Articles split into sibling sections (intro, chapters) : siblings with a fair share of prose belong too.
  const chosen = new Set<ParentNode>([container]);
  if (container !== body && container.parent) {
    const mass = goodMass.get(container) ?? 0;
    for (const sib of container.parent.children) {
      if (!('children' in sib) || sib === container) continue;
      const m = goodMass.get(sib as ParentNode) ?? 0;
      if (m > 0 && m >= opts.siblingShare * mass) chosen.add(sib as ParentNode);
    }
  }
  const inContainer = (b: RawBlock) => container === body || ancestors(b.owner, body.parent as ParentNode | null).some((a) => chosen.has(a));
  const inside = all.map(inContainer);
  const lead = container === body ? new Set<number>() : findLead(all, reasons, inside, container, body);

  // Removal reason per block (null = kept).
  const verdicts: Array<string | null> = all.map((b, i) => {
    if (lead.has(i)) return null;
    if (reasons[i]) return reasons[i];
    if (!inside[i]) return 'outside-main';
    const linkDensity = b.linkChars / b.text.length;
    if (linkDensity > opts.maxLinkDensity && !readsAsProse(b.text)) return 'link-list';
    return null;
  });
  all.forEach((b, i) => {
    if (!verdicts[i] && isPictureFurniture(b)) verdicts[i] = 'caption-credit';
  });
  // The page's own summary (og:description) marks its lead wherever the layout put it.
  const summary = typeof meta['description'] === 'string' ? summaryProbe(meta['description']) : null;
  if (summary) {
    all.forEach((b, i) => {
      if (verdicts[i] && verdicts[i] !== 'hidden' && matchesSummary(b.text, summary)) verdicts[i] = null;
    });
  }
  dropLinkClusters(all, verdicts, container, body);
  dropOrphanHeadings(all, verdicts);

  const blocks: ExtractedBlock[] = [];
  const removed: ExtractedRemoval[] = [];
  all.forEach((b, i) => {
    const out: ExtractedBlock = { kind: b.kind, text: b.text, source: b.source };
    const verdict = verdicts[i];
    if (verdict) removed.push({ ...out, reason: verdict });
    else blocks.push(out);
  });

  // JSON-LD articleBody rescues pages whose DOM text is script-rendered or hidden.
  const ldBody = typeof meta['articleBody'] === 'string' ? (meta['articleBody'] as string) : '';
  const keptChars = blocks.reduce((n, b) => n + b.text.length, 0);
  if (ldBody.length > 200 && keptChars < ldBody.length * 0.25) {
    const src = (meta['articleBodySource'] as { start: number; end: number } | undefined) ?? { start: 0, end: 0 };
    // The few DOM blocks were placeholders ("Loading…") or chrome: they stay visible under removed.
    for (const b of blocks.splice(0)) removed.push({ ...b, reason: 'superseded-by-articleBody' });
    removed.sort((a, b) => a.source.start - b.source.start);
    for (const para of ldBody.split(/\n\s*\n|\n/)) {
      const text = para.replace(/\s+/g, ' ').trim();
      if (text) blocks.push({ kind: 'paragraph', text, source: src });
    }
    meta['usedJsonLdArticleBody'] = true;
  } else {
    templateFallback(templates, blocks, removed, keptChars, meta, opts);
  }
  delete meta['articleBodySource'];
  return { blocks, removed, meta, rawText };
}

/** Script types that carry HTML for the browser to render (Blogger dynamic views, Backbone/Angular templates). */
const TEMPLATE_SCRIPT_TYPES = new Set(['text/template', 'text/html', 'text/x-template', 'text/ng-template']);
/** Shortest template text (characters of extracted article text) that may stand in for the page. */
const TEMPLATE_MIN_CHARS = 500;

/**
 * Pages that render their article client-side from an HTML template in a
 * script element: when the DOM kept less than a quarter of the text the
 * largest template yields, the template's extraction replaces it (the DOM
 * blocks stay listed under removed, as with JSON-LD articleBody).
 */
function templateFallback(templates: Element[], blocks: ExtractedBlock[], removed: ExtractedRemoval[], keptChars: number, meta: Extraction['meta'], opts: HtmlExtractOptions): void {
  let best: Text | null = null;
  for (const el of templates) {
    const t = el.children.find((c): c is Text => c.type === 'text');
    if (t && t.data.length > (best?.data.length ?? 0)) best = t;
  }
  if (!best || best.data.length < TEMPLATE_MIN_CHARS) return;
  const prefix = '<html><body>';
  const inner = extractHtml(`${prefix}${best.data}</body></html>`, opts);
  const innerChars = inner.blocks.reduce((n, b) => n + b.text.length, 0);
  if (innerChars < TEMPLATE_MIN_CHARS || keptChars >= innerChars * 0.25) return;
  const shift = (best.startIndex ?? 0) - prefix.length;
  const moved = (b: ExtractedBlock) => ({ ...b, source: { start: Math.max(0, b.source.start + shift), end: Math.max(0, b.source.end + shift) } });
  for (const b of blocks.splice(0)) removed.push({ ...b, reason: 'superseded-by-template' });
  for (const r of inner.removed) removed.push({ ...moved(r), reason: r.reason });
  removed.sort((a, b) => a.source.start - b.source.start);
  for (const b of inner.blocks) blocks.push(moved(b));
  meta['usedScriptTemplate'] = true;
}

/** Shortest page summary worth matching (shorter ones are slogans, not leads). */
const SUMMARY_MIN_CHARS = 60;

/** The start of the page summary, normalised, without a trailing ellipsis (summaries are often cut). */
function summaryProbe(description: string): string | null {
  const d = description.replace(/\s+/g, ' ').replace(/\s*(?:…|\.\.\.|\[…\])\s*$/u, '').trim().toLowerCase();
  return d.length >= SUMMARY_MIN_CHARS ? d : null;
}

/** A block that holds the summary's opening, or that the summary quotes in large part. */
function matchesSummary(text: string, summary: string): boolean {
  const t = text.replace(/\s+/g, ' ').trim().toLowerCase();
  if (t.length < SUMMARY_MIN_CHARS / 2) return false;
  return t.includes(summary.slice(0, 80)) || (t.length >= 0.5 * summary.length && summary.includes(t));
}

function headingLevel(b: RawBlock): number {
  return isElement(b.owner) && /^h[1-6]$/.test(b.owner.name) ? Number(b.owner.name[1]) : 7;
}

/**
 * A kept heading whose section (the blocks up to the next heading of the same
 * or a higher level) has no kept block left titles something that was cut:
 * "Related articles" over a removed teaser list, "Comments" over removed
 * comments, a dangling "Share this" at the end. It goes with its section, under
 * the reason of the section's first removed block.
 */
/** Fewest blocks an element needs before its link density is judged as a whole. */
const CLUSTER_MIN_BLOCKS = 3;
/** Link share above which an element inside the article without prose is a link cluster. */
const CLUSTER_LINK_DENSITY = 0.5;

/**
 * Teaser lists and link boxes inside the article (Readability's "clean
 * conditionally"): an element below the container whose kept blocks are
 * mostly link text and none of which reads as prose goes as a whole. The
 * per-block link test misses the short excerpts between the links.
 */
function dropLinkClusters(all: RawBlock[], verdicts: Array<string | null>, container: ParentNode, body: ParentNode): void {
  const stats = new Map<ParentNode, { chars: number; links: number; blocks: number; prose: number }>();
  all.forEach((b, i) => {
    if (verdicts[i] && verdicts[i] !== 'link-list') return;
    const up = ancestors(b.owner, body);
    const depth = up.indexOf(container);
    if (depth < 0) return;
    const prose = readsAsProse(b.text) && b.linkChars / b.text.length < 0.3 ? 1 : 0;
    for (const a of up.slice(0, depth)) {
      const s = stats.get(a) ?? { chars: 0, links: 0, blocks: 0, prose: 0 };
      s.chars += b.text.length;
      s.links += b.linkChars;
      s.blocks++;
      s.prose += prose;
      stats.set(a, s);
    }
  });
  const clusters = new Set<ParentNode>();
  for (const [el, s] of stats) if (s.blocks >= CLUSTER_MIN_BLOCKS && !s.prose && s.links > CLUSTER_LINK_DENSITY * s.chars) clusters.add(el);
  if (!clusters.size) return;
  all.forEach((b, i) => {
    if (!verdicts[i] && ancestors(b.owner, body).some((a) => clusters.has(a))) verdicts[i] = 'link-list';
  });
}

/** Section titles of widgets are short ("Related articles", "Mehr zum Thema"). */
const ORPHAN_HEADING_MAX_WORDS = 8;

function dropOrphanHeadings(all: RawBlock[], verdicts: Array<string | null>): void {
  for (let i = all.length - 1; i >= 0; i--) {
    const h = all[i]!;
    // A long or sentence-shaped heading is a standfirst or a question of an interview: content in itself.
    if (h.kind !== 'heading' || verdicts[i] || h.text.split(/\s+/).length > ORPHAN_HEADING_MAX_WORDS || /[.!?…]$/.test(h.text)) continue;
    const level = headingLevel(h);
    let keptBelow = false;
    let firstReason: string | null = null;
    for (let j = i + 1; j < all.length; j++) {
      const b = all[j]!;
      if (b.kind === 'heading' && headingLevel(b) <= level) break;
      if (!verdicts[j]) {
        keptBelow = true;
        break;
      }
      firstReason ??= verdicts[j]!;
    }
    if (!keptBelow) verdicts[i] = firstReason ?? 'outside-main';
  }
}

/** How far above the main container the article's lead may sit (header > intro > p). */
const LEAD_SCOPE_LEVELS = 3;
/** How many blocks before the container are searched for the lead (a share bar alone is a dozen; the scope is the real bound). */
const LEAD_WINDOW = 30;

/**
 * The lead (standfirst, teaser, "chapô") often sits in the article's header, a
 * sibling of the body container with too little prose to join it, and is lost
 * as `outside-main`. Walk back from the first block of the container while the
 * blocks stay within a few levels of it, past bylines, dates, share bars and
 * asides of the article, up to the headline; keep the blocks there that read as
 * prose (never captions). Leaving the article's scope ends the walk.
 */
function findLead(all: RawBlock[], reasons: Array<HintReason | null>, inside: boolean[], container: ParentNode, body: ParentNode): Set<number> {
  const out = new Set<number>();
  const first = all.findIndex((_, i) => inside[i] && !reasons[i]);
  if (first <= 0) return out;
  let scope = container;
  for (let k = 0; k < LEAD_SCOPE_LEVELS && scope.parent && scope.parent !== body; k++) scope = scope.parent as ParentNode;
  for (let j = first - 1; j >= 0 && j >= first - LEAD_WINDOW; j--) {
    const b = all[j]!;
    const r = reasons[j];
    if (!ancestors(b.owner, body).includes(scope)) break;
    if (isElement(b.owner) && b.owner.name === 'h1') break;
    if (r && r !== 'header') continue;
    if (b.kind !== 'caption' && !inFigure(b.owner) && readsAsLead(b)) out.add(j);
  }
  return out;
}

/**
 * A photo credit in a caption: a copyright sign, a "Foto:"/"Photo:"/"Quelle:"
 * label, a picture agency, or an "(author/agency)" pair at the end. The
 * credit marks the block as picture furniture (the brief lists photo credits
 * as boilerplate); the whole caption goes under `caption-credit`.
 */
const PHOTO_CREDIT = new RegExp(
  [
    '©|\\(c\\)\\s[^()]{2,40}$',
    '(?:^|[\\s(.|])(?:foto|fotos|photo|photos|bild|bilder|quelle|credit|credits|image|imagen|kuva|zdjęcie|fot\\.|source|crédit|crédits|fonte|foto\\s?credit|bildquelle|copyright)\\s?:',
    '\\b(?:getty\\s?images|shutterstock|istock(?:photo)?|stock\\.adobe|adobe\\s?stock|unsplash|pixabay|pexels|fotolia|clipdealer|pixelio|thinkstock|imago|picture[\\s-]alliance|keystone|dpa|afp|reuters|epa|ap\\s?photo)\\b',
    '\\([^()]{2,60}\\/[^()]{2,60}\\)\\s*$',
  ].join('|'),
  'iu',
);

/** A copyright sign with a name or year after it, at the end of a block. */
const TRAILING_COPYRIGHT = /©[^©]{1,80}$/u;
/** A figure label opening a block ("Abbildung 4:", "Fig. 2:"). */
const FIGURE_LABEL = /^(?:abbildung|abb\.|figure|fig\.|grafik|illustration|schaubild)\s*\d*[a-z]?\s*:/iu;
/** Longest block (in words) that the credit and figure-label shapes may remove outside captions. */
const FURNITURE_MAX_WORDS = 50;

/** A caption with a photo credit, a short block ending in a copyright notice, or a figure legend. */
function isPictureFurniture(b: RawBlock): boolean {
  if (isCaptionLike(b) && PHOTO_CREDIT.test(b.text)) return true;
  if (b.text.split(/\s+/).length > FURNITURE_MAX_WORDS) return false;
  return TRAILING_COPYRIGHT.test(b.text) || FIGURE_LABEL.test(b.text);
}

/** Class/id names of caption elements: `wp-caption-text`, `media-caption`, `imagedescription`, `img-metadata`, `bildtext`. */
const CAPTION_NAMES = /caption|credit|bildunterschrift|bildtext|legende?\b|(?:image|img|photo|foto|bild|picture|media)[-_]?(?:desc|text|title|subtitle|meta|info|source)/;

/** A caption block, or a block in a figure or in an element named as a caption or credit (`wp-caption-text`, `media-caption`). */
function isCaptionLike(b: RawBlock): boolean {
  if (b.kind === 'caption') return true;
  let n: ParentNode | null = b.owner;
  for (let k = 0; n && k < 4; k++, n = n.parent as ParentNode | null) {
    if (!isElement(n)) break;
    if (n.name === 'figure' || n.name === 'figcaption') return true;
    if (CAPTION_NAMES.test(classAndId(n))) return true;
  }
  return false;
}

function inFigure(node: ParentNode): boolean {
  for (let n: ParentNode | null = node; n; n = n.parent as ParentNode | null) if (isElement(n) && n.name === 'figure') return true;
  return false;
}

/** A standfirst: a sentence or two of prose, few links. */
function readsAsLead(b: RawBlock): boolean {
  if (b.linkChars / b.text.length > 0.25) return false;
  const words = b.text.split(/\s+/).length;
  const cjk = /[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]/.test(b.text);
  if (cjk) return b.text.length >= 30;
  return words >= 8 && (words >= 12 || /[.!?…:"”»)]$/.test(b.text));
}

/** Descend from the body into the child holding most of the good text while it holds `share` of it. */
function chooseContainer(body: ParentNode, goodMass: Map<ParentNode, number>, goodCount: Map<ParentNode, number>, share: number): ParentNode {
  let current = body;
  for (;;) {
    const total = goodMass.get(current) ?? 0;
    if (!total) return current;
    let best: ParentNode | null = null;
    let bestMass = 0;
    for (const c of current.children) {
      if (!('children' in c)) continue;
      const m = goodMass.get(c as ParentNode) ?? 0;
      if (m > bestMass) {
        bestMass = m;
        best = c as ParentNode;
      }
    }
    // A single prose block is not a container: its siblings (links, lists, captions) belong with it.
    if (!best || (goodCount.get(best) ?? 0) < 2) return current;
    const hinted = isElement(best) && positiveHint(best) >= 2;
    if (bestMass >= share * total || (hinted && bestMass >= 0.5 * total)) current = best;
    else return current;
  }
}

/**
 * Page metadata from one walk over the tree (og/meta tags, <title>, <time>,
 * <html lang>, JSON-LD articleBody). A walk instead of several cheerio
 * selector queries: each query scans the whole page, and this runs per page.
 */
function readMeta(dom: Document): { meta: Extraction['meta']; body: Element | null; templates: Element[] } {
  const meta: Extraction['meta'] = {};
  const metaContent = new Map<string, string>();
  let titleText: string | undefined;
  let h1Text: string | undefined;
  let timeAttr: string | undefined;
  let htmlLang: string | undefined;
  let canonical: string | undefined;
  let body: Element | null = null;
  const ldScripts: Element[] = [];
  const templates: Element[] = [];
  const stack: AnyNode[] = [...dom.children].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (!isElementNode(n)) continue;
    const a = n.attribs;
    switch (n.name) {
      case 'html':
        htmlLang ??= a['lang'] || a['xml:lang'];
        break;
      case 'body':
        body ??= n;
        break;
      case 'meta': {
        const key = (a['property'] ?? a['name'] ?? a['itemprop'] ?? a['http-equiv'] ?? '').toLowerCase();
        if (key && a['content'] && !metaContent.has(key)) metaContent.set(key, a['content'].trim());
        break;
      }
      case 'link':
        if (a['rel']?.toLowerCase() === 'canonical' && a['href']) canonical ??= a['href'].trim();
        break;
      case 'title':
        titleText ??= textOf(n).trim() || undefined;
        break;
      case 'h1':
        h1Text ??= textOf(n).trim() || undefined;
        break;
      case 'time':
        if (a['datetime']) timeAttr ??= a['datetime'].trim();
        break;
      case 'script':
        if (a['type']?.toLowerCase() === 'application/ld+json') ldScripts.push(n);
        else if (TEMPLATE_SCRIPT_TYPES.has(a['type']?.toLowerCase() ?? '')) templates.push(n);
        continue;
    }
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  const title = metaContent.get('og:title') || titleText || h1Text;
  if (title) meta.title = title.replace(/\s+/g, ' ');
  const date = metaContent.get('article:published_time') || metaContent.get('date') || metaContent.get('datepublished') || timeAttr;
  if (date) meta.date = date;
  const url = canonical || metaContent.get('og:url');
  if (url) meta.url = url;
  const lang = htmlLang || metaContent.get('content-language') || metaContent.get('og:locale');
  if (lang) meta.lang = lang.replace('_', '-');
  const description = metaContent.get('og:description') || metaContent.get('description') || metaContent.get('twitter:description');
  if (description) meta['description'] = description;
  for (const el of ldScripts) {
    const text = textOf(el);
    if (!text.includes('articleBody')) continue;
    try {
      const found = findArticleBody(JSON.parse(text) as unknown);
      if (found) {
        meta['articleBody'] = found;
        meta['articleBodySource'] = { start: el.startIndex ?? 0, end: (el.endIndex ?? 0) + 1 };
        break;
      }
    } catch {
      // Malformed JSON-LD is common; the DOM extraction stands on its own.
    }
  }
  return { meta, body, templates };
}

function isElementNode(n: AnyNode): n is Element {
  return n.type === 'tag' || n.type === 'script' || n.type === 'style';
}

function textOf(n: ParentNode): string {
  return collectTextIteratively(n);
}

function findArticleBody(value: unknown, depth = 0): string | null {
  if (depth > 20 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (const v of value) {
      const r = findArticleBody(v, depth + 1);
      if (r) return r;
    }
    return null;
  }
  const rec = value as Record<string, unknown>;
  if (typeof rec['articleBody'] === 'string' && rec['articleBody'].trim()) return rec['articleBody'];
  for (const v of Object.values(rec)) {
    const r = findArticleBody(v, depth + 1);
    if (r) return r;
  }
  return null;
}
