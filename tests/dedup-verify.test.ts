import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diffArrays } from 'diff';
import { align, lcsLength } from '../src/dedup/verify.ts';

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

  it('measures containment for an abridged copy and overlap for completeness', () => {
    const full = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const half = Int32Array.from([1, 2, 3, 4, 5]);
    expect(align(full, half)).toEqual({ matched: 5, containment: 1, overlap: 0.5 });
    expect(align(full, Int32Array.from([]))).toEqual({ matched: 0, containment: 0, overlap: 0 });
  });
});
