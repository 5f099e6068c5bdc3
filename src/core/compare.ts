/** Locale-independent ordering, so outputs sort the same on every machine. */

/** Compare strings by UTF-16 code units (not `localeCompare`, which depends on the locale). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy of `record` with its keys in byte order, so it serialises the same whatever order keys were added in. */
export function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareBytes(a, b)));
}
