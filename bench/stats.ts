/** The median of a list of timings: the middle one, the upper of the two middle ones for an even count. */
export function median(xs: readonly number[]): number {
  if (!xs.length) throw new Error('median of no values');
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}
