import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadItem } from '../src/core/runner.ts';
import type { Doc, InputError } from '../src/core/types.ts';
import { countInvalidUtf8, decodeBytes } from '../src/io/decode.ts';
import { classify, emptyStats, readInputs, type ReadStats } from '../src/io/readers.ts';

let dir: string;

function put(rel: string, data: string | Buffer): void {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
}

async function readAll(root: string, maxBytes = 1 << 20, exclude: string[] = []): Promise<{ docs: Doc[]; errors: InputError[]; stats: ReadStats }> {
  const stats = emptyStats();
  const docs: Doc[] = [];
  const errors: InputError[] = [];
  for await (const item of readInputs(root, { maxBytes, exclude }, stats) as AsyncIterable<ReadItem>) {
    if (item.kind === 'doc') docs.push(item.doc);
    else errors.push(item.error);
  }
  return { docs, errors, stats };
}

const para = 'Secretary of State Antony Blinken announced Monday that the envoy is stepping down.';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'newsclean-readers-'));
  put('a.txt', `${para}\n\nSecond paragraph.\n`);
  put('b.md', '# Heading\n\nBody text.\n');
  put('c.html', `<html><head><title>T</title></head><body><p>${para}</p></body></html>`);
  // Legacy charset declared in an http-equiv meta: "café – naïve" in windows-1252.
  put(
    'legacy.htm',
    Buffer.concat([
      Buffer.from('<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head><body><p>'),
      iconv.encode('café “quoted” naïve', 'windows-1252'),
      Buffer.from('</p></body></html>'),
    ]),
  );
  put('sjis.html', Buffer.concat([Buffer.from('<meta charset="shift_jis"><p>'), iconv.encode('日本語のニュース', 'shift_jis'), Buffer.from('</p>')]));
  put('nested/deeper/d.txt', 'Nested document.\n');
  put('nested/e.txt', 'Another nested document.\n');
  put(
    'dump.jsonl',
    [
      JSON.stringify({ id: 'r1', url: 'https://example.com/1', title: 'One', date: '2021-10-19', text: 'First record text.' }),
      '{"id": "r2", "text": "broken',
      '',
      JSON.stringify({ url: 'https://example.com/3', html: '<p>Third record, no id.</p>' }),
      JSON.stringify({ id: 'r4', title: 'no body' }),
      JSON.stringify({ id: '../../x', text: 'Hostile id.' }),
      JSON.stringify(['not', 'an', 'object']),
      JSON.stringify({ id: 5, text: 'Numeric id.', title: 7 }),
      JSON.stringify({ id: 'r9', html: ' ', text: 'Text is used when the html field is blank.' }),
    ].join('\n'),
  );
  put('gz/t.txt.gz', gzipSync(Buffer.from('Compressed text document.\n')));
  put('gz/p.html.gz', gzipSync(Buffer.from('<p>Compressed HTML document.</p>')));
  put('gz/records.ndjson.gz', gzipSync(Buffer.from(`${JSON.stringify({ id: 'z1', text: 'Zipped record one.' })}\n${JSON.stringify({ id: 'z2', text: 'Zipped record two.' })}\n`)));
  put('gz/corrupt.txt.gz', Buffer.from('this is not gzip data'));
  put('empty.txt', '');
  put('blank.md', '   \n\n  ');
  put('binary.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d, 0x0a]));
  // Invalid UTF-8: a lone continuation byte, a truncated 3-byte sequence, an overlong encoding (3 bytes).
  put('bad-utf8.txt', Buffer.concat([Buffer.from('Zürich ok '), Buffer.from([0x80]), Buffer.from(' mid '), Buffer.from([0xe2, 0x82]), Buffer.from(' end '), Buffer.from([0xe0, 0x80, 0xaf])]));
  put('notes.pdf', '%PDF-1.4');
  put('image.PNG', 'x');
  put('archive.tar.gz', 'x');
  put('README', 'no extension');
  put('.hidden.txt', 'hidden');
  put('.git/config', 'hidden folder');
  put('out/ignored.txt', 'inside the output folder');
  symlinkSync(path.join(dir, 'nested'), path.join(dir, 'loop'));
  symlinkSync(path.join(dir, 'no-such-file.txt'), path.join(dir, 'dangling.txt'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readers', () => {
  it('walks folders recursively in sorted order and derives ids and sources', async () => {
    const { docs } = await readAll(dir, 1 << 20, [path.join(dir, 'out')]);
    expect(docs.map((d) => d.source)).toEqual([
      'a.txt',
      'b.md',
      'bad-utf8.txt',
      'c.html',
      'dump.jsonl#r1',
      'dump.jsonl#L4',
      'dump.jsonl#../../x',
      'dump.jsonl#r9',
      'gz/p.html.gz',
      'gz/records.ndjson.gz#z1',
      'gz/records.ndjson.gz#z2',
      'gz/t.txt.gz',
      'legacy.htm',
      'nested/deeper/d.txt',
      'nested/e.txt',
      'sjis.html',
    ]);
    expect(docs.map((d) => d.id)).toEqual([
      'a',
      'b',
      'bad-utf8',
      'c',
      'dump__r1',
      'dump__L4',
      expect.stringMatching(/^dump___.._x_[0-9a-f]{8}$/),
      'dump__r9',
      'gz__p',
      'gz__records__z1',
      'gz__records__z2',
      'gz__t',
      'legacy',
      'nested__deeper__d',
      'nested__e',
      'sjis',
    ]);
  });

  it('reads text, markdown, HTML and JSONL into the document model', async () => {
    const { docs } = await readAll(dir);
    const by = (src: string) => docs.find((d) => d.source === src)!;
    expect(by('a.txt')).toMatchObject({ format: 'text', raw: `${para}\n\nSecond paragraph.\n`, rawText: `${para}\n\nSecond paragraph.\n` });
    expect(by('b.md').format).toBe('text');
    expect(by('c.html')).toMatchObject({ format: 'html', rawText: '' });
    expect(by('c.html').raw).toContain(`<p>${para}</p>`);
    expect(by('dump.jsonl#r1')).toMatchObject({ format: 'text', raw: 'First record text.', url: 'https://example.com/1', title: 'One', date: '2021-10-19' });
    expect(by('dump.jsonl#L4')).toMatchObject({ format: 'html', raw: '<p>Third record, no id.</p>', url: 'https://example.com/3', title: null });
    expect(by('dump.jsonl#r1').meta.line).toBe(1);
    expect(by('dump.jsonl#r9')).toMatchObject({ format: 'text', raw: 'Text is used when the html field is blank.' });
    expect(by('gz/t.txt.gz').raw).toBe('Compressed text document.\n');
    expect(by('gz/p.html.gz')).toMatchObject({ format: 'html', raw: '<p>Compressed HTML document.</p>' });
    expect(by('gz/records.ndjson.gz#z2').raw).toBe('Zipped record two.');
  });

  it('decodes a legacy charset declared in a meta tag', async () => {
    const { docs } = await readAll(dir);
    const legacy = docs.find((d) => d.source === 'legacy.htm')!;
    expect(legacy.raw).toContain('café “quoted” naïve');
    expect(legacy.meta).toMatchObject({ charset: 'windows-1252', charsetSource: 'meta', replacedBytes: 0 });
    const sjis = docs.find((d) => d.source === 'sjis.html')!;
    expect(sjis.raw).toContain('日本語のニュース');
    expect(sjis.meta.charset).toBe('shift_jis');
  });

  it('replaces invalid UTF-8 and counts the replaced bytes per document and in total', async () => {
    const { docs, stats } = await readAll(dir);
    const bad = docs.find((d) => d.source === 'bad-utf8.txt')!;
    expect(bad.raw.startsWith('Zürich ok \uFFFD mid \uFFFD end ')).toBe(true);
    expect(bad.meta.replacedBytes).toBe(6);
    expect(stats.replacedBytes).toBe(6);
  });

  it('records per-file and per-line errors and continues', async () => {
    const { errors, stats } = await readAll(dir);
    const list = errors.map((e) => `${e.source}${e.line ? `:${e.line}` : ''} ${e.message}`);
    expect(list).toEqual([
      'binary.txt binary content (NUL bytes) in a text file',
      expect.stringMatching(/^blank\.md empty file/),
      'dangling.txt cannot read file: it vanished or is a broken symbolic link',
      expect.stringMatching(/^dump\.jsonl:2 malformed JSON/),
      'dump.jsonl:5 no "html" or "text" field (or it is empty)',
      'dump.jsonl:7 not a JSON object',
      'dump.jsonl:8 field "title" must be a string',
      'empty.txt empty file',
      expect.stringMatching(/^gz\/corrupt\.txt\.gz corrupt gzip data/),
    ]);
    expect(errors.every((e) => e.stage === 'read')).toBe(true);
    expect(stats.errors).toBe(errors.length);
  });

  it('skips unknown extensions, hidden files and symlinked folders, counted by extension', async () => {
    const { stats } = await readAll(dir, 1 << 20, [path.join(dir, 'out')]);
    expect(stats.skipped).toEqual({ '.pdf': 1, '.png': 1, '.tar.gz': 1, '(none)': 1, '(hidden)': 2, '(symlinked folder)': 1 });
    expect(stats.files).toBe(17);
  });

  it('refuses a document larger than input.maxBytes, also once decompressed, and a too-long JSONL line', async () => {
    const small = mkdtempSync(path.join(tmpdir(), 'newsclean-max-'));
    try {
      writeFileSync(path.join(small, 'big.txt'), 'x'.repeat(2000));
      writeFileSync(path.join(small, 'bomb.txt.gz'), gzipSync(Buffer.alloc(100_000, 0x61)));
      writeFileSync(path.join(small, 'lines.jsonl'), `${JSON.stringify({ text: 'y'.repeat(5000) })}\n${JSON.stringify({ text: 'short' })}\n`);
      const { docs, errors } = await readAll(small, 1000);
      expect(docs.map((d) => d.source)).toEqual(['lines.jsonl#L2']);
      expect(errors.map((e) => [e.source, e.line, /maxBytes/.test(e.message)])).toEqual([
        ['big.txt', undefined, true],
        ['bomb.txt.gz', undefined, true],
        ['lines.jsonl', 1, true],
      ]);
    } finally {
      rmSync(small, { recursive: true, force: true });
    }
  });

  it('streams a large gzipped JSONL record by record', async () => {
    const big = mkdtempSync(path.join(tmpdir(), 'newsclean-stream-'));
    try {
      const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ id: `n${i}`, text: `${para} ${i}` }));
      writeFileSync(path.join(big, 'many.jsonl.gz'), gzipSync(Buffer.from(`${lines.join('\n')}\n`)));
      let n = 0;
      let firstId = '';
      for await (const item of readInputs(big, { maxBytes: 1 << 20 })) {
        if (item.kind !== 'doc') throw new Error('unexpected error item');
        if (n === 0) firstId = item.doc.id;
        n++;
      }
      expect(n).toBe(5000);
      expect(firstId).toBe('many__n0');
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });
});

