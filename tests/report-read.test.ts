import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLineBuffers, readLines } from '../src/report/read.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nc-report-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** What node:readline (the reader readLines replaced) gives for the same file. */
const readlineLines = (file: string) => collect(createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity }));

describe('readLines', () => {
  it('splits like node:readline on LF, CRLF and lone CR, whatever the chunk boundaries (multi-byte characters included)', async () => {
    const piece = fc.constantFrom('a', 'é', '€', '😀', '{"x":1}', '\n', '\r', '\r\n', ' ', '');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), async (pieces, chunkBytes) => {
        const file = path.join(dir, `f${n++}.txt`);
        await writeFile(file, pieces.join(''));
        expect(await collect(readLines(file, chunkBytes))).toEqual(await readlineLines(file));
        // Each line's offset points at its bytes in the file (the report reads some lines again by offset).
        const whole = Buffer.from(pieces.join(''));
        for (const { bytes, offset } of await collect(readLineBuffers(file, chunkBytes))) {
          expect(whole.subarray(offset, offset + bytes.length).equals(bytes)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads an empty file as no lines and keeps a last line without a newline', async () => {
    const empty = path.join(dir, 'empty.txt');
    await writeFile(empty, '');
    expect(await collect(readLines(empty))).toEqual([]);
    const last = path.join(dir, 'last.txt');
    await writeFile(last, 'one\n\ntwo');
    expect(await collect(readLines(last, 2))).toEqual(['one', '', 'two']);
  });
});
