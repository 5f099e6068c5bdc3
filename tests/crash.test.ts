/**
 * Crash safety: the real CLI, killed with SIGKILL at random moments (during a
 * first full run and during an incremental run), then run to completion, must
 * leave outputs identical to those of uninterrupted runs: every file, except
 * the timing fields of run.json (and the absolute output path, which differs
 * between the two folders compared).
 */
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../src/gen/random.ts';
import { STATE_DIR } from '../src/state/incremental.ts';
import { REPO_ROOT } from './helpers/shared.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'newsclean.mjs');
const KILLS_PER_PHASE = 10;
const root = mkdtempSync(path.join(os.tmpdir(), 'nc-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A small syndicated dump: stories copied across sites (so there are clusters), plus site furniture. */
function writeDump(dir: string, from: number, to: number): void {
  const rng = createRng(4242);
  const stories = Array.from({ length: 6 }, (_, s) =>
    Array.from(
      { length: 4 },
      (_, p) =>
        `Story ${s} paragraph ${p}: the regional council announced on ${['Monday', 'Tuesday', 'Friday'][p % 3]} that the ${['harbour', 'tram line', 'hospital', 'school', 'bridge', 'park'][s]} works would cost ${10 + s * 7 + p} million, more than planned, and that residents would be consulted again.`,
    ),
  );
  for (let n = 0; n < to; n++) {
    const story = stories[n % stories.length]!;
    const paragraphs = story.filter(() => rng.chance(0.85));
    const text = [`Posted by the ${['Herald', 'Ledger', 'Star'][n % 3]} newsroom`, ...paragraphs, 'Share this article on Facebook and Twitter'].join('\n\n');
    if (n >= from) {
      mkdirSync(path.join(dir, `site${n % 3}`), { recursive: true });
      writeFileSync(path.join(dir, `site${n % 3}`, `doc${String(n).padStart(3, '0')}.txt`), `${text}\n`);
    }
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

/** Run the CLI; kill it with SIGKILL after `killAfterMs` if given. */
function runCli(input: string, output: string, killAfterMs?: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, 'run', '--input', input, '--output', output, '--quiet'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code !== null && code !== 0) reject(new Error(`newsclean exited ${code}: ${stderr}`));
      else resolve({ code, signal, ms: Date.now() - t0 });
    });
  });
}

const TIMING = new Set(['startedAt', 'finishedAt', 'seconds', 'ms']);

/** Every output file (the state folder aside), normalised where runs may legitimately differ. */
function snapshot(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(output, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      // The report manifest records the diff files' inodes and mtimes and the folder's nonce: bookkeeping that differs between folders.
      if (r === STATE_DIR || r === 'report/.manifest.json') continue;
      const abs = path.join(output, r);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(abs)}`;
      else if (st.isDirectory()) walk(r);
      else {
        let text = readFileSync(abs, 'utf8').split(output).join('<output>');
        if (name === 'run.json') text = JSON.stringify(JSON.parse(text, (k, v) => (TIMING.has(k) ? undefined : v)), null, 2);
        // The report's Content-Security-Policy nonce is random per output folder, by design,
        // and its index page shows run.json's timing fields.
        if (r.startsWith('report/')) {
          text = text
            .replace(/nonce-[A-Za-z0-9_-]+/g, 'nonce-*')
            .replace(/nonce="[A-Za-z0-9_-]+"/g, 'nonce="*"')
            .replace(/<dt>(started|finished|seconds)<\/dt><dd>[^<]*<\/dd>/g, '<dt>$1</dt><dd>*</dd>');
        }
        out[r] = text;
      }
    }
  };
  walk('');
  return out;
}

/** Compare file by file, so a failure names the files that differ. */
function expectSame(got: Record<string, string>, want: Record<string, string>): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  const differing = Object.keys(want).filter((k) => got[k] !== want[k]);
  expect(differing).toEqual([]);
}

describe('crash safety', () => {
  it(`killed with SIGKILL at ${2 * KILLS_PER_PHASE} random moments, the next run completes with outputs identical to uninterrupted runs`, async () => {
    const input = path.join(root, 'input');
    const clean = path.join(root, 'clean');
    const crashed = path.join(root, 'crashed');
    const rng = createRng(Number(process.env.NEWSCLEAN_CRASH_SEED ?? Date.now() % 1e9));

    // Phase 1: a first (full) run. Phase 2: an incremental run after new files arrive.
    writeDump(input, 0, 24);
    const reference1 = await runCli(input, clean);
    let killed = 0;
    /**
     * Kill runs until KILLS_PER_PHASE of them were really killed. Moments are drawn
     * from process start to a little past the typical length of a run; once a run
     * completes on its own, later runs find nothing new (or redo a killed one), and
     * the typical length becomes that run's.
     */
    const killLoop = async (typicalMs: number) => {
      let typical = typicalMs;
      let kills = 0;
      for (let attempt = 0; kills < KILLS_PER_PHASE && attempt < 4 * KILLS_PER_PHASE; attempt++) {
        const exit = await runCli(input, crashed, Math.floor(rng.next() * typical * 1.1));
        if (exit.signal === 'SIGKILL') kills++;
        else typical = exit.ms;
      }
      killed += kills;
      await runCli(input, crashed);
    };
    await killLoop(reference1.ms);
    expectSame(snapshot(crashed), snapshot(clean));

    writeDump(input, 24, 36);
    const reference2 = await runCli(input, clean);
    await killLoop(reference2.ms);
    const want = snapshot(clean);
    expect(Object.keys(want)).toContain('runs/000002/documents.jsonl');
    // The dump has copies across sites, so clusters (and their cross-run merge) are part of what is compared.
    expect(want['clusters.jsonl']!.length).toBeGreaterThan(0);
    expect(want['runs/000002/clusters.jsonl']!.length).toBeGreaterThan(0);
    expectSame(snapshot(crashed), want);
    expect(killed).toBe(2 * KILLS_PER_PHASE);
  }, 240_000);
});