describe('JSONL round trip', () => {
  it('property: any records written as JSONL (plain or gzipped) come back field for field, in order, with unique safe ids', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'newsclean-jsonl-prop-'));
    const record = fc.record(
      {
        id: fc.option(fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom('..', '../../x', '/etc/passwd', 'a\u0000b', 'R1', 'r1')), { nil: undefined }),
        title: fc.option(fc.string({ maxLength: 30 }), { nil: null }),
        url: fc.option(fc.webUrl(), { nil: null }),
        text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).filter((t) => t.trim() !== ''),
      },
      { requiredKeys: ['text'] },
    );
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 15 }), fc.boolean(), async (records, gz) => {
          const dir = path.join(root, String(run++));
          mkdirSync(dir);
          const body = Buffer.from(records.map((r) => JSON.stringify(r)).join('\n'));
          writeFileSync(path.join(dir, gz ? 'x.jsonl.gz' : 'x.jsonl'), gz ? gzipSync(body) : body);
          const { docs, errors } = await readAll(dir);
          expect(errors).toEqual([]);
          expect(docs.map((d) => d.raw)).toEqual(records.map((r) => r.text));
          expect(docs.map((d) => d.title)).toEqual(records.map((r) => r.title ?? null));
          expect(docs.map((d) => d.url)).toEqual(records.map((r) => r.url ?? null));
          const ids = docs.map((d) => d.id);
          expect(new Set(ids.map((i) => i.toLowerCase())).size).toBe(ids.length);
          for (const id of ids) expect(id).toMatch(/^x_[A-Za-z0-9._-]+$/);
        }),
        { numRuns: 40 },
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('classify', () => {
  it('maps extensions to formats, case-insensitively, with .gz', () => {
    expect(classify('A.HTML')).toEqual({ format: 'html', gzip: false });
    expect(classify('x.ndjson.gz')).toEqual({ format: 'jsonl', gzip: true });
    expect(classify('x.gz')).toEqual({ skip: '.gz' });
    expect(classify('x.doc')).toEqual({ skip: '.doc' });
  });
});

