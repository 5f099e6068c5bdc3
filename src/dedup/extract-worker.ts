/**
 * Packed feature extraction, and the worker side of parallel extraction (src/dedup/parallel.ts): extract
 * the features of a share of the paragraphs and send them back packed in a few
 * typed arrays (transferred, not copied). Token ids are hashes of class
 * strings, so they are the same in every thread: results are identical to
 * extracting on the main thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { WordNet } from '../lexicon/wordnet.ts';
import { FeatureExtractor } from './features.ts';
import { IntPool } from './index.ts';

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

export function packFeatures(extractor: FeatureExtractor, texts: string[]): PackedFeatures {
  const n = texts.length;
  const words = new Int32Array(n);
  const tokenLengths = new Int32Array(n);
  const surfaceLengths = new Int32Array(n);
  const keys: string[] = new Array(n);
  const tokens = new IntPool(1 << 16);
  const surface = new IntPool(1 << 16);
  for (let i = 0; i < n; i++) {
    const f = extractor.extract(texts[i]!);
    // The text is no longer needed here: let the collector take it while the rest is extracted.
    texts[i] = '';
    words[i] = f.words;
    keys[i] = f.key;
    tokenLengths[i] = f.tokens.length;
    surfaceLengths[i] = f.surface.length;
    tokens.pushArray(f.tokens);
    surface.pushArray(f.surface);
  }
  // Views, not copies (a copy would briefly double the largest arrays); posting transfers the whole buffers.
  return { words, tokenLengths, surfaceLengths, tokens: tokens.view(), surface: surface.view(), keys };
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
