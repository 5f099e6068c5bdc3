/**
 * The near-duplicate index: clusters (each with a leader and a few
 * representatives' token sequences) and LSH band tables pointing at clusters.
 * One run clusters its paragraphs by adding them to an index; the same index,
 * saved and loaded, lets a later run attach new copies to earlier clusters
 * under the earlier cluster id.
 *
 * Chaining guard: a paragraph joins a cluster only if it aligns with the
 * cluster's leader (minLeaderContainment) and with at least one
 * representative (minContainment). LSH collisions with any member make a
 * cluster a candidate, but membership is always checked against the leader,
 * so A~B and B~C never pull an unrelated C into A's cluster.
 *
 * File format (written atomically: temp file + rename): magic line, uint32
 * header length, JSON header {format, params, counts}, then the arrays. A file
 * whose parameters (format, feature recipe, signature length, seed, bands,
 * rows) differ from the caller's is refused: its signatures would not be
 * comparable. Verification thresholds are not stored: they do not change what
 * is in the file.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { FEATURE_VERSION, FeatureExtractor, type ParagraphFeatures } from './features.ts';
import { bandKeys, IntMultiMap, signature } from './minhash.ts';
import { LcsPattern } from './verify.ts';

export const INDEX_FORMAT = 'newsclean-dedup-index/1';
const MAGIC = 'NCDEDUP1\n';

/** Parameters fixed for the life of an index (a saved index refuses others). */
export interface IndexParams {
  featureVersion: string;
  /** Signature length; a power of two ≥ bands × rows. */
  hashes: number;
  seed: number;
  bands: number;
  rows: number;
}

/**
 * Thresholds applied when a paragraph is checked against a cluster. Content
 * containment: aligned content words / content words of the shorter text.
 * Surface containment: the same over every word (function words included),
 * which separates copies (same sentences, some words substituted) from related
 * paragraphs of one story (same key words, other sentences).
 */
export interface MatchThresholds {
  /** Content and surface containment against the best representative. */
  minContainment: number;
  minSurfaceContainment: number;
  /** Content and surface containment against the leader (chaining guard). */
  minLeaderContainment: number;
  minLeaderSurfaceContainment: number;
  /** At least this many aligned content tokens. */
  minMatched: number;
  /** Representatives kept per cluster (the leader included). */
  maxReps: number;
  /**
   * Candidate clusters verified per paragraph: those with the most colliding
   * LSH bands, ties to the older cluster. On a dump whose paragraphs share a
   * small vocabulary, every band bucket is crowded and the candidates grow
   * with the corpus (verification became quadratic); true copies collide in
   * more bands than near misses (on the syndicated data the cluster a
   * paragraph joins is the one with the most hits in 98.8 % of cases).
   */
  maxCandidates: number;
  /**
   * Clusters an LSH band key may point at; later clusters sharing a full key
   * are not added to it (they stay reachable through their other bands). Keeps
   * candidate collection linear on crowded dumps.
   */
  maxBucketClusters: number;
}

export const DEFAULT_INDEX_PARAMS: IndexParams = { featureVersion: FEATURE_VERSION, hashes: 128, seed: 0x5eed, bands: 42, rows: 3 };
export const DEFAULT_THRESHOLDS: MatchThresholds = {
  minContainment: 0.5,
  minSurfaceContainment: 0.6,
  minLeaderContainment: 0.4,
  minLeaderSurfaceContainment: 0.5,
  minMatched: 5,
  maxReps: 4,
  maxCandidates: 32,
  maxBucketClusters: 64,
};

export class IndexParamsMismatch extends Error {
  constructor(
    readonly file: string,
    readonly differences: string[],
  ) {
    super(`dedup index ${file} was built with other parameters (${differences.join('; ')}); delete it or use the same settings`);
    this.name = 'IndexParamsMismatch';
  }
}

export interface Match {
  /** Cluster number inside this index. */
  cluster: number;
  id: string;
  /** Content and surface containment against the best representative. */
  containment: number;
  surfaceContainment: number;
  /** Content containment against the leader. */
  leaderContainment: number;
}

/** The sequences kept for a representative. */
interface RepTokens {
  tokens: Int32Array;
  surface: Int32Array;
}

/**
 * A paragraph's sequences prepared for repeated alignment. The index reuses
 * one instance (and its pattern arrays) for every paragraph it queries.
 */
class Patterns {
  readonly tokens = new LcsPattern();
  private readonly surfacePattern = new LcsPattern();
  private f: RepTokens | null = null;
  private surfaceReady = false;

