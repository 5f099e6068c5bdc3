import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdAllocator, isSafeId, MAX_ID_LENGTH, safeJoin, shortHash, UnsafePathError } from '../src/io/ids.ts';

describe('document ids', () => {
  it('derives ids from the relative path without extension, nested folders joined by __', () => {
    const ids = new IdAllocator();
    expect(ids.allocate('000_915f2166288a5cde.txt')).toBe('000_915f2166288a5cde');
    expect(ids.allocate('sub/a.txt')).toBe('sub__a');
    expect(ids.allocate('x/y/page.html.gz')).toBe('x__y__page');
  });

  it('adds the JSONL id or the line number', () => {
    const ids = new IdAllocator();
    expect(ids.allocate('dump.jsonl', 'abc-1')).toBe('dump__abc-1');
    expect(ids.allocate('dump.jsonl', 'L12')).toBe('dump__L12');
    expect(ids.allocate('exports/day.jsonl.gz', '7')).toBe('exports__day__7');
  });

  it('sanitises hostile keys and marks them with a hash of the original key', () => {
    const ids = new IdAllocator();
    const traversal = ids.allocate('dump.jsonl', '../../x');
    expect(traversal).toBe(`dump___.._x_${shortHash('dump/../../x')}`);
    expect(isSafeId(traversal)).toBe(true);
    const absolute = ids.allocate('dump.jsonl', '/etc/passwd');
    expect(absolute).toMatch(/^dump___etc_passwd_[0-9a-f]{8}$/);
    const control = ids.allocate('dump.jsonl', 'a\0b\nc\u0007');
    expect(control).toMatch(/^dump__a_b_c__[0-9a-f]{8}$/);
    // A leading dot would make a hidden file (or `.`/`..`).
    expect(ids.allocate('.env.txt')).toMatch(/^env_[0-9a-f]{8}$/);
    expect(ids.allocate('dump.jsonl', '..')).toMatch(/^dump_[0-9a-f]{8}$/);
  });

  it('never gives the same id twice, also not differing only in case', () => {
    const ids = new IdAllocator();
    expect(ids.allocate('sub/a.txt')).toBe('sub__a');
    // `sub__a.txt` maps to the same text: it gets the hash of its own key.
    expect(ids.allocate('sub__a.txt')).toBe(`sub__a_${shortHash('sub__a')}`);
    expect(ids.allocate('Sub/A.txt')).toBe(`Sub__A_${shortHash('Sub/A')}`);
    // A JSONL file repeating a record id.
    const first = ids.allocate('d.jsonl', 'r1');
    const second = ids.allocate('d.jsonl', 'r1');
    expect(first).toBe('d__r1');
    expect(second).not.toBe(first);
    expect(second.startsWith('d__r1_')).toBe(true);
  });

  it('bounds the id length', () => {
    const ids = new IdAllocator();
    const id = ids.allocate(`${'a'.repeat(500)}.txt`);
    expect(id.length).toBeLessThanOrEqual(MAX_ID_LENGTH + 9);
    expect(isSafeId(id)).toBe(true);
  });

  it('property: any key gives a safe, unique id whose files stay inside the output folder', () => {
    const out = path.resolve('/tmp/newsclean-out');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'binary', maxLength: 40 }), fc.option(fc.string({ unit: 'binary', maxLength: 40 }), { nil: undefined })), { maxLength: 30 }), (keys) => {
        const ids = new IdAllocator();
        const seen = new Set<string>();
        for (const [p, rec] of keys) {
          const id = ids.allocate(p, rec);
          expect(isSafeId(id)).toBe(true);
          expect(seen.has(id.toLowerCase())).toBe(false);
          seen.add(id.toLowerCase());
          const file = safeJoin(out, 'docs', `${id}.txt`);
          expect(path.dirname(file)).toBe(path.join(out, 'docs'));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('safeJoin', () => {
  it('refuses paths that leave the root', () => {
    expect(() => safeJoin('/tmp/out', '../x')).toThrow(UnsafePathError);
    expect(() => safeJoin('/tmp/out', 'docs', '../../x.txt')).toThrow(UnsafePathError);
    expect(() => safeJoin('/tmp/out', '/etc/passwd')).toThrow(UnsafePathError);
    expect(() => safeJoin('/tmp/out', 'a\0b')).toThrow(UnsafePathError);
    expect(() => safeJoin('/tmp/out', '.')).toThrow(UnsafePathError);
    expect(safeJoin('/tmp/out', 'docs', '..a.txt')).toBe('/tmp/out/docs/..a.txt');
  });
});
