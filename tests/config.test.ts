import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, hashConfig, loadConfig, resolveConfig } from '../src/config.ts';
import { REPO_ROOT } from './helpers/shared.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'newsclean-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function issuesOf(input: unknown): string[] {
  try {
    resolveConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('config validation', () => {
  it('fills every default, so an empty config is valid', () => {
    const c = resolveConfig({});
    expect(c.concurrency).toBe(4);
    expect(c.languages).toEqual([]);
    expect(c.input.maxBytes).toBe(64 * 1024 * 1024);
    expect(c.pipeline[0]).toBe('segment');
    // Each stage's options are present with their defaults.
    for (const name of c.pipeline) expect(c.stages).toHaveProperty(name);
  });

  it('names an unknown key, at the top level and inside sections', () => {
    expect(issuesOf({ langauges: ['en'] })).toEqual(['langauges: unknown key']);
    expect(issuesOf({ input: { maxbytes: 10 } })).toEqual(['input.maxbytes: unknown key']);
    expect(issuesOf({ stages: { segment: { bogus: true } } })).toEqual(['stages.segment.bogus: unknown key']);
    expect(issuesOf({ stages: { nosuchstage: {} } })).toEqual(['stages.nosuchstage: unknown key']);
  });

  it('names a key with a wrong type or value', () => {
    expect(issuesOf({ concurrency: 'four' })[0]).toMatch(/^concurrency: .*expected number/i);
    expect(issuesOf({ input: { maxBytes: -5 } })[0]).toMatch(/^input\.maxBytes: /);
    expect(issuesOf({ languages: ['English'] })[0]).toMatch(/^languages\.0: expected an ISO 639-1 or 639-3 code/);
    expect(issuesOf({ pipeline: ['segment', 'spellcheck'] })[0]).toMatch(/^pipeline\.1: unknown stage/);
  });

  it('hashes equal configs equally, whatever the key order, and different ones differently', () => {
    const a = resolveConfig({ languages: ['en'], concurrency: 2 });
    const b = resolveConfig({ concurrency: 2, languages: ['en'] });
    expect(hashConfig(a)).toBe(hashConfig(b));
    expect(hashConfig(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashConfig(resolveConfig({ languages: ['en'], concurrency: 2, input: { maxBytes: 10 } }))).not.toBe(hashConfig(a));
  });
});

describe('config loading', () => {
  it('loads the bundled pipeline.config.ts', async () => {
    const loaded = await loadConfig(path.join(REPO_ROOT, 'pipeline.config.ts'), true);
    expect(loaded.file).toBe(path.join(REPO_ROOT, 'pipeline.config.ts'));
    expect(loaded.config.languages).toEqual(['en']);
  });

  it('uses defaults when the default file is missing, and fails when a named file is missing', async () => {
    const missing = path.join(dir, 'pipeline.config.ts');
    const loaded = await loadConfig(missing, false);
    expect(loaded.file).toBeNull();
    expect(loaded.hash).toBe(hashConfig(resolveConfig({})));
    await expect(loadConfig(missing, true)).rejects.toThrow(/config file not found/);
  });

  it('reports a config file that does not load as a ConfigError', async () => {
    const broken = path.join(dir, 'broken.config.ts');
    writeFileSync(broken, 'export default { languages: [ };\n');
    await expect(loadConfig(broken, true)).rejects.toBeInstanceOf(ConfigError);
    const typed = path.join(dir, 'typed.config.ts');
    writeFileSync(typed, 'export default { input: { maxBytes: "1MB" } };\n');
    await expect(loadConfig(typed, true)).rejects.toThrow(/input\.maxBytes/);
  });
});

describe('config reference', () => {
  it('README documents every config key outside the per-stage options, with its default', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    const documented = new Set([...section.matchAll(/^\| `([A-Za-z.<>]+)` \|/gm)].map((m) => m[1]));
    const keys: string[] = [];
    for (const [k, v] of Object.entries(resolveConfig({}))) {
      if (k === 'stages') continue;
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const sub of Object.keys(v)) keys.push(`${k}.${sub}`);
      else keys.push(k);
    }
    expect(keys.filter((k) => !documented.has(k))).toEqual([]);
  });
});