describe('decoding', () => {
  it('honours a BOM (UTF-8 and UTF-16) over a meta declaration', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<meta charset="windows-1252"><p>Zürich</p>', 'utf16le')]);
    expect(decodeBytes(utf16, { html: true })).toMatchObject({ text: '<meta charset="windows-1252"><p>Zürich</p>', charset: 'utf-16le', charsetSource: 'bom' });
    const utf8bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Zürich')]);
    expect(decodeBytes(utf8bom, { html: false })).toMatchObject({ text: 'Zürich', charsetSource: 'bom' });
  });

  it('reads undeclared 8-bit text without a single valid UTF-8 sequence as windows-1252', () => {
    const latin = iconv.encode('Die Cookies werden für Ihren Einkauf benötigt – café', 'windows-1252');
    expect(decodeBytes(latin, { html: false })).toMatchObject({ text: 'Die Cookies werden für Ihren Einkauf benötigt – café', charset: 'windows-1252', charsetSource: 'fallback', replaced: 0 });
    // Damaged UTF-8 (valid multi-byte sequences plus a stray byte) stays UTF-8, with the stray byte counted.
    const damaged = Buffer.concat([Buffer.from('für '), Buffer.from([0xfc]), Buffer.from(' benötigt')]);
    expect(decodeBytes(damaged, { html: true })).toMatchObject({ text: 'für \uFFFD benötigt', charset: 'utf-8', charsetSource: 'default', replaced: 1 });
  });

  it('reads the charset of an XHTML page from its XML declaration', () => {
    const page = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-15"?>\n<html><p>'), iconv.encode('Prix : 10 €', 'iso-8859-15'), Buffer.from('</p></html>')]);
    expect(decodeBytes(page, { html: true })).toMatchObject({ charset: 'iso-8859-15', charsetSource: 'meta', replaced: 0 });
    expect(decodeBytes(page, { html: true }).text).toContain('Prix : 10 €');
  });

  it('falls back to UTF-8 for an unknown declared charset and says so', () => {
    const d = decodeBytes(Buffer.from('<meta charset="x-klingon"><p>ok</p>'), { html: true });
    expect(d).toMatchObject({ charset: 'utf-8', unknownCharset: 'x-klingon' });
  });

  it('property: well-formed UTF-8 has nothing replaced; any byte string decodes with a count', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(decodeBytes(Buffer.from(s), { html: false })).toMatchObject({ text: s, replaced: 0 });
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const d = decodeBytes(bytes, { html: false });
        const fffd = [...d.text].filter((c) => c === '\uFFFD').length;
        const legit = Buffer.from(bytes).toString('latin1').split('\xef\xbf\xbd').length - 1;
        // Each replacement character stands for at least one invalid byte.
        expect(d.replaced).toBeGreaterThanOrEqual(fffd - legit);
        expect(d.replaced === 0).toBe(fffd === legit);
        expect(countInvalidUtf8(bytes)).toBeLessThanOrEqual(bytes.length);
      }),
    );
  });
});
