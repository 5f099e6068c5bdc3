/**
 * Per-document unified diff, raw text → cleaned text, for review
 * (`diffs/<id>.diff`, applies with `patch -p1`).
 */
import { createTwoFilesPatch } from 'diff';

/**
 * Give up on a minimal diff after this many edits: Myers' algorithm is
 * O(N·D), and a page whose text changed almost entirely would stall the run.
 * Past it the diff removes every old line and adds every new one, which is
 * still a correct patch.
 */
const MAX_EDIT_LENGTH = 20_000;

/** Text as written to docs/<id>.txt: POSIX text file, ends with a newline unless empty. */
export function asTextFile(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

export function documentDiff(source: string, id: string, rawText: string, cleanedFile: string): string {
  const oldName = `a/${source}`;
  const newName = `b/${id}.txt`;
  const patch = createTwoFilesPatch(oldName, newName, rawText, cleanedFile, undefined, undefined, {
    context: 3,
    maxEditLength: MAX_EDIT_LENGTH,
  });
  return patch ?? wholeReplacement(oldName, newName, rawText, cleanedFile);
}

/** A patch that replaces every line: used when the minimal diff is too expensive. */
function wholeReplacement(oldName: string, newName: string, oldText: string, newText: string): string {
  const lines = (s: string) => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));
  const oldLines = lines(oldText);
  const newLines = lines(newText);
  const noEol = '\\ No newline at end of file';
  const out = [`===================================================================`, `--- ${oldName}`, `+++ ${newName}`];
  out.push(`@@ -${oldLines.length ? 1 : 0},${oldLines.length} +${newLines.length ? 1 : 0},${newLines.length} @@`);
  oldLines.forEach((l, i) => {
    out.push(`-${l}`);
    if (i === oldLines.length - 1 && !oldText.endsWith('\n')) out.push(noEol);
  });
  newLines.forEach((l, i) => {
    out.push(`+${l}`);
    if (i === newLines.length - 1 && !newText.endsWith('\n')) out.push(noEol);
  });
  return `${out.join('\n')}\n`;
}
