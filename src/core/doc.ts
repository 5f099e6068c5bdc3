/** Construct documents (readers and tests use this; stages receive them). */
import type { Doc } from './types.ts';

export interface NewDoc {
  id: string;
  source: string;
  format: 'text' | 'html';
  raw: string;
  url?: string | null;
  title?: string | null;
  date?: string | null;
  meta?: Record<string, unknown>;
}

export function createDoc(d: NewDoc): Doc {
  return {
    id: d.id,
    source: d.source,
    url: d.url ?? null,
    title: d.title ?? null,
    date: d.date ?? null,
    format: d.format,
    raw: d.raw,
    rawText: d.format === 'text' ? d.raw : '',
    blocks: [],
    removed: [],
    flags: [],
    fixes: [],
    lang: null,
    setAside: null,
    meta: { ...(d.meta ?? {}) },
  };
}
