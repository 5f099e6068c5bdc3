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

/** Call `fn` with the features of every text, in input order. */
export function forEachFeatures(texts: readonly string[], extractor: FeatureExtractor, fn: (f: ParagraphFeatures, i: number) => void, opts: ParallelOptions = {}): void {
  const config = extractor.workerConfig;
  if (opts.parallel === false || texts.length < (opts.minParagraphs ?? PARALLEL_MIN_PARAGRAPHS) || !config) {
    forEachPacked(packFeatures(extractor, texts.slice()), 0, fn);
    return;
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
  forEachPacked(packFeatures(extractor, texts.slice(0, split)), 0, fn);

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
    forEachPacked(packed, split, fn);
    return;
  }
  (opts.onWorkerFailure ?? ((reason: string) => process.emitWarning(`dedup: ${reason}; extracting on one thread`)))(failure);
  forEachPacked(packFeatures(extractor, texts.slice(split)), split, fn);
}

/** Call `fn` with each paragraph's features as views into the packed arrays (no copy per paragraph); `first`: input index of the first. */
function forEachPacked(packed: PackedFeatures, first: number, fn: (f: ParagraphFeatures, i: number) => void): void {
  let tokenAt = 0;
  let surfaceAt = 0;
  for (let j = 0; j < packed.keys.length; j++) {
    const f: ParagraphFeatures = {
      words: packed.words[j]!,
      tokens: packed.tokens.subarray(tokenAt, (tokenAt += packed.tokenLengths[j]!)),
      surface: packed.surface.subarray(surfaceAt, (surfaceAt += packed.surfaceLengths[j]!)),
      key: packed.keys[j]!,
    };
    fn(f, first + j);
  }
}
