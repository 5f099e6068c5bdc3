/**
 * Feature extraction over two threads. Extraction (normalisation, WordNet
 * classes, stemming, hashing) is about 60 % of the dedup stage's CPU time and
 * independent per paragraph, so a worker thread extracts the second half of
 * the paragraphs while this thread extracts the first. The call stays
 * synchronous (the stage contract is synchronous): this thread blocks on a
 * shared flag and takes the worker's packed result with receiveMessageOnPort.
 *
 * Results are identical to single-threaded extraction (token ids are hashes of
 * class strings), and if the worker cannot start or fails, this thread
 * extracts its share itself: a missing worker costs time, never results.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { packFeatures, type PackedFeatures } from './extract-worker.ts';
import type { FeatureExtractor, ParagraphFeatures } from './features.ts';

/** Below this many paragraphs a worker's start-up (~0.5 s: tsx, WordNet) costs more than it saves. */
export const PARALLEL_MIN_PARAGRAPHS = 20_000;

export interface ParallelOptions {
  /** false: extract on this thread only. */
  parallel?: boolean;
  /** Override PARALLEL_MIN_PARAGRAPHS (tests). */
  minParagraphs?: number;
  /** Called when the worker failed and this thread extracted its share (default: a warning on stderr). */
  onWorkerFailure?: (reason: string) => void;
}

/**
 * The features of every paragraph of a run, kept packed (a few large arrays)
 * and handed out as views on request: holding a view object per paragraph
 * until indexing would cost ~150 bytes each (~100 MB of heap at a million).
 */
export class FeatureStore {
  private readonly parts: { first: number; packed: PackedFeatures; tokenStart: Int32Array; surfaceStart: Int32Array }[] = [];

  add(first: number, packed: PackedFeatures): void {
    const n = packed.keys.length;
    const tokenStart = new Int32Array(n);
    const surfaceStart = new Int32Array(n);
    for (let j = 1; j < n; j++) {
      tokenStart[j] = tokenStart[j - 1]! + packed.tokenLengths[j - 1]!;
      surfaceStart[j] = surfaceStart[j - 1]! + packed.surfaceLengths[j - 1]!;
    }
    this.parts.push({ first, packed, tokenStart, surfaceStart });
  }

  /** Features of input `i` (views into the packed arrays). */
  get(i: number): ParagraphFeatures {
    for (const part of this.parts) {
      const j = i - part.first;
      if (j < 0 || j >= part.packed.keys.length) continue;
      const p = part.packed;
      const t = part.tokenStart[j]!;
      const s = part.surfaceStart[j]!;
      return { words: p.words[j]!, key: p.keys[j]!, tokens: p.tokens.subarray(t, t + p.tokenLengths[j]!), surface: p.surface.subarray(s, s + p.surfaceLengths[j]!) };
    }
    throw new RangeError(`no features for input ${i}`);
  }

  /** Call `fn` with each paragraph's features in input order. */
  forEach(fn: (f: ParagraphFeatures, i: number) => void): void {
    for (const part of [...this.parts].sort((a, b) => a.first - b.first)) {
      for (let j = 0; j < part.packed.keys.length; j++) fn(this.get(part.first + j), part.first + j);
    }
  }
}

/** Call `fn` with the features of every text, in input order. */
export function forEachFeatures(texts: readonly string[], extractor: FeatureExtractor, fn: (f: ParagraphFeatures, i: number) => void, opts: ParallelOptions = {}): void {
  extractFeatures(texts, extractor, opts).forEach(fn);
}

/** The features of every text, extracted on two threads when worthwhile (see the module comment). */
export function extractFeatures(texts: readonly string[], extractor: FeatureExtractor, opts: ParallelOptions = {}): FeatureStore {
  const store = new FeatureStore();
  const config = extractor.workerConfig;
  if (opts.parallel === false || texts.length < (opts.minParagraphs ?? PARALLEL_MIN_PARAGRAPHS) || !config) {
    store.add(0, packFeatures(extractor, texts.slice()));
    return store;
  }
  // The worker starts later (module loading, its own WordNet), so it gets a little less.
  const split = Math.floor(texts.length * 0.52);
  const done = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  let worker: Worker | null = null;
  let failure = '';
  try {
    worker = new Worker(new URL('./extract-worker-boot.mjs', import.meta.url), {
      workerData: { texts: texts.slice(split), dictDir: config.dictDir, synonymClasses: config.synonymClasses, port: port2, done },
      transferList: [port2],
      execArgv: [],
      stdout: true,
      stderr: true,
    });
    worker.on('error', () => {}); // reported through the flag; an unheard 'error' event would crash the process
    worker.unref();
  } catch (err) {
    failure = `worker did not start: ${String(err)}`;
  }
  // Packed like the worker's share: two large arrays instead of two small ones per
  // paragraph (per-array overhead and a fragmented heap cost ~150 MB at a million).
  store.add(0, packFeatures(extractor, texts.slice(0, split)));

  let packed: PackedFeatures | null = null;
  if (worker) {
    const flag = new Int32Array(done);
    // Generous: the worker does about as much as this thread just did.
    const state = Atomics.wait(flag, 0, 0, 120_000 + texts.length);
    const message = receiveMessageOnPort(port1)?.message as { packed?: PackedFeatures; error?: string } | undefined;
    if (state === 'timed-out') failure = 'worker timed out';
    else if (message?.packed) packed = message.packed;
    else failure = `worker failed: ${message?.error ?? 'no result'}`;
    void worker.terminate();
  }
  port1.close();
  if (packed) {
    store.add(split, packed);
    return store;
  }
  (opts.onWorkerFailure ?? ((reason: string) => process.emitWarning(`dedup: ${reason}; extracting on one thread`)))(failure);
  store.add(split, packFeatures(extractor, texts.slice(split)));
  return store;
}
