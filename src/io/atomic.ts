/**
 * Atomic file writes: write a temporary file in the same folder, then rename
 * it over the target. A crash or a full disk leaves the previous file (or no
 * file), never a half-written one. Every target path is checked to lie inside
 * the output folder first.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { safeJoin } from './ids.ts';

let counter = 0;
/** Temporary names end in `.tmp-<pid>-<n>`; they are ignored by git and cleaned up after a crash. */
export const TEMP_MARK = '.tmp-';
function tempName(file: string): string {
  return `${file}${TEMP_MARK}${process.pid}-${++counter}`;
}

/** Write `data` to `root/…segments` atomically. `durable` also fsyncs before renaming. */
export async function writeFileAtomic(root: string, segments: string[], data: string | Uint8Array, durable = false): Promise<string> {
  const target = safeJoin(root, ...segments);
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = tempName(target);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    if (durable) await fh.sync();
    await fh.close();
    await rename(tmp, target);
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
  return target;
}

/** How much an AtomicLineWriter buffers before it waits for the disk. */
const WRITE_BUFFER_BYTES = 4 << 20;

/**
 * A JSON Lines file written record by record (large outputs are never built
 * as one string) and renamed into place on `commit()`.
 */
export class AtomicLineWriter {
  private readonly stream: WriteStream;
  private readonly tmp: string;
  private failed: Error | null = null;

  private constructor(
    readonly target: string,
    tmp: string,
  ) {
    this.tmp = tmp;
    // A large buffer: a JSONL file is written as tens of thousands of lines of a few KB, and with the
    // default 16 KB every few lines waited for a write to finish (one syscall and one 'drain' per
    // document). Buffered, the stream hands the kernel a few MB at a time (writev).
    this.stream = createWriteStream(tmp, { highWaterMark: WRITE_BUFFER_BYTES });
    this.stream.on('error', (err) => {
      this.failed = err;
    });
  }

  static async open(root: string, name: string): Promise<AtomicLineWriter> {
    const target = safeJoin(root, name);
    await mkdir(path.dirname(target), { recursive: true });
    return new AtomicLineWriter(target, tempName(target));
  }

  /** Append one record as a JSON line (waits when the stream buffer is full). */
  async write(record: unknown): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.stream.write(`${JSON.stringify(record)}\n`)) await once(this.stream, 'drain');
  }

  /** Append bytes that already hold whole lines (each ending in a newline). */
  async writeBytes(lines: Buffer): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.stream.write(lines)) await once(this.stream, 'drain');
  }

  async commit(): Promise<void> {
    if (this.failed) throw this.failed;
    this.stream.end();
    await once(this.stream, 'finish');
    if (this.failed) throw this.failed;
    const fh = await open(this.tmp, 'r+');
    await fh.sync();
    await fh.close();
    await rename(this.tmp, this.target);
  }

  async abort(): Promise<void> {
    this.stream.destroy();
    await rm(this.tmp, { force: true });
  }
}
