/**
 * Bytes → text. Scraped dumps come in whatever encoding the site used, so
 * HTML declares its charset (BOM, `<meta charset>`, `http-equiv`); text and
 * JSONL are UTF-8 unless a BOM says otherwise. Undecodable bytes become
 * U+FFFD and are counted, never silently dropped.
 */
import iconv from 'iconv-lite';

export interface Decoded {
  text: string;
  /** Encoding actually used (iconv-lite / WHATWG name). */
  charset: string;
  /**
   * Where the charset came from: a byte order mark, a meta declaration, the
   * UTF-8 default, or the windows-1252 fallback for undeclared 8-bit text.
   */
  charsetSource: 'bom' | 'meta' | 'default' | 'fallback';
  /** Bytes (UTF-8) or undecodable sequences (legacy charsets) replaced by U+FFFD. */
  replaced: number;
  /** A declared charset we could not use (unknown label), kept for the record. */
  unknownCharset?: string;
}

/** How far into an HTML document a `<meta charset>` is looked for (the WHATWG prescan reads 1024 bytes; pages in the wild put it later). */
const META_SNIFF_BYTES = 4096;

function bomCharset(buf: Uint8Array): { charset: string; length: number } | null {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { charset: 'utf-8', length: 3 };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { charset: 'utf-16le', length: 2 };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { charset: 'utf-16be', length: 2 };
  return null;
}

/** The charset an HTML head declares: XML declaration, `<meta charset=…>` or `<meta http-equiv content="…; charset=…">`. */
export function declaredHtmlCharset(buf: Uint8Array): string | null {
  const head = Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.length, META_SNIFF_BYTES)).toString('latin1');
  for (const meta of head.match(/<meta\b[^>]*>/gi) ?? []) {
    const m = /charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)/i.exec(meta);
    if (m?.[1]) return m[1].toLowerCase();
  }
  // XHTML pages may declare it only in the XML declaration.
  const xml = /^\s*<\?xml\b[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_:.+-]+)["']/i.exec(head);
  if (xml?.[1]) return xml[1].toLowerCase();
  return null;
}

/**
 * Map a declared label to the decoder to use, following the WHATWG Encoding
 * standard where browsers deliberately differ from the label (latin-1 and
 * ASCII pages are really windows-1252; gb2312 pages use GBK; a page cannot
 * really be UTF-16 if its ASCII meta tag was readable).
 */
function effectiveCharset(label: string): string | null {
  const l = label.toLowerCase();
  if (['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'us-ascii', 'ascii', 'l1', 'cp819'].includes(l)) return 'windows-1252';
  if (['gb2312', 'gb_2312-80', 'x-gbk', 'chinese'].includes(l)) return 'gbk';
  if (l.startsWith('utf-16') || l === 'unicode') return 'utf-8';
  if (l === 'utf8') return 'utf-8';
  return iconv.encodingExists(l) ? l : null;
}

/**
 * Bytes that are not part of a well-formed UTF-8 sequence (what a decoder
 * replaces with U+FFFD), and how many well-formed multi-byte sequences there
 * are (real UTF-8 text has some; legacy 8-bit text has none).
 */
export function utf8Stats(buf: Uint8Array): { invalid: number; multibyte: number } {
  let invalid = 0;
  let multibyte = 0;
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else {
      invalid++;
      i++;
      continue;
    }
    let cp = b & (0xff >> (need + 2));
    let ok = i + need < n;
    for (let k = 1; ok && k <= need; k++) {
      const c = buf[i + k]!;
      if ((c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
      multibyte++;
      i += need + 1;
    } else {
      invalid++;
      i++;
    }
  }
  return { invalid, multibyte };
}

export function countInvalidUtf8(buf: Uint8Array): number {
  return utf8Stats(buf).invalid;
}

function countReplacementChars(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\uFFFD'); i !== -1; i = s.indexOf('\uFFFD', i + 1)) n++;
  return n;
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Decode UTF-8 bytes, counting the bytes that had to be replaced. */
export function decodeUtf8(buf: Uint8Array): { text: string; replaced: number } {
  const text = utf8.decode(buf);
  // Fast path: no U+FFFD in the output means nothing was replaced.
  return { text, replaced: text.includes('\uFFFD') ? countInvalidUtf8(buf) : 0 };
}

export function decodeBytes(buf: Uint8Array, opts: { html: boolean }): Decoded {
  const bom = bomCharset(buf);
  if (bom) {
    const body = buf.subarray(bom.length);
    if (bom.charset === 'utf-8') return { ...decodeUtf8(body), charset: 'utf-8', charsetSource: 'bom' };
    const text = iconv.decode(Buffer.from(body), bom.charset);
    return { text, charset: bom.charset, charsetSource: 'bom', replaced: countReplacementChars(text) };
  }
  const declared = opts.html ? declaredHtmlCharset(buf) : null;
  const charset = declared ? effectiveCharset(declared) : 'utf-8';
  if (charset && charset !== 'utf-8') {
    const text = iconv.decode(Buffer.from(buf), charset);
    return { text, charset, charsetSource: 'meta', replaced: countReplacementChars(text) };
  }
  const unknown = declared && !charset ? { unknownCharset: declared } : {};
  const utf = decodeUtf8(buf);
  if (utf.replaced > 0 && !(declared && charset) && utf8Stats(buf).multibyte === 0) {
    // Undeclared 8-bit text with not one valid UTF-8 sequence is legacy text, not
    // damaged UTF-8: read it as windows-1252, as browsers do for such pages.
    const text = iconv.decode(Buffer.from(buf), 'windows-1252');
    return { text, charset: 'windows-1252', charsetSource: 'fallback', replaced: countReplacementChars(text), ...unknown };
  }
  return { ...utf, charset: 'utf-8', charsetSource: declared && charset ? 'meta' : 'default', ...unknown };
}

/**
 * A text file with NUL bytes is not text (an image or archive renamed, a
 * truncated download); UTF-16 with a BOM is decoded before this check applies.
 */
export function looksBinary(buf: Uint8Array): boolean {
  if (bomCharset(buf)?.charset.startsWith('utf-16')) return false;
  return buf.subarray(0, 8192).includes(0);
}
