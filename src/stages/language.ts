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
import type { Doc, Lang } from '../core/types.ts';
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
  type DetectOptions,
} from '../text/language.ts';

const STAGE = 'language';

const francCode = z.string().refine((c) => FRANC_LANGUAGES.has(c), {
  message: 'not a language franc knows (ISO 639-3 as franc spells it, e.g. "eng", "cmn", "arb")',
});

const options = z.strictObject({
  /** Characters of the document's prose that franc reads (cut at a word boundary). franc's cost grows with it. */
  sampleChars: z.number().int().min(50).max(2048).default(1000),
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

function describe(lang: Lang): string {
  return lang.iso6391 === lang.iso6393 ? lang.iso6393 : `${lang.iso6393} (${lang.iso6391})`;
}

/** The texts franc reads for the document: its prose paragraphs (all blocks if those are too few), up to `sampleChars`. */
function documentSample(doc: Doc, opts: LanguageOptions): string[] {
  const prose = doc.blocks.filter((b) => letterCount(b.text) >= opts.minParagraphLetters).map((b) => b.text);
  const texts = letterCount(prose.join(' ')) >= opts.minDocumentLetters ? prose : doc.blocks.map((b) => b.text);
  const out: string[] = [];
  let room = opts.sampleChars;
  for (const t of texts) {
    if (room <= 0) break;
    const piece = sampleText(t, room);
    out.push(piece);
    room -= piece.length + 1;
  }
  return out;
}

/**
 * The document language. franc reads the sample as one text. When some
 * sampled paragraph does not share the document's vocabulary (the document
 * may mix languages, and franc on the mixture can pick the minority one),
 * each sampled paragraph is identified and the language with the most
 * letters wins.
 */
function documentLanguage(sample: string[], vocabulary: Set<string>, detect: DetectOptions, opts: LanguageOptions, count: (k: string) => void): Lang {
  const whole = detectLanguage(sample.join('\n'), detect);
  const mixed = sample.length >= 2 && sample.some((t) => letterCount(t) >= opts.minParagraphLetters && sharedWordShare(t, vocabulary) < opts.sharedWordShare);
  if (whole.lang.iso6393 === 'und' || !mixed) return whole.lang;
  count('documents-voted');
  const letters = new Map<string, { lang: Lang; letters: number }>();
  for (const text of sample) {
    const lang = detectLanguage(text, { ...detect, minLetters: opts.minParagraphLetters }).lang;
    if (lang.iso6393 === 'und') continue;
    const entry = letters.get(lang.iso6393) ?? { lang, letters: 0 };
    entry.letters += letterCount(text);
    letters.set(lang.iso6393, entry);
  }
  let best: { lang: Lang; letters: number } | null = null;
  for (const entry of letters.values()) if (!best || entry.letters > best.letters) best = entry;
  return best?.lang ?? whole.lang;
}

function paragraphLanguage(text: string, docLang: Lang, detect: DetectOptions, vocabulary: Set<string>, opts: LanguageOptions, count: (k: string) => void): Lang {
  if (letterCount(text) < opts.minParagraphLetters) {
    count('paragraphs-short');
    return docLang;
  }
  if (docLang.iso6393 !== 'und' && sharedWordShare(text, vocabulary) >= opts.sharedWordShare) {
    count('paragraphs-inherited');
    return docLang;
  }
  count('paragraphs-detected');
  const sample = sampleText(text, opts.paragraphSampleChars);
  const found = detectLanguage(sample, detect).lang;
  return found.iso6393 === 'und' ? docLang : found;
}

export default defineDocumentStage({
  name: STAGE,
  description: 'Detect the language per document and per paragraph (franc); set aside documents outside config.languages.',
  options,
  run(doc, ctx) {
    const opts = ctx.options;
    const accepted = ctx.languages.map(languageKey);
    const candidates = opts.candidates.length
      ? [...new Set([...opts.candidates, ...ctx.languages.flatMap(francCodesFor)])]
      : [];
    const detect: DetectOptions = { candidates, minLetters: opts.minDocumentLetters };
    const vocabulary = frequentWords(doc.blocks.map((b) => b.text), opts.frequentWords);
    const docLang = documentLanguage(documentSample(doc, opts), vocabulary, detect, opts, ctx.count);
    doc.lang = docLang;
    ctx.count(`documents:${docLang.iso6391}`);

    const paragraphDetect: DetectOptions = { candidates, minLetters: opts.minParagraphLetters };
    for (const block of doc.blocks) {
      block.lang = paragraphLanguage(block.text, docLang, paragraphDetect, vocabulary, opts, ctx.count);
    }

    if (accepted.length && docLang.iso6393 !== 'und' && !accepted.includes(languageKey(docLang.iso6393))) {
      doc.setAside = { reason: 'language', detail: `detected ${describe(docLang)}; accepted: ${ctx.languages.join(', ')}` };
      ctx.count('set-aside');
    }
  },
});
