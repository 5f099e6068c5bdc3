/**
 * What an element's tag, role and class/id say about it. Class and id values
 * are split into parts (`entry-content` → `entry`, `content`) so a short hint
 * like `nav` or `ad` does not fire inside `canvas` or `header`.
 */
import type { Element } from 'domhandler';

/** Boilerplate reason codes an element can earn from its markup alone. */
export type HintReason =
  | 'navigation'
  | 'share'
  | 'follow'
  | 'comment-form'
  | 'comments'
  | 'related'
  | 'cookie'
  | 'newsletter'
  | 'advert'
  | 'sidebar'
  | 'footer'
  | 'header'
  | 'breadcrumb'
  | 'byline'
  | 'post-meta'
  | 'hidden'
  | 'form';

/** Tags whose text is never article text (scripts, controls, embedded media). */
export const INVISIBLE_TAGS = new Set([
  'head', 'script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'embed', 'canvas',
  'button', 'select', 'option', 'optgroup', 'textarea', 'input', 'datalist', 'video', 'audio', 'map', 'link', 'meta',
]);

/** Tags that end a line of text: the block structure of the page. */
export const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html',
  'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th',
  'thead', 'tr', 'ul', 'frameset', 'frame', 'noframes',
]);

const HEADING_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

const TAG_REASONS: Record<string, HintReason> = {
  nav: 'navigation',
  aside: 'sidebar',
  footer: 'footer',
  header: 'header',
  menu: 'navigation',
};

const ROLE_REASONS: Record<string, HintReason> = {
  navigation: 'navigation',
  banner: 'header',
  contentinfo: 'footer',
  complementary: 'sidebar',
  menu: 'navigation',
  menubar: 'navigation',
  search: 'navigation',
  dialog: 'cookie',
  alertdialog: 'cookie',
};

/** Class/id words that name a widget anywhere inside a part (`sharedaddy`, `commentlist`). */
const SUBSTRING_HINTS: Array<[RegExp, HintReason]> = [
  [/breadcrumb|crumbs/, 'breadcrumb'],
  [/comment|disqus|respond|reply|replies|discussion/, 'comments'],
  [/share|sharing|sharer|social|sociable|addthis|shariff|addtoany|printfriendly/, 'share'],
  [/related|recommend|readmore|youmaylike|outbrain|taboola|morestories|alsoread|teaser-list|popular|trending|mostread/, 'related'],
  // `cmp-` alone is Adobe AEM's component prefix (cmp-text, cmp-container): only consent-manager boxes count.
  [/cookie|consent|gdpr|cmp-?(?:box|banner|wrapper|consent|layer|modal|popup|overlay)|privacy-banner/, 'cookie'],
  [/newsletter|subscribe|subscription|signup|mailchimp|optin/, 'newsletter'],
  [/advert|sponsor|adsense|adslot|adunit|dfp-|banner/, 'advert'],
  [/sidebar|(?<!elementor-)widget|sidecol|rightcol|leftcol|marginalia/, 'sidebar'],
  [/footer|colophon|copyright|siteinfo|site-info/, 'footer'],
  [/navbar|navigation|menu|pagination|pager|skiplink|skip-link|topnav|subnav|mainnav|sitenav/, 'navigation'],
  [/masthead|topbar|site-header|siteheader/, 'header'],
  [/byline|author-?bio|about-?author|author-?box|author-info|saboxplugin/, 'byline'],
  [/postmeta|post-meta|entry-meta|entry-utility|entry-footer|tagcloud|tag-list|taglist|post-tags|categories|postinfo/, 'post-meta'],
  [/follow-?us|followus/, 'follow'],
  [/post-?ratings|star-?rating|rating-?widget/, 'share'],
  [/(?<!has-)paywall(?![-_]?(?:container|content|article|body))|paidbox|premium-?teaser|plus-?teaser/, 'advert'],
  [/disclosure|affiliate/, 'advert'],
  [/recirculation|next-?post|prev-?post|nextstory|previous-?post/, 'related'],
  [/(?:^|[-_])cta(?:\d|[-_]|$)|call-?to-?action/, 'advert'],
];

/** All substring hints at once: most class names match none, and one test rules them out. */
const ANY_SUBSTRING_HINT = new RegExp(SUBSTRING_HINTS.map(([re]) => re.source).join('|'));

/** Class/id parts that must match whole (too short to search inside words). */
const PART_HINTS: Record<string, HintReason> = {
  nav: 'navigation',
  ad: 'advert',
  ads: 'advert',
  tags: 'post-meta',
  meta: 'post-meta',
  header: 'header',
  footer: 'footer',
  print: 'share',
  rss: 'follow',
  login: 'navigation',
  search: 'navigation',
  toolbar: 'navigation',
  tools: 'share',
  author: 'byline',
};

/** Whole class tokens that hide an element (a part like Drupal's `field--label-hidden` hides only a label). */
const HIDDEN_TOKENS = new Set(['hidden', 'd-none', 'is-hidden', 'hide', 'visually-hidden', 'sr-only', 'screen-reader-text']);

/** Class/id words that mark the main content. */
const POSITIVE_HINT = /(^|[-_ ])(article|articlebody|article-body|content|entry|entry-content|post|post-body|post-content|story|story-body|text|body|main|blog|hentry|single|blogpost|rich-text|prose|news)([-_ ]|$)/;

/** Parts that override a header/footer hint: the article's own header holds its title. */
const CONTENT_SCOPED = /^(entry|article|post|story|content|page)[-_](header|title|head)/;

export function classAndId(el: Element): string {
  const c = el.attribs['class'] ?? '';
  const id = el.attribs['id'] ?? '';
  return `${c} ${id}`.toLowerCase().trim();
}

/** Negative hint for an element, or null. */
export function hintReason(el: Element): HintReason | null {
  const tag = el.name;
  const attribs = el.attribs;
  if ('hidden' in attribs) return 'hidden';
  const style = attribs['style'];
  if (style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return 'hidden';
  // A heading names its section; the widget (if any) is the element around it. Its own class or id
  // ("nav_chapter_1" anchors, "card-header" questions) says nothing about the text.
  if (HEADING_TAGS.has(tag)) return null;
  const role = attribs['role']?.toLowerCase();
  if (role && ROLE_REASONS[role]) return ROLE_REASONS[role]!;
  if (tag === 'form') {
    return 'form';
  }
  const fromTag = TAG_REASONS[tag];
  const names = classAndId(el);
  if (names) {
    const anySubstring = ANY_SUBSTRING_HINT.test(names);
    for (const token of names.split(/\s+/)) {
      if (HIDDEN_TOKENS.has(token)) return 'hidden';
      if (CONTENT_SCOPED.test(token)) continue;
      if (anySubstring) for (const [re, reason] of SUBSTRING_HINTS) if (re.test(token)) return reason;
      for (const part of token.split(/[-_]+/)) {
        const r = PART_HINTS[part];
        if (r) return r;
      }
    }
  }
  return fromTag ?? null;
}

/** Positive content hint: `<article>`, `<main>`, schema.org articleBody, content-ish class names. */
export function positiveHint(el: Element): number {
  let score = 0;
  if (el.name === 'article') score += 2;
  if (el.name === 'main' || el.attribs['role'] === 'main') score += 1;
  const itemprop = el.attribs['itemprop']?.toLowerCase() ?? '';
  if (itemprop.includes('articlebody') || itemprop === 'text' || itemprop === 'reviewbody') score += 3;
  const names = classAndId(el);
  if (names && POSITIVE_HINT.test(names)) score += 1;
  return score;
}
