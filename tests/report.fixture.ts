/**
 * Hand-written output folders for the report tests: small, in the shape the
 * writers produce (src/io/records.ts), with the cases real runs of the five
 * samples do not have (clusters, set-aside documents, failed inputs,
 * hostile strings in every field).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Every string a hostile page could try; each sets window.__pwned if it ever ran. */
export const HOSTILE = {
  script: '<script>window.__pwned = "script"</script>',
  onerror: '<img src=x onerror="window.__pwned = \'onerror\'">',
  textarea: '</textarea><script>window.__pwned = "textarea"</script>',
  style: '</style><script>window.__pwned = "style"</script>',
  attr: '" autofocus onfocus="window.__pwned = \'attr\'" x="',
  jsUrl: 'javascript:window.__pwned="url"',
};

const line = (o: unknown) => `${JSON.stringify(o)}\n`;

export const CANONICAL =
  'Secretary of State Antony Blinken announced on Monday that Zalmay Khalilzad, the special envoy for Afghanistan, is stepping down after more than three years in the post.';
export const VARIANT =
  'Secretary of State Antony Blinken said on Monday that Zalmay Khalilzad, the special envoy to Afghanistan, is stepping down after over three years in the post.';

export function writeFixtureOutput(dir: string): void {
  mkdirSync(path.join(dir, 'diffs'), { recursive: true });
  const para = (text: string, seq: number, cluster: string | null = null, kind = 'paragraph') => ({ text, kind, lang: 'en', lang3: 'eng', cluster, seq });
  const wireA = {
    id: 'wire-a',
    source: 'wire-a.txt',
    url: 'https://example.com/news/envoy?x=1&y=2',
    title: 'Envoy steps down',
    date: '2021-10-18',
    lang: 'en',
    lang3: 'eng',
    text: '',
    paragraphs: [para('Envoy steps down', 1, null, 'heading'), para(CANONICAL, 2, 'c-0001'), para('The Wall Avenue Journal reported the letter first.', 4)],
    removed: [
      { text: 'Home » News » World', reason: 'breadcrumb', stage: 'boilerplate', kind: 'paragraph', seq: 0 },
      { text: 'Share this story on Facebook', reason: 'share', stage: 'boilerplate', kind: 'paragraph', seq: 3, confidence: 0.9, detail: 'share prompt' },
    ],
    flags: [
      { paragraph: null, start: null, end: null, text: null, kind: 'spun', confidence: 0.7, suggestion: null, evidence: '7 spun phrases in 3 paragraphs', stage: 'artifacts' },
      { paragraph: 2, start: 4, end: 23, text: 'Wall Avenue Journal', kind: 'spun-expression', confidence: 0.85, suggestion: 'Wall Street Journal', evidence: 'street → avenue (spinner synonym)', stage: 'artifacts' },
    ],
  };
  const wireB = {
    id: 'wire-b',
    source: 'wire-b.txt',
    url: HOSTILE.jsUrl,
    title: 'Khalilzad resigns',
    date: null,
    lang: 'en',
    lang3: 'eng',
    text: '',
    paragraphs: [para(VARIANT, 0, 'c-0001'), para('Analysts said the move could complicate talks.', 1)],
    removed: [],
    flags: [],
    fixes: [{ paragraph: 1, start: 9, end: 13, before: 'sayd', after: 'said', kind: 'missing-letter', stage: 'artifacts' }],
  };
  const hostile = {
    id: 'hostile',
    source: 'hostile.html',
    url: 'data:text/html,<script>alert(1)</script>',
    title: HOSTILE.script,
    date: null,
    lang: 'en',
    lang3: 'eng',
    text: '',
    paragraphs: [para(`${HOSTILE.onerror} and ${HOSTILE.textarea}`, 0), para(HOSTILE.style, 1)],
    removed: [{ text: HOSTILE.attr, reason: '<b>reason</b>', stage: 'boilerplate', kind: 'paragraph', seq: 2, detail: HOSTILE.script }],
    flags: [
      { paragraph: 0, start: 0, end: 4, text: '<img', kind: '<i>kind</i>', confidence: 0.5, suggestion: HOSTILE.attr, evidence: HOSTILE.script, stage: 'artifacts' },
    ],
    meta: { note: HOSTILE.style },
  };
  const docs = [wireA, wireB, hostile].map((d) => ({ ...d, text: d.paragraphs.map((p) => p.text).join('\n\n') }));
  writeFileSync(path.join(dir, 'documents.jsonl'), docs.map(line).join('') + 'this line is not JSON\n');
  writeFileSync(path.join(dir, 'flags.jsonl'), docs.flatMap((d) => d.flags.map((f) => line({ doc: d.id, ...f }))).join(''));
  writeFileSync(
    path.join(dir, 'clusters.jsonl'),
    line({ id: 'c-0001', canonical: CANONICAL, canonicalReason: 'longest member from the earliest document', members: [{ doc: 'wire-a', paragraph: 1 }, { doc: 'wire-b', paragraph: 0 }], similarity: 0.82 }),
  );
  writeFileSync(
    path.join(dir, 'set-aside.jsonl'),
    line({ id: 'german', source: 'german.txt', reason: 'language', detail: 'deu (accepted: en)', url: null, title: null, date: null, lang: 'de', lang3: 'deu' }),
  );
  writeFileSync(
    path.join(dir, 'diffs', 'wire-a.diff'),
    '===================================================================\n--- a/wire-a.txt\n+++ b/wire-a.txt\n@@ -1,3 +1,1 @@\n-Home » News » World\n-\n Envoy steps down\n',
  );
  writeFileSync(
    path.join(dir, 'run.json'),
    JSON.stringify({
      tool: { name: 'newsclean', version: '0.1.0' },
      input: '/data/raw',
      output: dir,
      config: { file: null, hash: 'ab'.repeat(32) },
      startedAt: '2026-11-27T00:00:00.000Z',
      finishedAt: '2026-11-27T00:00:01.000Z',
      seconds: 1,
      counts: { documents: 3, setAside: { language: 1 }, failedInputs: 1 },
      stages: [],
      summaries: {},
      errors: [{ source: 'broken.jsonl', line: 7, stage: 'read', message: `Unexpected token ${HOSTILE.script}` }],
      setAside: [{ id: 'german', source: 'german.txt', reason: 'language', detail: 'deu (accepted: en)' }],
    }),
  );
}

