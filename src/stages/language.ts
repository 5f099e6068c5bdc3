/**
 * language: identify the language of each document and each paragraph with
 * franc (ISO 639-3, plus ISO 639-1 from src/text/iso639.ts; `und` when the
 * text is too short to tell), and set aside documents outside
 * `config.languages`.
 *
 * - Document: franc on a sample of the document's prose — the kept blocks
 *   with at least `minParagraphLetters` letters (all blocks if those are too
 *   few), joined, cut to `sampleChars`. Fewer than `minDocumentLetters`
 *   letters → `und`; undetermined documents are always kept.
 * - Paragraph: a paragraph with fewer than `minParagraphLetters` letters
 *   (a heading, a label, a one-line quote) inherits the document language:
 *   franc on 20 letters is a coin toss among similar languages (it calls
 *   `A fine negotiator` Mossi and `Leave a Reply` Romani), while such a line in
 *   an English article is English far more often than not. A longer paragraph
 *   that shares at least `sharedWordShare` of its words with the document's
 *   `frequentWords` most frequent words reads like the rest of the document
 *   and inherits too (no franc call). Other paragraphs get franc's answer
 *   (the document language when franc cannot tell).
 *   Limitation: in a document mixing two languages in equal parts, the
 *   frequent words of both are "the document's", and paragraphs inherit the
 *   document language.
 * - Accepted languages: `config.languages` (ISO 639-1 or 639-3; empty = all).
 *   A document detected as another language gets
 *   `setAside = { reason: 'language', detail: 'detected deu (de); accepted: en' }`
 *   (the writers list it in set-aside.jsonl). Accepted languages are always
 *   franc candidates, so accepting `sco` makes Scots detectable.
 */
import { z } from 'zod';
import { defineDocumentStage } from '../core/stage.ts';
import type { Lang } from '../core/types.ts';
import { languageKey } from '../text/iso639.ts';
import {
  DEFAULT_CANDIDATES,
  detectLanguage,
  FRANC_LANGUAGES,
  francCodesFor,
  frequentWords,
  letterCount,
  sampleText,
  sharedWordShare,
  wordTokens,
  type DetectOptions,
} from '../text/language.ts';

const STAGE = 'language';

const francCode = z.string().refine((c) => FRANC_LANGUAGES.has(c), {
  message: 'not a language franc knows (ISO 639-3 as franc spells it, e.g. "eng", "cmn", "arb")',
});

const options = z.strictObject({
  /** Characters of the document's prose that franc reads (cut at a word boundary). franc's cost grows with it. */
  sampleChars: z.number().int().min(50).max(2048).default(500),
  /** A document with fewer letters is `und` (kept, never set aside). */
  minDocumentLetters: z.number().int().min(1).default(40),
  /** A paragraph with fewer letters inherits the document language. */
  minParagraphLetters: z.number().int().min(1).default(60),
  /** Characters of a paragraph franc reads. */
  paragraphSampleChars: z.number().int().min(50).max(2048).default(400),
  /** How many words make the document's vocabulary (the words found in most paragraphs, in at least two). */
  frequentWords: z.number().int().min(1).default(50),
  /** A paragraph with at least this share of its words in the document vocabulary inherits the document language. */
  sharedWordShare: z.number().min(0).max(1).default(0.2),
  /** Candidate languages (ISO 639-3 as franc names them). Empty = every language franc knows (slower, more confusions). */
  candidates: z.array(francCode).default([...DEFAULT_CANDIDATES]),
});

type LanguageOptions = z.output<typeof options>;

/** What the stage needs of each block, computed once. */
interface BlockText {
  text: string;
  letters: number;
  words: string[];
}

/** Accepted-language keys and franc candidates depend only on the configuration: computed once per configuration, not per document. */
const settingsCache = new WeakMap<readonly string[], Map<string, { accepted: string[]; candidates: string[] }>>();

function runSettings(configured: readonly string[], languages: readonly string[]): { accepted: string[]; candidates: string[] } {
  let byLanguages = settingsCache.get(configured);
  if (!byLanguages) settingsCache.set(configured, (byLanguages = new Map()));
  const key = languages.join(',');
  let settings = byLanguages.get(key);
  if (!settings) {
    settings = {
      accepted: languages.map(languageKey),
      // Accepted languages are always candidates, so accepting e.g. `sco` makes Scots detectable.
      candidates: configured.length ? [...new Set([...configured, ...languages.flatMap(francCodesFor)])] : [],
    };
    byLanguages.set(key, settings);
  }
  return settings;
}

