/** Name and version of this tool, from package.json (run.json and `--version`). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_JSON = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json');

export const TOOL = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { name: string; version: string };