/**
 * A raw input folder of hostile documents for a real pipeline run: markup
 * that would run script if the report ever inserted content as HTML, a
 * `javascript:` link, breakouts, and one 1 MB line.
 */
export function writeHostileRaw(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const prose = 'Officials in Kabul said on Tuesday that the talks would continue next week despite the resignation of the envoy.';
  writeFileSync(
    path.join(dir, 'hostile-page.html'),
    `<!doctype html><html><head><title>${HOSTILE.script}</title><style>p{}</style></head><body>
<article><h1>Envoy ${HOSTILE.onerror} resigns</h1>
<p>${prose} <a href="${HOSTILE.jsUrl}">Read more</a></p>
<p>${prose} ${HOSTILE.textarea.replace('<', '&lt;')} ${HOSTILE.style.replace('<', '&lt;')}</p>
<p>${prose} <svg onload="window.__pwned='svg'"></svg> <iframe src="javascript:window.__pwned='iframe'"></iframe></p>
</article></body></html>`,
  );
  writeFileSync(path.join(dir, 'hostile-text.txt'), [`${HOSTILE.script} Envoy resigns`, `${prose} ${HOSTILE.onerror}`, `${prose} ${HOSTILE.textarea}`, `${HOSTILE.style} ${prose}`, HOSTILE.attr].join('\n\n'));
  writeFileSync(
    path.join(dir, 'hostile.jsonl'),
    line({ id: 'js-url', url: HOSTILE.jsUrl, title: HOSTILE.script, date: '2021-10-19', text: `${prose}\n\n${HOSTILE.onerror} ${prose}` }),
  );
  const words = 'the envoy said talks would continue despite the resignation and the withdrawal from kabul'.split(' ');
  let big = '';
  for (let i = 0; big.length < 1_000_000; i++) big += `${words[i % words.length]} `;
  writeFileSync(path.join(dir, 'one-megabyte-line.txt'), `${big.trim()}.\n`);
}

/** An output folder of `n` small documents (every third in French, every fifth with a flag) for table and scale tests. */
export function writeManyDocsOutput(dir: string, n: number): void {
  writeFixtureOutput(dir);
  const flagLines: string[] = [];
  const docs = Array.from({ length: n }, (_, i) => {
    const id = `d${String(i).padStart(5, '0')}`;
    const flags = i % 5 === 0 ? [{ paragraph: 0, start: 0, end: 9, text: 'Paragraph', kind: 'name-variant', confidence: 0.6, suggestion: null, evidence: '', stage: 'artifacts' }] : [];
    flagLines.push(...flags.map((f) => line({ doc: id, ...f })));
    return line({
      id,
      source: `d${i}.txt`,
      url: null,
      title: `Story ${i}`,
      date: null,
      lang: i % 3 ? 'en' : 'fr',
      lang3: i % 3 ? 'eng' : 'fra',
      text: `Paragraph ${i}`,
      paragraphs: [{ text: `Paragraph ${i}`, kind: 'paragraph', lang: 'en', lang3: 'eng', cluster: null, seq: 0 }],
      removed: [],
      flags,
    });
  });
  writeFileSync(path.join(dir, 'documents.jsonl'), docs.join(''));
  writeFileSync(path.join(dir, 'flags.jsonl'), flagLines.join(''));
  writeFileSync(path.join(dir, 'clusters.jsonl'), '');
}

/**
 * Three short articles sharing one wire paragraph (two exact copies, one
 * lightly edited), so a real run forms a cluster.
 */
export function writeCopiesRaw(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const wire = (verb: string, prep: string) =>
    `Secretary of State Antony Blinken ${verb} on Monday that Zalmay Khalilzad, the special envoy ${prep} Afghanistan who negotiated the withdrawal agreement with the Taliban, is stepping down after more than three years in the post and will be replaced by his deputy Thomas West.`;
  writeFileSync(path.join(dir, 'a.txt'), `Envoy steps down\n\n${wire('announced', 'for')}\n\nThe decision surprised few diplomats in Washington, who had expected a change after the chaotic evacuation from Kabul airport in August.\n`);
  writeFileSync(path.join(dir, 'b.txt'), `Khalilzad resigns\n\n${wire('said', 'to')}\n\nAnalysts in Islamabad said the move could complicate talks with the new government in Kabul over humanitarian aid and frozen reserves.\n`);
  writeFileSync(path.join(dir, 'c.txt'), `US envoy quits\n\nOfficials in Doha said on Tuesday that the talks would go on.\n\n${wire('announced', 'for')}\n`);
}
