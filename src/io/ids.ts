/**
 * Document ids and safe output paths.
 *
 * An id is derived from the input path relative to the input folder (without
 * its extensions), with `/` mapped to `__`, plus `__<id>` or `__L<line>` for
 * JSONL records. It must be usable as a file name on every common file system
 * and must never let a hostile input (a JSONL `id` of `../../x`, an absolute
 * path, NUL or control characters) write outside the output folder.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

/** Longest id before the hash suffix (file names are limited to 255 bytes). */
export const MAX_ID_LENGTH = 120;

const UNSAFE = /[^A-Za-z0-9._-]+/g;

export function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 8);
}

/**
 * One id component made safe: characters outside [A-Za-z0-9._-] become `_`,
 * no leading dot (no hidden files, no `.`/`..`). Returns the safe text and
 * whether anything had to change.
 */
function sanitizeComponent(s: string): { safe: string; changed: boolean } {
  const safe = s.replace(UNSAFE, '_').replace(/^\.+/, '');
  return { safe, changed: safe !== s };
}

/** Strip the input extensions a reader understands: `a/b.jsonl.gz` → `a/b`. */
export function stripInputExtension(relPath: string): string {
  return relPath.replace(/(\.(txt|md|html?|jsonl|ndjson))?(\.gz)?$/i, '');
}

/**
 * Id key of a file document or of a JSONL record: the path key, plus the JSONL
 * record key (`id` field or `L<line>`).
 */
export function idKey(relPath: string, recordKey?: string): { key: string; parts: string[] } {
  const parts = stripInputExtension(relPath).split('/').filter((p) => p.length > 0);
  if (recordKey !== undefined) parts.push(recordKey);
  return { key: parts.join('/'), parts };
}

/**
 * Assign stable, unique, filename-safe ids. Ids depend only on the keys and
 * the order they arrive in (which is the sorted input order), so they are the
 * same on every run over the same input.
 */
export class IdAllocator {
  /** Lower-cased ids already given out: `A` and `a` would collide on macOS/Windows. */
  private readonly taken = new Set<string>();

  allocate(relPath: string, recordKey?: string): string {
    const { key, parts } = idKey(relPath, recordKey);
    let changed = false;
    const safeParts = parts.map((p) => {
      const s = sanitizeComponent(p);
      changed ||= s.changed;
      return s.safe;
    });
    let id = safeParts.filter((p) => p.length > 0).join('__');
    if (id.length === 0) {
      id = 'doc';
      changed = true;
    }
    if (id.length > MAX_ID_LENGTH) {
      id = id.slice(0, MAX_ID_LENGTH).replace(/[._-]+$/, '');
      changed = true;
    }
    // A changed key carries a hash of the original, so two different hostile
    // keys that sanitise alike still get different ids.
    if (changed || this.taken.has(id.toLowerCase())) id = `${id}_${shortHash(key)}`;
    // Two identical keys (a JSONL file repeating an `id`): number them in order.
    let candidate = id;
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n++) candidate = `${id}_${n}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}

/** True for an id `IdAllocator` could have produced (the writers check before using it as a file name). */
export function isSafeId(id: string): boolean {
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(id) && id.length <= MAX_ID_LENGTH + 16;
}

export class UnsafePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafePathError';
  }
}

/**
 * Join `name` below `root` and assert the result stays inside `root`; every
 * write goes through this, whatever produced the name.
 */
export function safeJoin(root: string, ...segments: string[]): string {
  const base = path.resolve(root);
  for (const s of segments) {
    if (s.includes('\0') || path.isAbsolute(s)) throw new UnsafePathError(`unsafe path segment ${JSON.stringify(s)}`);
  }
  const target = path.resolve(base, ...segments);
  const rel = path.relative(base, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new UnsafePathError(`path ${JSON.stringify(segments.join('/'))} escapes the output folder ${base}`);
  }
  return target;
}
