/**
 * htmlparser2 keeps its open-element stack with `Array#unshift`, so parse time
 * grows with the square of the nesting depth (100,000 unclosed `<div>`s take
 * seconds; a million would take minutes). Before parsing, one linear scan
 * estimates the depth; if it exceeds the limit, tags opened beyond it are
 * dropped (their text stays), which bounds the parse. Offsets into the
 * rewritten string then no longer match the input, so the caller marks the
 * extraction as degraded.
 */

/** Elements that close themselves or are implied-closed by a sibling: they do not deepen the tree. */
const NON_NESTING = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'param',
  'p', 'li', 'dt', 'dd', 'option', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'rt', 'rp', 'optgroup',
]);
/** Elements whose content is raw text: skip to their closing tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript']);

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*>|<!--[\s\S]*?-->/g;

/** Maximum depth reached, estimated from tags (self-closing `/>` counts as closed). */
export function estimateDepth(html: string): number {
  return scan(html, Infinity).maxDepth;
}

/** Drop tags beyond `limit` levels. Returns the input unchanged when it never gets that deep. */
export function limitNesting(html: string, limit: number): { html: string; changed: boolean; maxDepth: number } {
  const first = scan(html, Infinity);
  if (first.maxDepth <= limit) return { html, changed: false, maxDepth: first.maxDepth };
  const second = scan(html, limit);
  return { html: second.out!, changed: true, maxDepth: first.maxDepth };
}

function scan(html: string, limit: number): { maxDepth: number; out?: string } {
  const rewrite = Number.isFinite(limit);
  const parts: string[] = [];
  let last = 0;
  let depth = 0;
  let maxDepth = 0;
  TAG.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TAG.exec(html))) {
    const closing = m[1] === '/';
    const name = m[2]?.toLowerCase();
    if (!name) continue; // comment
    if (!closing && RAW_TEXT.has(name)) {
      const closer = new RegExp(`</${name}`, 'gi');
      closer.lastIndex = TAG.lastIndex;
      const found = closer.exec(html);
      TAG.lastIndex = found ? found.index : html.length;
      continue;
    }
    if (NON_NESTING.has(name) || m[0].endsWith('/>')) continue;
    let drop = false;
    if (closing) {
      drop = depth > limit;
      depth = Math.max(0, depth - 1);
    } else {
      depth++;
      if (depth > maxDepth) maxDepth = depth;
      drop = depth > limit;
    }
    if (rewrite && drop) {
      parts.push(html.slice(last, m.index));
      last = TAG.lastIndex;
    }
  }
  if (!rewrite) return { maxDepth };
  parts.push(html.slice(last));
  return { maxDepth, out: parts.join('') };
}