  constructor(f?: RepTokens) {
    if (f) this.set(f);
  }

  set(f: RepTokens): this {
    this.f = f;
    this.tokens.set(f.tokens);
    this.surfaceReady = false;
    return this;
  }

  /** Built on first use: most candidates fail the content test against the leader and never need it. */
  get surface(): LcsPattern {
    if (!this.surfaceReady) {
      this.surfacePattern.set(this.f!.surface);
      this.surfaceReady = true;
    }
    return this.surfacePattern;
  }
}

function paramDifferences(a: IndexParams, b: IndexParams): string[] {
  return (Object.keys(DEFAULT_INDEX_PARAMS) as (keyof IndexParams)[])
    .filter((k) => a[k] !== b[k])
    .map((k) => `${k}: file ${JSON.stringify(a[k])}, expected ${JSON.stringify(b[k])}`);
}

/** A growable Int32Array. */
export class IntPool {
  data: Int32Array;
  length = 0;
  constructor(cap = 1024) {
    this.data = new Int32Array(cap);
  }
  /** Make room for `extra` more values at once (one allocation instead of several growths). */
  reserveMore(extra: number): void {
    this.reserve(extra);
  }
  /** Grows by half (not double): the token pool reaches hundreds of MB, and a growth briefly holds both arrays. */
  private reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const next = new Int32Array(Math.max(Math.ceil(this.data.length * 1.5), this.length + extra));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  push(...xs: number[]): void {
    this.reserve(xs.length);
    for (const x of xs) this.data[this.length++] = x;
  }
  pushArray(xs: Int32Array): number {
    const at = this.length;
    this.reserve(xs.length);
    this.data.set(xs, this.length);
    this.length += xs.length;
    return at;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export class DedupIndex {
  readonly params: IndexParams;
  thresholds: MatchThresholds;
  private readonly ids: string[] = [];
  /** Token pool: every representative's content and surface sequences. */
  private readonly pool = new IntPool(1 << 16);
  /** Per cluster: (content offset, content length, surface offset, surface length) of its leader in the pool. */
  private readonly leaders = new IntPool(1 << 12);
  /** Further representatives: flat (cluster, content offset, length, surface offset, length) records, and per cluster their positions. */
  private readonly extraReps = new IntPool(1 << 10);
  private readonly repsOf = new Map<number, number[]>();
  /** Paragraphs (exact copies counted) added to each cluster over the index's life. */
  private readonly sizes = new IntPool(1 << 12);
  private readonly bands: IntMultiMap;
  private readonly sig: Uint32Array;
  private readonly keys: Uint32Array;
  private readonly extractor: FeatureExtractor;

  constructor(params: Partial<IndexParams> = {}, thresholds: Partial<MatchThresholds> = {}, opts: { expectedParagraphs?: number; extractor?: FeatureExtractor } = {}) {
    this.params = { ...DEFAULT_INDEX_PARAMS, ...params };
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...thresholds };
    const { hashes, bands, rows } = this.params;
    if (!Number.isInteger(Math.log2(hashes)) || bands * rows > hashes || bands < 1 || rows < 1) {
      throw new RangeError(`dedup index: hashes must be a power of two ≥ bands × rows (got hashes ${hashes}, bands ${bands}, rows ${rows})`);
    }
    // Exact copies are grouped before they reach the index, and a copy that joins
    // a cluster adds only the band keys the cluster lacks: the scale dump holds
    // 0.63 entries per paragraph and band. Sized so that it rarely grows (a growth
    // briefly holds old and new arrays: hundreds of MB at a million paragraphs).
    this.bands = new IntMultiMap((opts.expectedParagraphs ?? 1024) * bands * 0.7);
    this.sig = new Uint32Array(hashes);
    this.keys = new Uint32Array(bands);
    this.extractor = opts.extractor ?? new FeatureExtractor();
  }

  /** Clusters in the index (singletons included). */
  get size(): number {
    return this.ids.length;
  }

  id(cluster: number): string {
    const id = this.ids[cluster];
    if (id === undefined) throw new RangeError(`no cluster ${cluster}`);
    return id;
  }

  /** Paragraphs added to a cluster so far (this run and earlier ones). */
  clusterSize(cluster: number): number {
    return this.sizes.data[cluster] ?? 0;
  }

  /** Entries in the LSH band tables (distinct (band key, cluster) pairs). */
  get bandEntries(): number {
    return this.bands.size;
  }

  /** Approximate bytes held in memory by the index's arrays. */
  get bytes(): number {
    return this.pool.data.byteLength + this.leaders.data.byteLength + this.extraReps.data.byteLength + this.sizes.data.byteLength + this.bands.bytes;
  }

  /**
   * Make room in the token pool for paragraphs whose content and surface
   * sequences hold `tokens` values in all (an upper bound of what adding them
   * stores). At a million paragraphs the pool holds ~250 MB; growing it step by
   * step briefly holds the old and the new array (the run's peak memory).
   */
  reserveTokens(tokens: number): void {
    this.pool.reserveMore(tokens);
  }

  /** The content tokens of a cluster's leader (a view into the pool: valid until the next add). */
  leaderTokens(cluster: number): Int32Array {
    if (cluster < 0 || cluster >= this.ids.length) throw new RangeError(`no cluster ${cluster}`);
    const at = this.leaders.data[4 * cluster]!;
    return this.pool.data.subarray(at, at + this.leaders.data[4 * cluster + 1]!);
  }

  features(text: string): ParagraphFeatures {
    return this.extractor.extract(text);
  }

  private store(f: RepTokens): number[] {
    return [this.pool.pushArray(f.tokens), f.tokens.length, this.pool.pushArray(f.surface), f.surface.length];
  }

  /** The token sequence whose band keys are in `keys` (add() queries, then inserts, the same paragraph). */
  private keysFor: Int32Array | null = null;

  private bandKeysOf(tokens: Int32Array): Uint32Array {
    if (this.keysFor === tokens) return this.keys;
    this.keysFor = tokens;
    return bandKeys(signature(tokens, this.params, this.sig), this.params.bands, this.params.rows, this.keys);
  }

  /** The paragraph being queried, prepared for alignment (reused). */
  private readonly patterns = new Patterns();

  /** Per cluster: the last `stamp` at which `candidates` saw it, and its band hits under that stamp. */
  private stamps = new Int32Array(1024);
  private hits = new Int32Array(1024);
  private stamp = 0;
  /** Scratch: the distinct clusters found by one lookup, then the ties at the cut. */
  private found = new Int32Array(1024);
  private ties = new Int32Array(1024);
  /** Scratch: candidates per band hit count. */
  private hitCounts = new Int32Array(1);

  /**
   * Clusters whose LSH bands collide with `tokens`, ascending; their band hit
   * counts stay in `hits` until the next call. At most `maxCandidates`: the
   * ones with the most colliding bands, ties to the older cluster.
   */
  private collectCandidates(tokens: Int32Array): Int32Array {
    const keys = this.bandKeysOf(tokens);
    if (this.stamps.length < this.ids.length) {
      const size = Math.max(this.ids.length, this.stamps.length * 2);
      const stamps = new Int32Array(size);
      stamps.set(this.stamps);
      this.stamps = stamps;
      this.hits = new Int32Array(size);
      this.found = new Int32Array(size);
      this.ties = new Int32Array(size);
    }
    const stamp = ++this.stamp;
    const found = this.found;
    const hits = this.hits;
    let n = 0;
    for (let b = 0; b < keys.length; b++) n = this.bands.collectCounted(keys[b]!, found, n, this.stamps, hits, stamp);
    const cap = this.thresholds.maxCandidates;
    if (n <= cap) return found.subarray(0, n).sort();
    // Crowded buckets (a dump whose paragraphs share one small vocabulary): keep the
    // candidates with the most colliding bands, ties to the older cluster (lower
    // number). Depends only on the index's content, never on input order. Linear:
    // a count per hit value finds the cut.
    if (this.hitCounts.length < keys.length + 1) this.hitCounts = new Int32Array(keys.length + 1);
    const perHits = this.hitCounts.fill(0);
    for (let i = 0; i < n; i++) perHits[hits[found[i]!]!]!++;
    let cut = keys.length;
    for (let above = 0; above + perHits[cut]! < cap; cut--) above += perHits[cut]!;
    let kept = 0;
    let tied = 0;
    for (let i = 0; i < n; i++) {
      const c = found[i]!;
      if (hits[c]! > cut) found[kept++] = c;
      else if (hits[c] === cut) this.ties[tied++] = c;
    }
    const ties = this.ties.subarray(0, tied).sort();
    for (let i = 0; kept < cap; i++) found[kept++] = ties[i]!;
    return found.subarray(0, kept).sort();
  }

  /** Candidate clusters (see `maxCandidates`) for `tokens`, ascending, with their colliding band counts. */
  candidateHits(tokens: Int32Array): { clusters: number[]; hits: number[] } {
    const clusters = Array.from(this.collectCandidates(tokens));
    return { clusters, hits: clusters.map((c) => this.hits[c]!) };
  }

  /** Candidate clusters for `tokens`, ascending. */
  candidates(tokens: Int32Array): number[] {
    return Array.from(this.collectCandidates(tokens));
  }

  /**
   * Aligned share of the shorter of `pattern` and the pool sequence at
   * (offset, length) in `v[at]`, `v[at + 1]`; the matched count is left in
   * `lastMatched`. Reads the pool in place (no allocation on the reject path,
   * which is most checks).
   */
  private containmentIn(pattern: LcsPattern, v: Int32Array, at: number): number {
    const length = v[at + 1]!;
    const shorter = Math.min(pattern.length, length);
    this.lastMatched = shorter ? pattern.lcsIn(this.pool.data, v[at]!, length) : 0;
    return shorter ? this.lastMatched / shorter : 0;
  }
  private lastMatched = 0;

  /** Check a paragraph against one cluster: null unless it passes the leader and a representative. */
  check(input: RepTokens | Patterns, cluster: number): Match | null {
    const f = input instanceof Patterns ? input : new Patterns(input);
    const t = this.thresholds;
    const leaders = this.leaders.data;
    const lc = this.containmentIn(f.tokens, leaders, 4 * cluster);
    if (lc < t.minLeaderContainment) return null;
    const leaderMatched = this.lastMatched;
    const ls = this.containmentIn(f.surface, leaders, 4 * cluster + 2);
    if (ls < t.minLeaderSurfaceContainment) return null;
    const minMatched = Math.min(t.minMatched, f.tokens.length);
    const passes = (c: number, matched: number, s: number) => c >= t.minContainment && s >= t.minSurfaceContainment && matched >= minMatched;
    if (passes(lc, leaderMatched, ls)) {
      return { cluster, id: this.id(cluster), containment: lc, surfaceContainment: ls, leaderContainment: lc };
    }
    // Close enough to the leader for the chaining guard but not a copy of it: a
    // representative (an earlier, differently damaged copy) may be closer.
    let best: { c: number; s: number } | null = null;
    const reps = this.extraReps.data;
    for (const at of this.repsOf.get(cluster) ?? []) {
      const c = this.containmentIn(f.tokens, reps, at + 1);
      if (c < t.minContainment) continue;
      const matched = this.lastMatched;
      const s = this.containmentIn(f.surface, reps, at + 3);
      if (passes(c, matched, s) && (!best || c + s > best.c + best.s)) best = { c, s };
    }
    if (!best) return null;
    return { cluster, id: this.id(cluster), containment: best.c, surfaceContainment: best.s, leaderContainment: lc };
  }

  /** Best matching cluster for a paragraph (text or features), or null. Does not change the index. */
  query(input: string | RepTokens): Match | null {
    const f = typeof input === 'string' ? this.features(input) : input;
    let best: Match | null = null;
    const candidates = this.collectCandidates(f.tokens);
    if (candidates.length === 0) return null;
    const patterns = this.patterns.set(f);
    for (const c of candidates) {
      const m = this.check(patterns, c);
      // Ties go to the older cluster (lower number), so the answer does not depend on set iteration.
      if (m && (!best || m.containment + m.surfaceContainment > best.containment + best.surfaceContainment)) best = m;
    }
    return best;
  }

  private insertBands(tokens: Int32Array, cluster: number): void {
    const keys = this.bandKeysOf(tokens);
    for (let b = 0; b < keys.length; b++) this.bands.add(keys[b]!, cluster, this.thresholds.maxBucketClusters);
  }

  private newCluster(id: string, f: RepTokens, size: number): number {
    const cluster = this.ids.length;
    this.ids.push(id);
    this.leaders.push(...this.store(f));
    this.sizes.push(size);
    this.insertBands(f.tokens, cluster);
    return cluster;
  }

  private addRep(cluster: number, f: RepTokens): void {
    const reps = this.repsOf.get(cluster) ?? [];
    if (reps.length + 1 >= this.thresholds.maxReps) return;
    reps.push(this.extraReps.length);
    this.extraReps.push(cluster, ...this.store(f));
    this.repsOf.set(cluster, reps);
  }

  /**
   * Add a paragraph: it joins the best matching cluster, or founds a new one
   * whose id derives from its normalised text (`c` + 16 hex digits). `copies`
   * counts exact duplicates added at once.
   */
  add(input: string | ParagraphFeatures, copies = 1): Match & { created: boolean } {
    const f = typeof input === 'string' ? this.features(input) : input;
    const match = this.query(f);
    if (match) {
      this.sizes.data[match.cluster]! += copies;
      if (match.containment < 0.999) this.addRep(match.cluster, f);
      // Later copies find the cluster through their own bands too (candidates, never membership).
      this.insertBands(f.tokens, match.cluster);
      return { ...match, created: false };
    }
    const cluster = this.newCluster(`c${f.key}`, f, copies);
    return { cluster, id: this.id(cluster), containment: 1, surfaceContainment: 1, leaderContainment: 1, created: true };
  }

  /** Write the index atomically (temp file in the same folder, fsync, rename). */
  save(file: string): void {
    const ids = Buffer.from(this.ids.join('\n'), 'utf8');
    const header = Buffer.from(
      JSON.stringify({
        format: INDEX_FORMAT,
        params: this.params,
        clusters: this.ids.length,
        pool: this.pool.length,
        extraReps: this.extraReps.length,
        idBytes: ids.length,
      }),
      'utf8',
    );
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length);
    const bytes = (a: Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const parts = [Buffer.from(MAGIC), len, header, ids, bytes(this.leaders.view()), bytes(this.sizes.view()), bytes(this.extraReps.view()), bytes(this.pool.view())];
    const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
    const fd = openSync(tmp, 'w');
    try {
      for (const p of parts) writeSync(fd, p);
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      unlinkSync(tmp);
      throw err;
    }
    closeSync(fd);
    renameSync(tmp, file);
  }

  /**
   * Load a saved index. Refuses (IndexParamsMismatch) a file built with other
   * parameters than `params` (defaults: DEFAULT_INDEX_PARAMS), and throws a
   * clear error on a file that is not an index or is truncated.
   */
  static load(file: string, params: Partial<IndexParams> = {}, thresholds: Partial<MatchThresholds> = {}, opts: { extractor?: FeatureExtractor } = {}): DedupIndex {
    const buf = readFileSync(file);
    if (buf.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) throw new Error(`${file} is not a newsclean dedup index`);
    const headerLen = buf.readUInt32LE(MAGIC.length);
    let at = MAGIC.length + 4;
    const header = JSON.parse(buf.subarray(at, at + headerLen).toString('utf8')) as {
      format: string; params: IndexParams; clusters: number; pool: number; extraReps: number; idBytes: number;
    };
    at += headerLen;
    const expected = { ...DEFAULT_INDEX_PARAMS, ...params };
    const diffs = paramDifferences(header.params, expected);
    if (header.format !== INDEX_FORMAT) diffs.unshift(`format: file ${header.format}, expected ${INDEX_FORMAT}`);
    if (diffs.length) throw new IndexParamsMismatch(file, diffs);
    const n = header.clusters;
    const need = at + header.idBytes + 4 * (4 * n + n + header.extraReps + header.pool);
    if (buf.length !== need) throw new Error(`${file}: truncated or damaged dedup index (${buf.length} bytes, expected ${need})`);
    const index = new DedupIndex(expected, thresholds, { expectedParagraphs: n, ...opts });
    const ids = n ? buf.subarray(at, at + header.idBytes).toString('utf8').split('\n') : [];
    at += header.idBytes;
    const ints = (count: number) => {
      const out = new Int32Array(count);
      Buffer.from(out.buffer).set(buf.subarray(at, at + 4 * count));
      at += 4 * count;
      return out;
    };
    const leaders = ints(4 * n);
    const sizes = ints(n);
    const reps = ints(header.extraReps);
    const pool = ints(header.pool);
    const at4 = (v: Int32Array, i: number): RepTokens => ({
      tokens: pool.subarray(v[i]!, v[i]! + v[i + 1]!),
      surface: pool.subarray(v[i + 2]!, v[i + 2]! + v[i + 3]!),
    });
    for (let c = 0; c < n; c++) index.newCluster(ids[c]!, at4(leaders, 4 * c), sizes[c]!);
    for (let r = 0; r < reps.length; r += 5) {
      const f = at4(reps, r + 1);
      index.addRep(reps[r]!, f);
      index.insertBands(f.tokens, reps[r]!);
    }
    return index;
  }
}
