import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diffArrays } from 'diff';
import { align, LcsPattern, lcsLength } from '../src/dedup/verify.ts';

/** The aligned-token count of a minimal diff (Myers, diff package). */
function diffKept(a: number[], b: number[]): number {
  return diffArrays(a, b).filter((c) => !c.added && !c.removed).reduce((n, c) => n + (c.count ?? c.value.length), 0);
}

describe('bit-parallel LCS', () => {
  it('agrees with the diff package on random sequences of any length', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 90 }), fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 90 }), (a, b) => {
        expect(lcsLength(Int32Array.from(a), Int32Array.from(b))).toBe(diffKept(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the diff package on any 32-bit token ids (content ids, sign-bit surface ids, 0)', () => {
    const alphabet = fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 70 });
    fc.assert(
      fc.property(alphabet, fc.array(fc.nat(), { maxLength: 80 }), fc.array(fc.nat(), { maxLength: 80 }), (ids, ia, ib) => {
        const a = ia.map((i) => ids[i % ids.length]!);
        const b = ib.map((i) => ids[i % ids.length]!);
        expect(lcsLength(Int32Array.from(a), Int32Array.from(b))).toBe(diffKept(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same answers when one pattern object is reused for sequences of varying length', () => {
    const seq = fc.array(fc.integer({ min: -3, max: 40 }), { maxLength: 100 });
    fc.assert(
      fc.property(fc.array(fc.tuple(seq, seq), { minLength: 1, maxLength: 8 }), (pairs) => {
        const reused = new LcsPattern();
        for (const [a, b] of pairs) {
          expect(reused.set(Int32Array.from(a)).lcs(Int32Array.from(b))).toBe(diffKept(a, b));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('measures containment for an abridged copy and overlap for completeness', () => {
    const full = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const half = Int32Array.from([1, 2, 3, 4, 5]);
    expect(align(full, half)).toEqual({ matched: 5, containment: 1, overlap: 0.5 });
    expect(align(full, Int32Array.from([]))).toEqual({ matched: 0, containment: 0, overlap: 0 });
  });
});

describe('IntMultiMap (LSH band table)', () => {
  it('behaves like a Map of Sets through growth and rehashing', async () => {
    const { IntMultiMap } = await import('../src/dedup/minhash.ts');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 20 })), { maxLength: 400 }), (pairs) => {
        const map = new IntMultiMap(4);
        const ref = new Map<number, Set<number>>();
        for (const [k, v] of pairs) {
          map.add(k * 0x9e3779b1, v);
          if (!ref.has(k)) ref.set(k, new Set());
          ref.get(k)!.add(v);
        }
        const stamps = new Int32Array(21);
        let stamp = 0;
        for (let k = 0; k <= 50; k++) {
          const out = new Int32Array(21);
          const n = map.collectCounted(k * 0x9e3779b1, out, 0, stamps, new Int32Array(21), ++stamp);
          expect([...out.subarray(0, n)].sort((a, b) => a - b)).toEqual([...(ref.get(k) ?? [])].sort((a, b) => a - b));
        }
        // Over several keys: each value once, counted once per key that holds it.
        const counts = new Int32Array(21);
        const found = new Int32Array(21);
        let n = 0;
        const keys = [0, 1, 2, 3, 4, 5, 6, 7];
        stamp++;
        for (const k of keys) n = map.collectCounted(k * 0x9e3779b1, found, n, stamps, counts, stamp);
        const out = [...found.subarray(0, n)];
        const expected = new Map<number, number>();
        for (const k of keys) for (const v of ref.get(k) ?? []) expected.set(v, (expected.get(v) ?? 0) + 1);
        expect(new Map(out.map((v) => [v, counts[v]!]))).toEqual(expected);
        expect(out.length).toBe(expected.size);
        expect(map.size).toBe([...ref.values()].reduce((n, s) => n + s.size, 0));
      }),
      { numRuns: 100 },
    );
  });

  it('holds at most maxPerKey values under one key, the first ones added', async () => {
    const { IntMultiMap } = await import('../src/dedup/minhash.ts');
    const map = new IntMultiMap(4);
    const added = Array.from({ length: 10 }, (_, v) => map.add(7, v, 4));
    expect(added).toEqual([true, true, true, true, false, false, false, false, false, false]);
    expect(map.add(7, 2, 4)).toBe(false); // present already
    expect(map.add(8, 9, 4)).toBe(true); // other keys are not affected
    const values: number[] = [];
    map.forEach(7, (v) => values.push(v));
    expect(values.sort()).toEqual([0, 1, 2, 3]);
  });
});
