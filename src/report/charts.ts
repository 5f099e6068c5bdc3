/** Small inline SVG charts for the run summary (no script, no external assets). */
import { html, type SafeHtml } from './html.ts';

export interface Bar {
  label: string;
  value: number;
}

const ROW = 18;
const LABEL_W = 190;
const BAR_W = 260;

/**
 * Horizontal bar chart, largest first (or in the given order for ranges);
 * the rest beyond `max` rows are summed into one bar.
 */
export function barChart(title: string, bars: Bar[], { max = 12, sort = true }: { max?: number; sort?: boolean } = {}): SafeHtml {
  if (bars.length === 0) return html`<figure class="chart"><figcaption>${title}</figcaption><p class="muted">none</p></figure>`;
  const sorted = !sort ? bars : [...bars].sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  const shown = sorted.slice(0, max);
  const rest = sorted.slice(max);
  if (rest.length) shown.push({ label: `${rest.length} more`, value: rest.reduce((s, b) => s + b.value, 0) });
  const top = Math.max(1, ...shown.map((b) => b.value));
  const height = shown.length * ROW + 4;
  const rows = shown.map((b, i) => {
    const y = i * ROW + 2;
    const w = Math.max(1, Math.round((b.value / top) * BAR_W));
    const label = b.label.length > 30 ? `${b.label.slice(0, 29)}…` : b.label;
    return html`<g><title>${b.label}: ${b.value}</title><text x="${LABEL_W - 6}" y="${y + 13}" text-anchor="end">${label}</text><rect x="${LABEL_W}" y="${y + 2}" width="${w}" height="${ROW - 5}" class="bar"></rect><text x="${LABEL_W + w + 4}" y="${y + 13}">${b.value}</text></g>`;
  });
  return html`<figure class="chart"><figcaption>${title}</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${title}" width="${LABEL_W + BAR_W + 70}" height="${height}" viewBox="0 0 ${LABEL_W + BAR_W + 70} ${height}">${rows}</svg></figure>`;
}

/** The bin between `edges` a value falls in; values past the last edge (and NaN) go in the last bin. */
export function binOf(v: number, edges: readonly number[]): number {
  const i = edges.findIndex((e, j) => j > 0 && v < e) - 1;
  return i < 0 ? Math.max(0, edges.length - 2) : i;
}

/** How many values fall in each bin between `edges` (counts of several lists add up). */
export function countBins(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(Math.max(1, edges.length - 1)).fill(0);
  for (const v of values) counts[binOf(v, edges)]!++;
  return counts;
}

/** Bars of binned counts (countBins) labelled by range (e.g. confidence 0.0–0.2 …). */
export function binnedCounts(counts: readonly number[], edges: readonly number[], format: (lo: number, hi: number) => string): Bar[] {
  return edges.slice(0, -1).map((lo, i) => ({ label: format(lo, edges[i + 1]!), value: counts[i] ?? 0 }));
}

/** Counts of values into fixed bins labelled by range. */
export function binned(values: number[], edges: number[], format: (lo: number, hi: number) => string): Bar[] {
  return binnedCounts(countBins(values, edges), edges, format);
}
