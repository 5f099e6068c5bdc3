/**
 * Detector 4: punctuation and structure debris that machine translation (and
 * careless scraping of translated text) leaves behind. Each finding has its
 * own kind, so a reviewer can accept or reject a whole class:
 *
 * - `glued-quote`      a closing quote lost and the next word glued on, capitalised: “new phaseOf American policy
 * - `missing-space`    a sentence end with no space after it: this week.US diplomacy
 * - `garbled-quotes`   quotes of the wrong direction or family: planned“, / adding:”the / weeks».
 * - `sentence-break`   a full stop inside a clause: from it. country. / the government. Afghan.
 * - `lost-apostrophe`  a possessive turned plural: Bidens announced, Blinkens’ announcement
 * - `abbreviation-flip` an acronym in the word order of another language: the PA (for AP), the OTAN
 *
 * All patterns are written to stay silent on clean English news: abbreviations
 * (Mr., U.S., e.g., a.m.), decimals, URLs and e-mail addresses, brand
 * spellings (iPhone, eBay), nested quotes and German-style „…“ quotes.
 */
import { clampConfidence, type Detection } from './detection.ts';
import type { AcronymFlip } from './lexicon.ts';
import { getWordNet } from '../lexicon/wordnet.ts';
import { codePointBefore, countWordOccurrences, hasLowerDotUpper, hasLowerUpperPair, hasUpperPair, lowercaseSentenceStarts } from './tokens.ts';

/** Lowercase words that end with a full stop without ending a sentence. */
export const ABBREVIATIONS: ReadonlySet<string> = new Set(
  ('mr mrs ms dr jr sr st mt ft inc ltd co corp bros gov sen rep reps gen col capt lt sgt maj cmdr adm prof rev hon fig figs vol vols ' +
    'no nos pp ch sec secs dept est approx incl misc tel ext univ assn ave blvd rd etc vs cf al ca viz ed eds op cit ibid ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun min max mins hrs hr yr yrs ' +
    'kg km mi lb lbs oz cm mm ml pt pts sq dist div esp gal govt intl natl pres supt ret repr resp sc pg').split(' '),
);

/** Capitalised one-word sentences that are normal in news prose. */
const ONE_WORD_SENTENCES: ReadonlySet<string> = new Set(
  ('yes no thanks period exactly absolutely never nothing again sure right indeed really okay ok done enough maybe perhaps wow ' +
    'oops why what how amen fine true false correct agreed understood goodbye hello cheers welcome sorry please thank ' +
    'nobody everyone everything anything silence boom bang next update updated advertisement ad later today tomorrow yesterday ' +
    'more here there now then also finally meanwhile still and but so fact').split(' '),
);

/** Function words a lost closing quote typically glues to ("phase” of" → "phaseOf"). */
const GLUE_WORDS: ReadonlySet<string> = new Set(
  'of the and in to for on with at by from as that this he she it we they but or a an is was who which said says'.split(' '),
);

/** Words that may start a clause but are not all in WordNet. */
const FUNCTION_LIKE: ReadonlySet<string> = new Set(
  'the a an of in on at to for from with by and but or so as than then that this these those it its he she they we you who which whose when where while if because although though since until after before'.split(' '),
);

/**
 * Memoised WordNet questions, asked for the same few thousand words at tens
 * of thousands of clause breaks and capitalised words: each WordNet look-up
 * tries every part of speech and its base forms. Cleared when full, so a
 * large run's vocabulary does not grow it without bound.
 */
class WordMemo {
  private readonly answers = new Map<string, boolean>();
  constructor(private readonly ask: (word: string) => boolean) {}
  get(word: string): boolean {
    let answer = this.answers.get(word);
    if (answer === undefined) {
      if (this.answers.size >= 100_000) this.answers.clear();
      answer = this.ask(word);
      this.answers.set(word, answer);
    }
    return answer;
  }
}

/** A WordNet lemma or an inflected form of one. */
const inWordNet = new WordMemo((w) => getWordNet().has(w) || getWordNet().synsets(w).length > 0);
/** A WordNet lemma as written (any case). */
const isWordNetLemma = new WordMemo((w) => getWordNet().has(w));

