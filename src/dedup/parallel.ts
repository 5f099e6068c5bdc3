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
import type { PackedFeatures } from './extract-worker.ts';
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
    for (let i = 0; i < texts.length; i++) fn(extractor.extract(texts[i]!), i);
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
  for (let i = 0; i < split; i++) fn(extractor.extract(texts[i]!), i);

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
    let tokenAt = 0;
    let surfaceAt = 0;
    for (let j = 0; j < packed.keys.length; j++) {
      const tokenLength = packed.tokenLengths[j]!;
      const surfaceLength = packed.surfaceLengths[j]!;
      // Views into the packed arrays: no copy per paragraph.
      const f: ParagraphFeatures = {
        words: packed.words[j]!,
        tokens: packed.tokens.subarray(tokenAt, (tokenAt += tokenLength)),
        surface: packed.surface.subarray(surfaceAt, (surfaceAt += surfaceLength)),
        key: packed.keys[j]!,
      };
      fn(f, split + j);
    }
    return;
  }
  (opts.onWorkerFailure ?? ((reason: string) => process.emitWarning(`dedup: ${reason}; extracting on one thread`)))(failure);
  for (let i = split; i < texts.length; i++) fn(extractor.extract(texts[i]!), i);
}
