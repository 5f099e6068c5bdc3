/**
 * Worker side of parallel feature extraction (src/dedup/parallel.ts): extract
 * the features of a share of the paragraphs and send them back packed in a few
 * typed arrays (transferred, not copied). Token ids are hashes of class
 * strings, so they are the same in every thread: results are identical to
 * extracting on the main thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { WordNet } from '../lexicon/wordnet.ts';
import { FeatureExtractor } from './features.ts';

export interface ExtractJob {
  texts: string[];
  dictDir: string;
  synonymClasses: boolean;
  port: MessagePort;
  /** Int32 flag: 1 when the result was posted, 2 on error (the main thread blocks on it with Atomics.wait). */
  done: SharedArrayBuffer;
}

export interface PackedFeatures {
  words: Int32Array;
  tokenLengths: Int32Array;
  surfaceLengths: Int32Array;
  tokens: Int32Array;
  surface: Int32Array;
  keys: string[];
}

/** Appends to a growable Int32Array (grown by half, so the worker never holds per-paragraph arrays and a packed copy at once). */
class Pool {
  data = new Int32Array(1 << 16);
  length = 0;
  append(xs: Int32Array): void {
    if (this.length + xs.length > this.data.length) {
      const next = new Int32Array(Math.max(Math.ceil(this.data.length * 1.5), this.length + xs.length));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    this.data.set(xs, this.length);
    this.length += xs.length;
  }
  /** The filled part, in an array of its own (transferable). */
  take(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

export function packFeatures(extractor: FeatureExtractor, texts: string[]): PackedFeatures {
  const n = texts.length;
  const words = new Int32Array(n);
  const tokenLengths = new Int32Array(n);
  const surfaceLengths = new Int32Array(n);
  const keys: string[] = new Array(n);
  const tokens = new Pool();
  const surface = new Pool();
  for (let i = 0; i < n; i++) {
    const f = extractor.extract(texts[i]!);
    // The text is no longer needed here: let the collector take it while the rest is extracted.
    texts[i] = '';
    words[i] = f.words;
    keys[i] = f.key;
    tokenLengths[i] = f.tokens.length;
    surfaceLengths[i] = f.surface.length;
    tokens.append(f.tokens);
    surface.append(f.surface);
  }
  return { words, tokenLengths, surfaceLengths, tokens: tokens.take(), surface: surface.take(), keys };
}

export function runExtractJob(job: ExtractJob): void {
  const done = new Int32Array(job.done);
  try {
    const extractor = new FeatureExtractor(new WordNet(job.dictDir), { synonymClasses: job.synonymClasses });
    const packed = packFeatures(extractor, job.texts);
    const buffers = [packed.words, packed.tokenLengths, packed.surfaceLengths, packed.tokens, packed.surface].map((a) => a.buffer as ArrayBuffer);
    job.port.postMessage({ packed }, buffers);
    Atomics.store(done, 0, 1);
  } catch (err) {
    job.port.postMessage({ error: String((err as Error)?.stack ?? err) });
    Atomics.store(done, 0, 2);
  }
  Atomics.notify(done, 0);
  job.port.close();
}
