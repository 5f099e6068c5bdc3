/**
 * Cached document results: a processed `Doc` without its raw input (the HTML
 * source can be large and no output needs it once the document is cleaned)
 * and without the per-block scratch data stages pass to each other. What is
 * kept is exactly what the writers read, so an unchanged document is written
 * from the cache byte for byte as it was when it was processed.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Doc } from '../core/types.ts';

/** Bump when the cached shape changes: older payloads are then reprocessed, not misread. */
export const DOC_CACHE_VERSION = 1;

interface Payload {
  v: number;
  doc: Omit<Doc, 'raw'>;
}

export function encodeDoc(doc: Doc): Buffer {
  const { raw: _raw, ...rest } = doc;
  const slim: Omit<Doc, 'raw'> = {
    ...rest,
    blocks: doc.blocks.map(({ data: _data, ...b }) => b),
  };
  const payload: Payload = { v: DOC_CACHE_VERSION, doc: slim };
  // Level 1: the cache is written every run for new documents; speed matters more than a few percent of size.
  return deflateRawSync(Buffer.from(JSON.stringify(payload)), { level: 1 });
}

export class CacheFormatError extends Error {}

export function decodeDoc(buf: Buffer): Doc {
  const payload = JSON.parse(inflateRawSync(buf).toString('utf8')) as Payload;
  if (payload.v !== DOC_CACHE_VERSION) throw new CacheFormatError(`cached document format ${payload.v}, expected ${DOC_CACHE_VERSION}`);
  return { ...payload.doc, raw: '' };
}
