/** Where the shared development data lives (never copied into the repo). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env.NEWSCLEAN_SHARED ?? path.resolve(REPO_ROOT, '../shared');
export const SEEDS_DIR = path.join(SHARED_DIR, 'seeds');
export const DEVSET_DIR = path.join(SHARED_DIR, 'devsets/html-extraction');
export const hasDevset = existsSync(path.join(DEVSET_DIR, 'annotations.jsonl'));