function describe(lang: Lang): string {
  return lang.iso6391 === lang.iso6393 ? lang.iso6393 : `${lang.iso6393} (${lang.iso6391})`;
}

/** The blocks franc reads for the document: its prose paragraphs (all blocks if those are too few), up to `sampleChars`. */
function documentSample(blocks: BlockText[], opts: LanguageOptions): { blocks: BlockText[]; text: string } {
  const prose = blocks.filter((b) => b.letters >= opts.minParagraphLetters);
  const source = prose.reduce((n, b) => n + b.letters, 0) >= opts.minDocumentLetters ? prose : blocks;
  const used: BlockText[] = [];
  const pieces: string[] = [];
  let room = opts.sampleChars;
  for (const b of source) {
    if (room <= 0) break;
    const piece = sampleText(b.text, room);
    used.push(b);
    pieces.push(piece);
    room -= piece.length + 1;
  }
  return { blocks: used, text: pieces.join('\n') };
}

/**
 * The document language. franc reads the sample as one text. When some
 * sampled paragraph does not share the document's vocabulary (the document
 * may mix languages, and franc on the mixture can pick the minority one),
 * each sampled paragraph is identified and the language with the most
 * letters wins.
 */
function documentLanguage(blocks: BlockText[], vocabulary: Set<string>, detect: DetectOptions, opts: LanguageOptions, count: (k: string) => void): Lang {
  const sample = documentSample(blocks, opts);
  const whole = detectLanguage(sample.text, detect).lang;
  const mixed =
    sample.blocks.length >= 2 &&
    sample.blocks.some((b) => b.letters >= opts.minParagraphLetters && sharedWordShare(b.words, vocabulary) < opts.sharedWordShare);
  if (whole.iso6393 === 'und' || !mixed) return whole;
  count('documents-voted');
  const letters = new Map<string, { lang: Lang; letters: number }>();
  for (const b of sample.blocks) {
    const lang = detectLanguage(sampleText(b.text, opts.paragraphSampleChars), { ...detect, minLetters: opts.minParagraphLetters }).lang;
    if (lang.iso6393 === 'und') continue;
    const entry = letters.get(lang.iso6393) ?? { lang, letters: 0 };
    entry.letters += b.letters;
    letters.set(lang.iso6393, entry);
  }
  let best: { lang: Lang; letters: number } | null = null;
  for (const entry of letters.values()) if (!best || entry.letters > best.letters) best = entry;
  return best?.lang ?? whole;
}

function paragraphLanguage(block: BlockText, docLang: Lang, detect: DetectOptions, vocabulary: Set<string>, opts: LanguageOptions, count: (k: string) => void): Lang {
  if (block.letters < opts.minParagraphLetters) {
    count('paragraphs-short');
    return docLang;
  }
  if (docLang.iso6393 !== 'und' && sharedWordShare(block.words, vocabulary) >= opts.sharedWordShare) {
    count('paragraphs-inherited');
    return docLang;
  }
  count('paragraphs-detected');
  const found = detectLanguage(sampleText(block.text, opts.paragraphSampleChars), detect).lang;
  return found.iso6393 === 'und' ? docLang : found;
}

export default defineDocumentStage({
  name: STAGE,
  description: 'Detect the language per document and per paragraph (franc); set aside documents outside config.languages.',
  options,
  run(doc, ctx) {
    const opts = ctx.options;
    const { accepted, candidates } = runSettings(opts.candidates, ctx.languages);
    const detect: DetectOptions = { candidates, minLetters: opts.minDocumentLetters };
    const texts: BlockText[] = doc.blocks.map((b) => ({ text: b.text, letters: letterCount(b.text), words: wordTokens(b.text) }));
    const vocabulary = frequentWords(texts.map((t) => t.words), opts.frequentWords);
    const docLang = documentLanguage(texts, vocabulary, detect, opts, ctx.count);
    doc.lang = docLang;
    ctx.count(`documents:${docLang.iso6391}`);

    const paragraphDetect: DetectOptions = { candidates, minLetters: opts.minParagraphLetters };
    doc.blocks.forEach((block, i) => {
      block.lang = paragraphLanguage(texts[i]!, docLang, paragraphDetect, vocabulary, opts, ctx.count);
    });

    if (accepted.length && docLang.iso6393 !== 'und' && !accepted.includes(languageKey(docLang.iso6393))) {
      doc.setAside = { reason: 'language', detail: `detected ${describe(docLang)}; accepted: ${ctx.languages.join(', ')}` };
      ctx.count('set-aside');
    }
  },
});
