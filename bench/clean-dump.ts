/**
 * Text-dump mode's unit of work (`npm run bench:extract`): one page's dump cleaned by the text
 * classifier alone. A module of its own so the speed processes (bench/text-speed.ts) load the
 * classifier and nothing else of the bench.
 */
import { classifyBlocks, DEFAULT_AGGRESSIVENESS } from '../src/boilerplate/classify.ts';
import { isSpaceCode } from '../src/boilerplate/knowledge.ts';
import type { BlockModel } from '../src/boilerplate/block-model.ts';

/**
 * Text-dump mode: the classifier alone on one block per line (lines of whitespace only are
 * no blocks). Plain loops: this is inside the timed text-dump pass, and the filter/map chain
 * with a trimmed copy per line cost ~5 % of it (same blocks, same text).
 */
export function cleanDump(rawText: string, aggressiveness = DEFAULT_AGGRESSIVENESS, blockModel?: BlockModel | null): string {
  const lines = rawText.split('\n');
  const blocks: Array<{ text: string; kind: 'paragraph' }> = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (!isBlank(text)) blocks.push({ text, kind: 'paragraph' });
  }
  const decisions = classifyBlocks(blocks, { aggressiveness, titleLifted: false, mode: 'text', ...(blockModel !== undefined ? { blockModel } : {}) });
  const kept: string[] = [];
  for (let i = 0; i < blocks.length; i++) if (decisions[i]!.action !== 'remove') kept.push(blocks[i]!.text);
  return kept.join('\n');
}

/** `!text.trim()` without the trimmed copy (trim removes exactly the units isSpaceCode names). */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isSpaceCode(text.charCodeAt(i))) return false;
  return true;
}