/** The opening quote still open at `pos` in `text` (curly or guillemet), or null. */
function openQuoteBefore(text: string, pos: number): string | null {
  // Look back to the start of the sentence-ish region: quotes rarely span more than a paragraph anyway.
  let open: string | null = null;
  for (let i = 0; i < pos; i++) {
    const c = text[i]!;
    if (c === '“' || c === '«') open = c;
    else if ((c === '”' && open === '“') || (c === '»' && open === '«')) open = null;
  }
  return open;
}

function closingFor(open: string | null): string {
  return open === '«' ? '»' : open === '“' ? '”' : '"';
}

/** The non-space chunk around `pos` (URLs, e-mail addresses, file names are one chunk). */
function chunkAt(text: string, pos: number): string {
  let a = pos;
  let b = pos;
  while (a > 0 && !isSpace(text, a - 1)) a--;
  while (b < text.length && !isSpace(text, b)) b++;
  return text.slice(a, b);
}

const SPACE = /\s/;

/** /\s/ on the code unit at `i`, ASCII decided without the pattern (it runs for every character of a chunk). */
function isSpace(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return SPACE.test(text[i]!);
}

function looksTechnical(chunk: string): boolean {
  return /[/@\\_=#<>{}]|www|https?|\.(com|org|net|io|gov|edu|js|ts|py|html?|php|pdf|jpe?g|png)\b/i.test(chunk);
}

/** A lowercase letter glued to a capitalised glue word ("phaseOf"): the necessary condition of a glued quote, as one pattern. */
const GLUED_GLUE_WORD = new RegExp(
  `\\p{Ll}(?:${[...GLUE_WORDS].map((w) => w[0]!.toUpperCase() + w.slice(1)).join('|')})(?![\\p{L}\\p{N}_])`,
  'u',
);

export function detectGluedQuotes(text: string): Detection[] {
  const out: Detection[] = [];
  // Cheap pre-checks: most paragraphs have no lower-upper junction, fewer still one before a glue word.
  if (!hasLowerUpperPair(text) || !GLUED_GLUE_WORD.test(text)) return out;
  for (const m of text.matchAll(/(?<![\p{L}\p{N}#@_.\/-])(\p{Ll}{3,})(\p{Lu}\p{Ll}{0,5})(?![\p{L}\p{N}_])/gu)) {
    const [whole, left, right] = m as unknown as [string, string, string];
    const rightLower = right.toLowerCase();
    if (!GLUE_WORDS.has(rightLower)) continue;
    if (!inWordNet.get(left)) continue;
    if (looksTechnical(chunkAt(text, m.index))) continue;
    const open = openQuoteBefore(text, m.index);
    const close = closingFor(open);
    out.push({
      start: m.index,
      end: m.index + whole.length,
      kind: 'glued-quote',
      // Without an unclosed quote before it this is more often a typo ("knockWho") than MT debris.
      confidence: clampConfidence(open ? 0.9 : 0.45),
      suggestion: open ? `${left}${close} ${rightLower}` : `${left} ${rightLower}`,
      evidence: `"${whole}" glues the word "${left}" to a capitalised "${right}"${open ? ` after an unclosed ${open}: a closing quote was lost` : ''}`,
    });
  }
  return out;
}

export function detectMissingSpace(text: string): Detection[] {
  const out: Detection[] = [];
  if (!hasLowerDotUpper(text)) return out;
  for (const m of text.matchAll(/(?<![\p{L}\p{N}.])(\p{L}\p{Ll}+)([.])(\p{Lu}[\p{L}]*)(?![\p{L}\p{N}.])/gu)) {
    const [whole, left, punct, right] = m as unknown as [string, string, string, string];
    if (ABBREVIATIONS.has(left.toLowerCase())) continue;
    if (looksTechnical(chunkAt(text, m.index))) continue;
    // "Node.JS", "ASP.NET" style product names: short all-caps right part glued to a capitalised left part.
    if (/^\p{Lu}/u.test(left) && /^\p{Lu}+$/u.test(right) && right.length <= 3 && punct === '.') continue;
    const open = openQuoteBefore(text, m.index);
    const close = open ? closingFor(open) : '';
    out.push({
      start: m.index,
      end: m.index + whole.length,
      kind: 'missing-space',
      // A lost closing quote is the MT signature; a bare missing space is mostly a typo in comments and blogs.
      confidence: clampConfidence(open ? 0.85 : 0.45),
      suggestion: `${left}${punct}${close} ${right}`,
      evidence: `no space after "${punct}" between "${left}" and "${right}"${open ? `; the ${open} opened before it is never closed, so a closing quote was probably lost here too` : ''}`,
    });
  }
  return out;
}

export function detectGarbledQuotes(text: string): Detection[] {
  // German and other „…“ conventions use “ as a closing quote: not our business.
  if (text.includes('„') || !/[“”«»]/.test(text)) return [];
  const out: Detection[] = [];
  // An opening quote right after a word and before punctuation or a space is a closing quote of the wrong direction.
  // (indexOf loops: a regex with look-behind at every position is several times slower on long paragraphs.)
  for (let i = text.indexOf('“'); i >= 0; i = text.indexOf('“', i + 1)) {
    const next = text[i + 1];
    if (i === 0 || !/\p{L}/u.test(text[i - 1]!) || (next !== undefined && !/[,.;:!?)\s]/.test(next))) continue;
    const word = /\p{L}+$/u.exec(text.slice(Math.max(0, i - 40), i))![0];
    out.push({
      start: i - word.length,
      end: i + 1,
      kind: 'garbled-quotes',
      confidence: 0.7,
      suggestion: `${word}”`,
      evidence: `opening quote “ where the quotation ends (after "${word}")`,
    });
  }
  // A closing quote after a space or colon and glued to the next word is an opening quote of the wrong direction.
  // Some writers (and fonts) use ” on both sides; only a paragraph that also uses “ shows a garbled direction.
  const usesOpening = text.includes('“');
  for (let i = text.indexOf('”'); i >= 0; i = text.indexOf('”', i + 1)) {
    const prev = i > 0 ? text[i - 1]! : '';
    if (i > 0 && !/[\s:(—–-]/.test(prev)) continue;
    const word = /^\p{L}+/u.exec(text.slice(i + 1, i + 41))?.[0];
    if (!word) continue;
    const start = /[:(]/.test(prev) ? i - 1 : i;
    out.push({
      start,
      end: i + 1 + word.length,
      kind: 'garbled-quotes',
      confidence: usesOpening ? 0.7 : 0.45,
      suggestion: `${prev === ':' ? ': ' : prev === '(' ? '(' : ''}“${word}`,
      evidence: `closing quote ” where a quotation begins (before "${word}")`,
    });
  }
  // Guillemets of one direction only (French quotes half converted by a translator).
  // (Only when there is a » and no «: the pattern tries every letter of the paragraph otherwise.)
  if (!text.includes('»') || text.includes('«')) return out;
  for (const m of text.matchAll(/(\p{L}+)»/gu)) {
    out.push({
      start: m.index,
      end: m.index + m[0].length,
      kind: 'garbled-quotes',
      confidence: 0.65,
      suggestion: `${m[1]}”`,
      evidence: `French closing guillemet » without an opening « in the paragraph`,
    });
  }
  return out;
}

const SENTENCE_END = /[.!?](?=\s|$|["”’»)])/gu;

function sentenceEnd(text: string, from: number): number {
  SENTENCE_END.lastIndex = from;
  const m = SENTENCE_END.exec(text);
  return m ? m.index + 1 : text.length;
}

/** A full stop inside a clause: a word of two letters or more, ". ", a lowercase word (the definition `clauseBreaks` implements). */
export const CLAUSE_BREAK = /(?<![\p{L}\p{N}.])(\p{L}{2,})\. (\p{Ll}[\p{Ll}-]*)(?![\p{L}\p{N}]*\.\p{L})/gu;
const CLAUSE_BREAK_AT = new RegExp(CLAUSE_BREAK.source, 'uy');
const LETTER = /\p{L}/u;

/** Start of the run of letters (code points in \p{L}) that ends at `end`. */
function letterRunStart(text: string, end: number): number {
  let i = end;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c < 128) {
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
        i--;
        continue;
      }
      break;
    }
    const ch = codePointBefore(text, i);
    if (!LETTER.test(ch)) break;
    i -= ch.length;
  }
  return i;
}

/**
 * The matches of CLAUSE_BREAK, as `text.matchAll(CLAUSE_BREAK)` returns them
 * (property-tested), found faster: a match ends its first word with ". ", and
 * that word is the whole run of letters before it (the look-behind forbids a
 * letter before the match, and a letter cannot match the full stop), so the
 * anchored pattern is tried only at the start of the word before each ". "
 * instead of at every position of the paragraph.
 */
export function* clauseBreaks(text: string): Generator<RegExpExecArray> {
  let searchedTo = 0;
  for (let dot = text.indexOf('. '); dot >= 0; dot = text.indexOf('. ', dot + 1)) {
    const start = letterRunStart(text, dot);
    if (start >= dot - 1 || start < searchedTo) continue;
    CLAUSE_BREAK_AT.lastIndex = start;
    const m = CLAUSE_BREAK_AT.exec(text);
    if (!m) continue;
    searchedTo = m.index + m[0].length;
    yield m;
  }
}

/** Necessary for a match of DETACHED_ADJECTIVE, and far cheaper to test: the pattern starts with a look-behind tried at every position. */
/** An adjective split from its noun: "the government. Afghan." (the definition `detachedAdjectives` implements). */
export const DETACHED_ADJECTIVE = /(?<![\p{L}\p{N}])(the|a|an|its|their|his|her) (\p{Ll}{3,})\. (\p{Lu}\p{Ll}{2,})\.(?=\s|$)/gu;
const DETACHED_ADJECTIVE_AT = new RegExp(DETACHED_ADJECTIVE.source.replace('(?<![\\p{L}\\p{N}])', ''), 'uy');
const DETERMINERS: ReadonlySet<string> = new Set(['the', 'a', 'an', 'its', 'their', 'his', 'her']);
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * The matches of DETACHED_ADJECTIVE, as `text.matchAll(DETACHED_ADJECTIVE)`
 * returns them (property-tested), found from each ". " followed by a capital
 * instead of trying the look-behind at every position: a match has the noun
 * (the whole run of letters before the full stop, after a space) and, before
 * that space, the determiner (the whole run of letters before it, since no
 * letter or digit may precede it); the anchored pattern checks the rest.
 * Matches start in the order of their full stops, so skipping those that
 * start inside the previous match keeps matchAll's leftmost, non-overlapping
 * matches.
 */
export function* detachedAdjectives(text: string): Generator<RegExpExecArray> {
  let searchedTo = 0;
  for (let dot = text.indexOf('. '); dot >= 0; dot = text.indexOf('. ', dot + 1)) {
    const next = text.charCodeAt(dot + 2);
    if ((next >= 97 && next <= 122) || next < 65 || (next > 90 && next < 128)) continue; // not a capital
    const nounStart = letterRunStart(text, dot);
    if (nounStart > dot - 3 || text.charCodeAt(nounStart - 1) !== 32) continue;
    const detStart = letterRunStart(text, nounStart - 1);
    if (detStart < searchedTo || !DETERMINERS.has(text.slice(detStart, nounStart - 1))) continue;
    if (detStart > 0 && LETTER_OR_DIGIT.test(codePointBefore(text, detStart))) continue;
    DETACHED_ADJECTIVE_AT.lastIndex = detStart;
    const m = DETACHED_ADJECTIVE_AT.exec(text);
    if (!m) continue;
    searchedTo = m.index + m[0].length;
    yield m;
  }
}

export function detectSentenceBreaks(text: string): Detection[] {
  const out: Detection[] = [];
  if (!/\. (?:\p{Ll}|\p{Lu}\p{Ll}+\.)/u.test(text)) return out;
  const wn = getWordNet();
  // A sentence that starts lowercase after a full stop that is not an abbreviation: "from it. country."
  // Informal writing (comments, chat: several lowercase sentence starts, a lowercase "i") and code are skipped:
  // an MT break is one odd sentence in otherwise regular prose.
  const informal = lowercaseSentenceStarts(text, 2) > 1 || /(?:^|\s)i(?:\s|['’])/.test(text);
  for (const m of informal ? [] : clauseBreaks(text)) {
    const [, left, right] = m as unknown as [string, string, string];
    if (ABBREVIATIONS.has(left.toLowerCase())) continue;
    if (right.length < 2 || (!FUNCTION_LIKE.has(right) && !inWordNet.get(right))) continue; // code identifiers, names in lowercase
    if (/^\p{Lu}+$/u.test(left) && left.length <= 4) continue; // acronyms used as abbreviations ("approx. PST. then")
    if (looksTechnical(chunkAt(text, m.index)) || looksTechnical(chunkAt(text, m.index + left.length + 2))) continue;
    const end = Math.min(sentenceEnd(text, m.index + left.length + 2), m.index + left.length + 2 + 80);
    out.push({
      start: m.index,
      end,
      kind: 'sentence-break',
      confidence: 0.7,
      suggestion: null,
      evidence: `a full stop after "${left}" is followed by lowercase "${right}": a clause was cut in two, typically by machine translation`,
    });
  }
  // A one-word "sentence" that is an adjective or demonym, after "the <noun>.": "the government. Afghan."
  for (const m of detachedAdjectives(text)) {
    const [, det, noun, frag] = m as unknown as [string, string, string, string];
    if (ONE_WORD_SENTENCES.has(frag.toLowerCase())) continue;
    const adjective = wn.synsets(frag, 'a').length > 0 || /(an|ese|ish|i)$/.test(frag);
    if (!adjective) continue;
    const start = m.index + det.length + 1;
    out.push({
      start,
      end: m.index + m[0].length,
      kind: 'sentence-break',
      confidence: 0.75,
      suggestion: `${frag} ${noun}.`,
      evidence: `"${frag}." stands alone as a sentence after "${det} ${noun}.": an adjective split from its noun (${frag} ${noun}), typically by machine translation`,
    });
  }
  return out;
}

/** How often a word (as written, whole word) occurs in the document. */
export type WordCounter = (word: string) => number;

/** A counter over one document text, caching each word it was asked about. */
export function wordCounter(documentText: string): WordCounter {
  const cache = new Map<string, number>();
  return (word) => {
    let n = cache.get(word);
    if (n === undefined) cache.set(word, (n = countWordOccurrences(documentText, word)));
    return n;
  };
}

/** A capitalised word ending in s (and maybe an apostrophe) before a lowercase word (the definition `lostApostropheCandidates` implements). */
export const LOST_APOSTROPHE = /(?<![\p{L}\p{N}'’])(\p{Lu}\p{Ll}{2,})s(['’]?)(?=\s+(\p{Ll}+))/gu;
/** LOST_APOSTROPHE without its look-behind, tried at one position (sticky). */
const LOST_APOSTROPHE_AT = /(\p{Lu}\p{Ll}{2,})s(['’]?)(?=\s+(\p{Ll}+))/uy;
const WORD_CHAR_OR_APOSTROPHE = /[\p{L}\p{N}'’]/u;
const UPPERCASE_LETTER = /\p{Lu}/u;

/**
 * False when LOST_APOSTROPHE_AT cannot match at the ASCII capital at `i`,
 * decided without running it (it ran at each of the 800,000 capitals of the
 * bench:io dump): a match needs the capital's run of lowercase letters to be
 * at least three long and end in "s", followed by an apostrophe or a space.
 * The run of lowercase letters ends where an ASCII character that is not a
 * lowercase letter comes; at a non-ASCII character (a lowercase letter or ’
 * may follow) the pattern decides.
 */
function asciiWordMayMatch(text: string, i: number): boolean {
  let j = i + 1;
  let c = text.charCodeAt(j);
  while (c >= 97 && c <= 122) c = text.charCodeAt(++j);
  if (c >= 128) return true;
  // Here c is ASCII, or NaN past the end (no space after the word: no match).
  return j - i - 1 >= 3 && text.charCodeAt(j - 1) === 115 && (c === 39 || c === 32 || (c >= 9 && c <= 13));
}

/**
 * The matches of LOST_APOSTROPHE, as `text.matchAll(LOST_APOSTROPHE)` returns
 * them (property-tested). A match starts with a capital letter, so the
 * pattern is tried only where one is (found by a character loop, ASCII
 * without a pattern), not at every position of the paragraph as a scan with
 * Unicode property classes would; the look-behind is checked on each match.
 * Skipping the rest of a rejected match loses nothing: inside it are only
 * lowercase letters and apostrophes, where no match can start.
 */
export function* lostApostropheCandidates(text: string): Generator<RegExpExecArray> {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    let width = 1;
    let capital: boolean;
    if (c < 128) capital = c >= 65 && c <= 90;
    else {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) width = 2;
      capital = UPPERCASE_LETTER.test(String.fromCodePoint(cp));
    }
    if (!capital || (c < 128 && !asciiWordMayMatch(text, i))) {
      i += width;
      continue;
    }
    LOST_APOSTROPHE_AT.lastIndex = i;
    const m = LOST_APOSTROPHE_AT.exec(text);
    if (!m) {
      i += width;
      continue;
    }
    i = m.index + m[0].length;
    if (m.index > 0 && WORD_CHAR_OR_APOSTROPHE.test(codePointBefore(text, m.index))) continue;
    yield m;
  }
}

export function detectLostApostrophes(text: string, documentText: string | WordCounter): Detection[] {
  const out: Detection[] = [];
  // No separate pre-check: a paragraph without a candidate costs the candidate scan once either way, and one with
  // candidates (most paragraphs with capitalised words ending in s) would be scanned twice.
  const count = typeof documentText === 'string' ? wordCounter(documentText) : documentText;
  for (const m of lostApostropheCandidates(text)) {
    const [whole, base, apostrophe, next] = m as unknown as [string, string, string, string];
    if (base.endsWith('s')) continue;
    const before = text.slice(Math.max(0, m.index - 4), m.index);
    if (/\bthe\s$/i.test(before)) continue; // "the Obamas", "the Smiths’ house"
    // Dictionary and glue-word checks first: they are lookups, the counts scan the document.
    if (isWordNetLemma.get(base.toLowerCase())) continue; // "Times", "News": a common word with its plural, not a name
    if (!apostrophe && GLUE_WORDS.has(next)) continue; // "Williams said" reads as a surname
    const baseCount = count(base);
    const ownCount = count(`${base}s`);
    if (baseCount < 2 || ownCount > baseCount / 2) continue;
    out.push({
      start: m.index,
      end: m.index + whole.length,
      kind: 'lost-apostrophe',
      confidence: apostrophe ? 0.75 : 0.6,
      suggestion: `${base}’s`,
      evidence: `"${whole}" before "${next}", while the document writes "${base}" ${baseCount} times: a possessive ’s lost in translation`,
    });
  }
  return out;
}

/**
 * Per flip table: one regular expression for the listed acronyms only (most
 * acronyms in a text are not flips), and its necessary part without the
 * look-arounds (the acronyms as plain strings), which the engine scans for
 * natively instead of trying the look-behind at every position.
 */
const flipPatterns = new WeakMap<Record<string, AcronymFlip>, { pattern: RegExp; listed: RegExp }>();
/** Whether the current document writes an English acronym, per acronym (documents are processed one at a time). */
let englishSeen: { documentText: string; written: Map<string, boolean> } = { documentText: '', written: new Map() };

function writesAcronym(documentText: string, english: string): boolean {
  if (englishSeen.documentText !== documentText) englishSeen = { documentText, written: new Map() };
  let written = englishSeen.written.get(english);
  if (written === undefined) {
    written = new RegExp(`(?<![\\p{L}])${english}(?![\\p{L}])`, 'u').test(documentText);
    englishSeen.written.set(english, written);
  }
  return written;
}

export function detectAbbreviationFlips(text: string, documentText: string, flips: Record<string, AcronymFlip>): Detection[] {
  const out: Detection[] = [];
  if (!hasUpperPair(text)) return out;
  let patterns = flipPatterns.get(flips);
  if (!patterns) {
    const keys = Object.keys(flips).filter((k) => /^\p{Lu}{2,5}$/u.test(k));
    const alternatives = keys.join('|') || '(?!)';
    patterns = {
      pattern: new RegExp(`(?<![\\p{L}\\p{N}.])(${alternatives})(?![\\p{L}\\p{N}]|\\.\\p{L})`, 'gu'),
      listed: new RegExp(alternatives, 'u'),
    };
    flipPatterns.set(flips, patterns);
  }
  if (!patterns.listed.test(text)) return out;
  for (const m of text.matchAll(patterns.pattern)) {
    const flip = flips[m[1]!];
    if (!flip) continue;
    const englishInDoc = writesAcronym(documentText, flip.english);
    if (flip.requireEnglishInDoc && !englishInDoc) continue;
    out.push({
      start: m.index,
      end: m.index + m[0].length,
      kind: 'abbreviation-flip',
      confidence: englishInDoc ? 0.5 : 0.55,
      suggestion: flip.english,
      evidence: `"${m[1]}" is how ${flip.name} (${flip.english}) comes out of another language's word order${englishInDoc ? `; the document also writes ${flip.english}` : ''}`,
    });
  }
  return out;
}
