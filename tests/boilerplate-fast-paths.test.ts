/**
 * The classifier's fast paths give the same answers as the plain definitions they replace:
 * the first-character dispatch of the phrase rules, the stop-word scan without word strings,
 * the one-pass shape features, the folded block-model scorer and the cache of block facts.
 * Each is checked against a straightforward reference on generated lines and on the seeds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstChars, firstPairs, lengthBounds, literalSuffix, pairKey, requiredTexts } from '../src/boilerplate/first-chars.ts';
import { CANNOT_FOLD, TextGate } from '../src/boilerplate/text-gate.ts';
import {
  forEachScannedTerm,
  guessStopwordLanguage,
  guessStopwordLanguageOfScans,
  knowledge,
  MARK_ASCII_ALNUM,
  MARK_AT,
  MARK_CRUMB,
  MARK_DIGIT,
  MARK_NON_ASCII,
  MARK_RESHAPE,
  MARK_UPPER,
  MARK_WIDE_UPPER,
  lineShape,
  lowerCaseUnit,
  matchPhrase,
  normalizeLine,
  resetScanPools,
  scanBlock,
  scanLine,
  scanWords,
  stopwordDensity,
  stopwordDensityOfScan,
  termDot,
  termDotPair,
  words,
  type PhraseRule,
} from '../src/boilerplate/knowledge.ts';
import { blockFeatures, blockModelContext, classifyBlocks, DATELINE, isSectionLabel, lineVerdict, mayEndDateline, sequentialCopy } from '../src/boilerplate/classify.ts';
import { blockVector, contentProbabilities, contentProbability, lexicalScore, shippedBlockModel } from '../src/boilerplate/block-model.ts';
import { forEachLexicalTerm, lexicalDot } from '../src/boilerplate/lexical.ts';
import { DEVSET_DIR, hasDevset, REPO_ROOT } from './helpers/shared.ts';

const SEED_LINES = readdirSync(path.join(REPO_ROOT, 'raw'))
  .filter((f) => f.endsWith('.txt'))
  .flatMap((f) => readFileSync(path.join(REPO_ROOT, 'raw', f), 'utf8').split('\n'))
  .filter((l) => l.trim());

/** Pieces lines are built from: words of the phrase files, prose, links, quotes, odd whitespace and letters. */
const PIECES = [
  'share', 'Share', 'follow us on', 'Follow', 'Leave a Reply', 'read more', '©', '(c)', 'copyright', 'By', 'by', 'Von', 'Foto:', 'photo',
  'comments', '12', '2024', 'Related Articles', 'teilen', 'Kommentar', 'cookies', 'we use cookies', 'newsletter', 'Anzeige', 'Quelle:',
  'the', 'der', 'die', 'und', 'le', 'la', 'de', 'que', 'il', 'è', 'não', 'don\u2019t', "don't", 'İstanbul', 'ΣΟΦΊΑ', 'Straße', 'Élysée',
  'https://twitter.com/x', 'www.example.com', 'WwW.Example.org', 'x@y.com', '[email protected]', '@handle', '»', '|', '/', '–', '.', ',', '!',
  '?', ':', '"', '\u201c', '\u201d', '\u2018', '\u2019', '(', ')', '[', ']', '*', ' ', '  ', '\t', '\u00a0', '\u2009', '\u3000', '\ufeff', '\u1680',
  '\u{1F600}', 'a', 'Z', '\u00e9', '\u00c9', '5', '\u0130', '\u03a3',
];
const line = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 14 }).map((ps) => ps.join(''));
const lineWithSpaces = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 14 }).map((ps) => ps.join(' '));
const anyLine = fc.oneof(line, lineWithSpaces, fc.string({ maxLength: 60 }), fc.constantFrom(...SEED_LINES));

/** The phrase matcher without the gate or the first-character filter: every group in order, then its first matching pattern. */
function referenceMatch(text: string): PhraseRule | null {
  const k = knowledge();
  if (text.length > 250) return null;
  const core = normalizeLine(text);
  if (!core) return null;
  const lower = core.toLowerCase();
  if (lower.length <= 250) {
    const hit = k.contains.find((r) => r.re.test(lower));
    if (hit) return hit;
  }
  for (const group of k.combined) {
    const subject = group.caseSensitive ? core : lower;
    if (group.re.test(subject)) return group.rules.find((r) => r.re.test(subject)) ?? null;
  }
  return null;
}

/** Plain definitions over stopwords-iso: the share of words a language lists, and the best-covering language of a sample. */
const STOPWORDS = createRequire(import.meta.url)('stopwords-iso') as Record<string, string[]>;
const STOP_LANGS = Object.keys(STOPWORDS).sort();
const STOP_SETS = new Map(STOP_LANGS.map((l) => [l, new Set(STOPWORDS[l]!.map((w) => w.toLowerCase()))]));
function referenceDensity(ws: string[], lang?: string | null): number | null {
  if (lang === null) return null;
  if (!ws.length) return 0;
  const set = lang ? STOP_SETS.get(lang) : undefined;
  if (set) return ws.filter((w) => set.has(w)).length / ws.length;
  const best = Math.max(0, ...STOP_LANGS.map((l) => ws.filter((w) => STOP_SETS.get(l)!.has(w)).length));
  if (!best && !lang) return 0;
  return best ? best / ws.length : null;
}
function referenceGuess(blockWords: string[][]): string | null {
  const all = blockWords.flat();
  if (all.length < 5) return null;
  const step = Math.max(1, Math.floor(all.length / 600));
  const sample = all.filter((_, i) => i % step === 0);
  let best: string | null = null;
  let bestCount = 0;
  for (const l of STOP_LANGS) {
    const c = sample.filter((w) => STOP_SETS.get(l)!.has(w)).length;
    if (c > bestCount) [best, bestCount] = [l, c];
  }
  return best && bestCount >= 0.1 * sample.length ? best : null;
}

const NON_WORD = /[\s\d!-&(-/:-@[-`{-~\u00a0-\u00bf\u2000-\u2018\u201a-\u206f\u3000-\u303f]+/;
const referenceWords = (t: string) => t.toLowerCase().split(NON_WORD).filter((w, i, a) => w !== '' || (i > 0 && i < a.length - 1));

describe('first characters and literal suffix of a pattern', () => {
  it.each([
    ['share( this)?', 's'],
    ['(foto|bild)s?: .{2,80}', 'bf'],
    ['[Vv]on|VON', 'Vv'],
    ['(jetzt )?(auf \\w+ )?teilen', 'jat'],
    ['(\\S+ )?bloggers? likes? this', null],
    ['\\d+ comments?', '0123456789'],
    ['\\(c\\)|©', '(©'],
  ])('%s starts with %s', (source, expected) => {
    const got = firstChars(source);
    if (expected === null) expect(got).toBeNull();
    else expect([...got!].map((c) => String.fromCharCode(c)).sort().join('')).toBe([...expected].sort().join(''));
  });

  it.each([
    ['([Bb]y|BY|[Ww]ritten by) \\p{Lu}\\p{L}+', ['By', 'by', 'BY', 'Wr', 'wr']],
    ['a?b*c', ['ab', 'ac', 'bb', 'bc']],
    ['(ab)+', ['ab']],
    ['x( y)?', ['x ']],
    ['\\bfoo\\b', ['fo']],
    ['[ab]{2}', ['aa', 'ab', 'ba', 'bb']],
  ])('%s starts with the pairs %j (and no others)', (source, expected) => {
    const got = firstPairs(source);
    expect([...got!].map((k) => String.fromCharCode(k >>> 16, k & 0xffff)).sort()).toEqual([...expected].sort());
  });

  it('pairs: "any" where a second unit can be anything', () => {
    for (const s of ['©.{0,160}', 'a\\p{L}', '.x', 'a[^b]', '(?=a)ab']) expect(firstPairs(s), s).toBeNull();
  });

  it('gives up ("any") on what it does not model', () => {
    for (const s of ['(?=a)b', 'a\\1', '^a', '[^a]b', '.{0,40}x', '\\p{Lu}x']) expect(firstChars(s), s).toBeNull();
  });

  it('on any pattern: never throws, and every non-empty match starts with a character of its answer', () => {
    // Small alphabets, so that random patterns and random lines do match each other.
    const piece = fc.constantFrom('a', 'b', 'ab', '(', ')', '(?:', '|', '?', '*', '+', '{0,2}', '{1}', '[ab]', '[a-c]', '[^a]', '\\d', '\\w', '\\s', '\\b', '.', '\\.', '1', ' ', '(?<n>', '(?=a)', '-', ']');
    const subject = fc.array(fc.constantFrom('a', 'b', 'c', '1', ' ', '.', '-'), { minLength: 1, maxLength: 6 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }).map((ps) => ps.join('')), fc.array(subject, { minLength: 1, maxLength: 20 }), (source, subjects) => {
        let re: RegExp;
        try {
          re = new RegExp(`^(?:${source})$`);
        } catch {
          return; // not a pattern: the knowledge loader refuses it before this runs
        }
        const first = firstChars(source);
        const pairs = firstPairs(source);
        const suffix = literalSuffix(source);
        for (const s of subjects) {
          if (!re.test(s)) continue;
          if (first) expect(first.has(s.charCodeAt(0)), `${source} on ${JSON.stringify(s)}`).toBe(true);
          if (pairs && s.length >= 2) expect(pairs.has(pairKey(s.charCodeAt(0), s.charCodeAt(1))), `${source} (pairs) on ${JSON.stringify(s)}`).toBe(true);
          expect(s.endsWith(suffix), `${source} (suffix ${JSON.stringify(suffix)}) on ${JSON.stringify(s)}`).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['(\\S+ )?bloggers? likes? this', ' this'],
    ['.{0,40}als pdf herunterladen', 'als pdf herunterladen'],
    ['a(b|cb)', 'b'],
    ['(ab)+', 'ab'],
    ['ab?', ''],
    ['foo.*', ''],
    ['x\\b', 'x'],
    ['(a|)', ''],
  ])('%s always ends with %j', (source, expected) => {
    expect(literalSuffix(source)).toBe(expected);
  });

  it('every pattern of the shipped knowledge: a line its dispatch skips is never matched by it', () => {
    const k = knowledge();
    fc.assert(
      fc.property(anyLine, (text) => {
        const lower = normalizeLine(text).toLowerCase();
        if (!lower) return;
        for (const r of k.rules) {
          const subject = r.caseSensitive ? normalizeLine(text) : lower;
          if (r.first && !r.first.has(subject.charCodeAt(0))) expect(r.re.test(subject), `${r.source} on ${JSON.stringify(subject)}`).toBe(false);
          if (!subject.endsWith(r.suffix)) expect(r.re.test(subject), `${r.source} on ${JSON.stringify(subject)}`).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('length bounds of a pattern', () => {
  it.each([
    ['share( this)?', 5, 10],
    ['(foto|bild)s?: .{2,80}', 8, 167],
    ['\\d+ comments?', 9, Infinity],
    ['a{3}b{0,2}', 3, 5],
    ['x\\b', 1, 1],
    ['(?=a)b', 0, Infinity],
  ])('%s matches %d to %d units', (source, min, max) => {
    expect(lengthBounds(source)).toEqual([min, max]);
  });

  it('on any pattern: every match has a length within the bounds', () => {
    const piece = fc.constantFrom('a', 'b', 'ab', '(', ')', '(?:', '|', '?', '*', '+', '{0,2}', '{2}', '{1,}', '[ab]', '[^a]', '\\d', '\\w', '\\s', '\\b', '.', '\\.', '1', ' ', '\\p{L}', '\u00e9', '\u{1F600}');
    const subject = fc.array(fc.constantFrom('a', 'b', 'c', '1', ' ', '.', '\u00e9', '\u{1F600}'), { minLength: 0, maxLength: 8 }).map((xs) => xs.join(''));
    let matched = 0;
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }).map((ps) => ps.join('')), fc.constantFrom('', 'u'), fc.array(subject, { minLength: 1, maxLength: 20 }), (source, flags, subjects) => {
        let re: RegExp;
        try {
          re = new RegExp(`^(?:${source})$`, flags);
        } catch {
          return;
        }
        const [min, max] = lengthBounds(source);
        for (const s of subjects) {
          if (!re.test(s)) continue;
          matched++;
          expect(s.length >= min && s.length <= max, `${source} /${flags} [${min}, ${max}] on ${JSON.stringify(s)}`).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    expect(matched).toBeGreaterThan(100);
  });
});

describe('texts a pattern requires (the gate of the phrase rules)', () => {
  it.each([
    ['(we|i) (may|might) earn (a )?commission', ['commission']],
    ['(we|i) (may|might) earn (a )?(commission|money)', [' earn ']],
    ['(sign up|subscribe) to our newsletters?', [' to our newsletter']],
    ['(commission|compensation)', ['commission', 'compensation']],
    ['as an amazon associate', ['as an amazon associate']],
    ['(ab|cd) x', null],
    ['(ab|cdef)+ x', null],
    ['(foo)?bar', ['bar']],
    ['ab?c', null],
    ['\\p{L}+ says', [' says']],
  ])('%s requires one of %j', (source, expected) => {
    expect(requiredTexts(source)).toEqual(expected);
  });

  it('on any pattern: every match contains one of the required texts', () => {
    const piece = fc.constantFrom('a', 'b', 'ab', 'abc', 'bca', '(', ')', '(?:', '|', '?', '*', '+', '{0,2}', '{2}', '[ab]', '[^a]', '\\w', '\\s', '\\b', '.', '\\.', ' ', '-');
    const subject = fc.array(fc.constantFrom('a', 'b', 'c', ' ', '.', '-'), { minLength: 0, maxLength: 12 }).map((xs) => xs.join(''));
    let checked = 0;
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }).map((ps) => ps.join('')), fc.array(subject, { minLength: 1, maxLength: 20 }), (source, subjects) => {
        let re: RegExp;
        try {
          re = new RegExp(source);
        } catch {
          return;
        }
        const required = requiredTexts(source, 1);
        if (!required) return;
        for (const s of subjects) {
          if (!re.test(s)) continue;
          checked++;
          expect(required.some((t) => s.includes(t)), `${source} requires ${JSON.stringify(required)}; matched ${JSON.stringify(s)}`).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  it('the gate finds a text wherever it sits, and nothing else', () => {
    const gate = new TextGate(['newsletter', 'newsletter an', ' cookies', 'abc']);
    expect(gate.texts).toEqual(['newsletter', ' cookies', 'abc']);
    for (const s of ['newsletter', 'our newsletter.', 'we set cookies', 'xabc', 'abc']) expect(gate.test(s), s).toBe(true);
    for (const s of ['', 'ab', 'newslette', 'cookies', 'a b c', 'newsXletter']) expect(gate.test(s), s).toBe(false);
    expect(() => new TextGate(['ab'])).toThrow(/shorter than 3/);
    // Every text it holds, by id, wherever the text is filed (the commonness picks the piece).
    const ids = (g: TextGate, s: string, fold: Uint16Array | null = null) => {
      const out = new Int32Array(4096);
      const n = g.find(s, fold, out);
      return n < 0 ? null : [...new Set(out.subarray(0, n))].map((id) => g.texts[id]!).sort();
    };
    const contained = (texts: readonly string[], s: string) => [...new Set(texts.filter((t) => s.includes(t)))].sort();
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 3, maxLength: 6 }), { minLength: 1, maxLength: 30 }),
        fc.string({ maxLength: 80 }),
        fc.func(fc.integer({ min: 0, max: 9 })),
        (texts, line, commonness) => {
          const g = new TextGate(texts, commonness);
          expect(g.test(line)).toBe(texts.some((t) => line.includes(t)));
          expect(ids(g, line)).toEqual(contained(g.texts, line));
          // Planted: a line that holds a text passes, and names it.
          const t = texts[line.length % texts.length]!;
          const planted = line.slice(0, 7) + t + line.slice(7);
          expect(g.test(planted)).toBe(true);
          expect(ids(g, planted)).toEqual(contained(g.texts, planted));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the gate read through the lower-case table finds the texts of the lower-cased line', () => {
    const fold = Uint16Array.from({ length: 0x10000 }, (_, c) => lowerCaseUnit(c));
    const texts = ['newsletter', ' cookies', 'straße', 'élysée', 'über uns', 'σοφία'];
    const gate = new TextGate(texts);
    const find = (s: string, out = new Int32Array(64)) => {
      const n = gate.find(s, fold, out);
      return n < 0 ? n : [...new Set(out.subarray(0, n))].map((id) => gate.texts[id]!).sort();
    };
    expect(find('Our NEWSLETTER')).toEqual(['newsletter']);
    expect(find('STRASSE, Straße, ÉLYSÉE')).toEqual(['straße', 'élysée']);
    // İ and Σ have no one-unit lower case of their own: the caller lower-cases such a line whole.
    expect(find('İstanbul newsletter')).toBe(CANNOT_FOLD);
    expect(find('ΣΟΦΊΑ')).toBe(CANNOT_FOLD);
    // A line whose only capitals are ASCII letters: keyed as written (no fold table), the same texts.
    const asciiCase = (s: string) => {
      const out = new Int32Array(4096);
      const n = gate.findAsciiCase(s, fold, out);
      return [...new Set(out.subarray(0, n))].map((id) => gate.texts[id]!).sort();
    };
    expect(asciiCase('Our NEWSLETTER, straße and élysée; We Set Cookies')).toEqual([' cookies', 'newsletter', 'straße', 'élysée']);
    expect(asciiCase('NEWSLETTEr')).toEqual(['newsletter']);
    expect(asciiCase('news letter')).toEqual([]);
    // A buffer too small for every text: filled, which a caller reads as "any text".
    expect(find('newsletter newsletter newsletter', new Int32Array(2))).toHaveLength(1);
    expect(gate.find('newsletter newsletter newsletter', fold, new Int32Array(2))).toBe(2);
    fc.assert(
      fc.property(anyLine, fc.constantFrom(...texts), (line, t) => {
        for (const s of [line, `${line}${t.toUpperCase()}${line}`]) {
          const lower = s.toLowerCase();
          const got = find(s, new Int32Array(4096));
          if (got === CANNOT_FOLD) expect([...s].some((ch) => ch.length === 1 && lowerCaseUnit(ch.charCodeAt(0)) === 0) || /[\ud800-\udfff]/.test(s)).toBe(true);
          else expect(got).toEqual([...new Set(gate.texts.filter((x) => lower.includes(x)))].sort());
          // Where the line scan would let matchPhrase take findAsciiCase (every unit beyond ASCII its own lower case), the same texts.
          const onlyAsciiCapitals = [...s].every((ch) => ch.charCodeAt(0) < 128 || (ch.length === 1 && lowerCaseUnit(ch.charCodeAt(0)) === ch.charCodeAt(0)));
          if (onlyAsciiCapitals) expect(asciiCase(s)).toEqual([...new Set(gate.texts.filter((x) => lower.includes(x)))].sort());
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('the shipped rules are gated: nearly all of them require a text the gate looks for', () => {
    const k = knowledge();
    expect(k.contains.length).toBeGreaterThan(0);
    expect(k.gate, 'no rule requires a text the reader can tell: every line pays for every rule').not.toBeNull();
    expect(k.containsGating.ungated, 'a contains-rule requires no text: it runs on every line').toEqual([]);
    for (const run of k.runs.filter((r) => !r.caseSensitive)) {
      expect(run.gating).not.toBeNull();
      // A handful of short phrases ("ad", "© …", "x") are tried on every line they can start.
      expect(run.gating!.ungated.length).toBeLessThan(run.patterns.length / 20);
    }
    // Every rule text is a gate text or holds one (a line holding it then names the rule).
    for (const r of [...k.contains, ...k.runs.filter((m) => !m.caseSensitive).flatMap((m) => m.patterns)]) {
      for (const t of requiredTexts(r.source) ?? []) expect(k.gate!.texts.some((g) => t.includes(g)), `${r.source}: ${t}`).toBe(true);
    }
  });
});

describe("phrase rules: gated and filtered by first character = every group in order", () => {
  it('on the seed lines and on generated lines', () => {
    for (const text of SEED_LINES) expect(matchPhrase(text)?.source ?? null, text).toBe(referenceMatch(text)?.source ?? null);
    fc.assert(
      fc.property(anyLine, (text) => {
        expect(matchPhrase(text)?.source ?? null).toBe(referenceMatch(text)?.source ?? null);
      }),
      { numRuns: 500 },
    );
  });

  it("on lines holding the rules' gate texts, in any case, and on lines holding more texts than the gate reports", () => {
    const k = knowledge();
    const texts = k.gate!.texts;
    const withTexts = fc
      .array(fc.oneof(fc.constantFrom(...texts), fc.constantFrom(...texts).map((t) => t.toUpperCase()), fc.constantFrom(...PIECES)), { minLength: 1, maxLength: 8 })
      .map((ps) => ps.join(' '));
    fc.assert(
      fc.property(withTexts, (text) => {
        expect(matchPhrase(text)?.source ?? null, text).toBe(referenceMatch(text)?.source ?? null);
        // With the line's scan marks, as the classifier calls it.
        const t = text.trim();
        expect(matchPhrase(t, k, scanBlock(t).marks)?.source ?? null, t).toBe(referenceMatch(t)?.source ?? null);
      }),
      { numRuns: 1000 },
    );
    // More gate texts than the gate's buffer holds (64 ids): then every rule is tried, the
    // contains-rules and the whole-line rules alike. The shortest gate text, repeated, fills it.
    const shortest = [...texts].sort((a, b) => a.length - b.length)[0]!;
    const filler = (room: number) => shortest.repeat(Math.floor(room / shortest.length));
    const overflowing = [
      `all rights reserved ${filler(220)}`.slice(0, 250),
      `${filler(200)} all rights reserved`.slice(-250),
      `leave a reply ${filler(230)}`.slice(0, 250),
      filler(250),
    ];
    for (const t of overflowing) {
      const lower = normalizeLine(t).toLowerCase();
      expect(k.gate!.find(lower, null, new Int32Array(64)), `${t} overflows the gate's buffer`).toBe(64);
      expect(matchPhrase(t)?.source ?? null, t).toBe(referenceMatch(t)?.source ?? null);
      expect(matchPhrase(t, k, scanBlock(t).marks)?.source ?? null, t).toBe(referenceMatch(t)?.source ?? null);
    }
    // …and the contains-rule is found on them (not only agreed with the reference).
    expect(matchPhrase(overflowing[0]!)?.reason ?? null).not.toBeNull();
  });

  it('matches lines made of the patterns themselves (hits, not only misses)', () => {
    // The last three match only through patterns that may start anywhere, tried on lines with their suffix.
    const hits = ['Leave a Reply', 'Share this', 'Follow us on Twitter', '© 2024 Example Media', 'Foto: dpa', '12 Kommentare', 'Read more', 'Von Max Muster', '3 bloggers like this', 'Artikel als PDF herunterladen', '5 Bloggern gefällt das']
      .map((t) => matchPhrase(t)?.reason ?? null);
    expect(hits.every((h) => h !== null)).toBe(true);
    for (const t of ['3 bloggers like this', 'Artikel als PDF herunterladen', 'x bloggers like that']) expect(matchPhrase(t)?.source ?? null, t).toBe(referenceMatch(t)?.source ?? null);
  });
});

describe('stop words without word strings', () => {
  it('counts the words words() splits and gives the same densities and language guess', () => {
    fc.assert(
      fc.property(fc.array(anyLine, { minLength: 1, maxLength: 8 }), fc.constantFrom(undefined, null, 'en', 'de', 'fr', 'xx', ''), (texts, lang) => {
        const scans = texts.map(scanWords);
        texts.forEach((t, i) => {
          expect(scans[i]!.words).toBe(words(t).length);
          expect(words(t)).toEqual(referenceWords(t));
          expect(stopwordDensityOfScan(scans[i]!, lang)).toBe(referenceDensity(words(t), lang));
          expect(stopwordDensity(words(t), lang)).toBe(referenceDensity(words(t), lang));
        });
        expect(guessStopwordLanguageOfScans(scans)).toBe(referenceGuess(texts.map((t) => words(t))));
        expect(guessStopwordLanguage(texts.map((t) => words(t)))).toBe(referenceGuess(texts.map((t) => words(t))));
      }),
      { numRuns: 300 },
    );
    const seedScans = SEED_LINES.map(scanWords);
    expect(guessStopwordLanguageOfScans(seedScans)).toBe(referenceGuess(SEED_LINES.map((t) => words(t))));
    // Documents of over 1,200 words, where the guess samples every step-th word (step 2 to 7).
    const word = fc.constantFrom('the', 'and', 'of', 'der', 'die', 'und', 'le', 'la', 'et', 'el', 'que', 'di', 'Minister', 'Regierung', 'vote', 'x', 'a', 'en', 'is');
    fc.assert(
      fc.property(fc.array(fc.array(word, { minLength: 0, maxLength: 24 }).map((w) => w.join(' ')), { minLength: 120, maxLength: 400 }), (texts) => {
        expect(guessStopwordLanguageOfScans(texts.map(scanWords))).toBe(referenceGuess(texts.map((t) => words(t))));
      }),
      { numRuns: 60 },
    );
    expect(guessStopwordLanguageOfScans(seedScans)).toBe('en');
  });

  it('every word of one to three ASCII letters, in any case (looked up by its letters, not hashed): stop word exactly when a list has it', () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const all = [...letters].flatMap((a) => [a, ...[...letters].flatMap((b) => [a + b, ...[...letters].map((c) => a + b + c)])]);
    const mismatches: string[] = [];
    for (const w of all) {
      for (const text of [w, w.toUpperCase(), `${w[0]!.toUpperCase()}${w.slice(1)}`]) {
        const scan = scanWords(text);
        if (stopwordDensityOfScan(scan) !== referenceDensity([w]) || stopwordDensityOfScan(scan, 'en') !== referenceDensity([w], 'en')) mismatches.push(text);
      }
    }
    expect(all.length).toBe(26 + 26 * 26 + 26 * 26 * 26);
    expect(mismatches).toEqual([]);
  });

  it('lower-cases every UTF-16 code unit as toLowerCase does on the whole text (İ, Σ, surrogate pairs included)', () => {
    // The scan folds case per character from a table; where the table answers, toLowerCase must give that
    // unit in any position (alone, inside a word, word-final, after an astral letter), and scans must agree.
    const mismatches: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      const lower = lowerCaseUnit(c);
      if (lower !== 0) {
        for (const [before, after] of [['', ''], ['A', 'b'], ['AB', ' '], ['a', ''], ['\u{10400}', 'x'], [' ', 'Z']] as const) {
          const folded = (before + ch + after).toLowerCase();
          if (folded.length !== before.length + 1 + after.length || folded.charCodeAt(before.length) !== lower) mismatches.push(`table ${c.toString(16)}`);
        }
      }
      const t = `DIE${ch}der ${ch}THE${ch} ${ch} x \u{10400}${ch}Und`;
      const scan = scanWords(t);
      const ws = words(t);
      if (scan.words !== ws.length || stopwordDensityOfScan(scan) !== referenceDensity(ws) || stopwordDensityOfScan(scan, 'de') !== referenceDensity(ws, 'de')) mismatches.push(`scan ${c.toString(16)}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('one-pass shape features = their regular-expression definitions', () => {
  const URL_RE = /\b(?:https?:\/\/|www\.)\S+/giu;
  const EMAIL_RE = /[\w.+-]+@[\w-]+\.[\w.-]+|\[email[\s\u00a0]*protected\]/giu;
  const HANDLE_RE = /(?:^|\s)@\w{2,}/gu;
  /** Whitespace-separated tokens that start with a letter, and those that start with a capital. */
  function tokenCounts(text: string) {
    let letterTokens = 0;
    let capitalTokens = 0;
    for (const m of text.matchAll(/(?:^|\s)(\S)/gu)) {
      if (!/\p{L}/u.test(m[1]!)) continue;
      letterTokens++;
      if (/\p{Lu}/u.test(m[1]!)) capitalTokens++;
    }
    return { letterTokens, capitalTokens };
  }
  function reference(text: string) {
    let linkChars = 0;
    for (const re of [URL_RE, EMAIL_RE, HANDLE_RE]) for (const m of text.matchAll(re)) linkChars += m[0].trim().length;
    const { letterTokens: rawWords, capitalTokens: caps } = tokenCounts(text);
    const n = words(text).length;
    return {
      terminal: /[.!?…:;"”»)\]]\s*$/u.test(text),
      sentence: n >= 3 && /^\s*["“„«'‘(]?\p{Lu}/u.test(text) && /[.!?…]["”»’)]?\s*$/u.test(text),
      linkShare: text.length ? Math.min(1, linkChars / text.length) : 0,
      capShare: rawWords ? caps / rawWords : 0,
    };
  }
  it('on generated and seed lines', () => {
    const check = (text: string) => {
      const f = blockFeatures(text, 'en');
      expect({ terminal: f.terminal, sentence: f.sentence, linkShare: f.linkShare, capShare: f.capShare }, JSON.stringify(text)).toEqual(reference(text));
    };
    SEED_LINES.forEach(check);
    fc.assert(
      fc.property(anyLine, (t) => {
        check(t);
      }),
      { numRuns: 500 },
    );
  });

  it('the fused line scan counts the shape as its definition does (every UTF-16 unit, generated and seed lines)', () => {
    // scanLine counts tokens, capitals and link marks in the same pass as the words; lineShape is the plain per-code-point count.
    // mayLink is the cheap gate before the link expressions: "w." (of "www."), ":/", "@", "[".
    const counts = (text: string) => ({ ...tokenCounts(text), mayLink: /:\/|w\.|@|\[/i.test(text) });
    const check = (text: string) => {
      const scan = scanLine(text);
      const expected = counts(text);
      expect({ letterTokens: scan.letterTokens, capitalTokens: scan.capitalTokens, mayLink: scan.mayLink }, JSON.stringify(text)).toEqual(expected);
      expect(lineShape(text), JSON.stringify(text)).toEqual(expected);
      expect(scan.words).toBe(words(text).length);
    };
    const mismatches: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      const t = `${ch}a ${ch}B x${ch} \u{10400}${ch} w${ch}.`;
      const scan = scanLine(t);
      const expected = counts(t);
      if (scan.letterTokens !== expected.letterTokens || scan.capitalTokens !== expected.capitalTokens || scan.mayLink !== expected.mayLink) mismatches.push(c.toString(16));
    }
    expect(mismatches).toEqual([]);
    SEED_LINES.forEach(check);
    ['', ' ', 'www.x', 'WWW.x', 'a.b', 'http://x', 'a:b', 'x@y', '[email protected]', 'İstanbul Σ', '\u{1F600} Ab', 'Ab\u00a0Cd'].forEach(check);
    fc.assert(
      fc.property(anyLine, (t) => {
        check(t);
      }),
      { numRuns: 500 },
    );
  });

  it('datelines: every line the dateline shape matches ends as its gate expects', () => {
    const piece = fc.constantFrom('23', '3', '10', '2018', '2024-05-01', '.', '. ', ',', ', ', ' ', 'Oct', 'October', 'März', 'Jan.', 'Publiziert: ', 'Stand ', '12:35', '9.05', 'Uhr', 'UHR', 'h', 'H', 'am', 'PM', 'a.m.', 'P.M.', 'Monday, ');
    const lines = fc.array(piece, { minLength: 1, maxLength: 9 }).map((ps) => ps.join(''));
    let matched = 0;
    const check = (t: string) => {
      if (!DATELINE.test(t)) return;
      matched++;
      expect(mayEndDateline(t.charCodeAt(t.length - 1)), JSON.stringify(t)).toBe(true);
    };
    ['23.10.2018', '11 Jan 2019', 'Publiziert: 03.04.2020, 12:35', 'October 19, 2021', '3 Oct 2020 9.05 a.m.', '3 Oct 2020 12:35 Uhr', '2024-05-01 12:00 PM'].forEach(check);
    fc.assert(fc.property(lines, (t) => check(t)), { numRuns: 3000 });
    // The generator does reach the shape (a test that never matched would prove nothing).
    expect(matched).toBeGreaterThan(20);
  });

  it('section labels: at most four words, each capitalised', () => {
    const reference = (text: string) => {
      const t = text.trim();
      if (t.length > 40 || /[\d.,;:!?"“”()]/.test(t)) return false;
      const ws = t.split(/\s+/);
      return ws.length <= 4 && ws.every((w) => /^[\p{Lu}&]/u.test(w));
    };
    for (const t of ['Asia World', 'News & Politics', 'Élysée Palace', 'politics', 'One Two Three Four Five', ' ', 'İstanbul']) expect(isSectionLabel(t), t).toBe(reference(t));
    fc.assert(
      fc.property(anyLine, (t) => {
        expect(isSectionLabel(t), JSON.stringify(t)).toBe(reference(t));
      }),
      { numRuns: 300 },
    );
  });
});

describe('line marks: the gates read in the line scan', () => {
  /** Each mark by its definition; `sure` bits must equal it, the others may only be set more often. */
  function reference(text: string) {
    return {
      asciiAlnum: /[A-Za-z0-9]/.test(text),
      nonAscii: /[^\x00-\x7f]/.test(text),
      reshape: /[\u2018\u2019\u201c\u201d]|\s{2,}|[\t\u00a0]/.test(text),
      crumb: /[»›>|/]/.test(text),
      digit: /\d/.test(text),
      upper: text.toLowerCase() !== text,
      wideUpper: [...text].some((ch) => ch.charCodeAt(0) >= 128 && ch.toLowerCase() !== ch),
      at: /[@[]/.test(text),
    };
  }
  const check = (text: string) => {
    const marks = scanLine(text).marks;
    if (marks < 0) return; // not known (lines the fast scan cannot fold): the gates use their expressions
    const r = reference(text);
    const has = (bit: number) => (marks & bit) !== 0;
    expect(
      { asciiAlnum: has(MARK_ASCII_ALNUM), nonAscii: has(MARK_NON_ASCII), reshape: has(MARK_RESHAPE), crumb: has(MARK_CRUMB), digit: has(MARK_DIGIT), upper: has(MARK_UPPER), wideUpper: has(MARK_WIDE_UPPER), at: has(MARK_AT) },
      JSON.stringify(text),
    ).toEqual(r);
  };

  it('each mark is set exactly when its expression matches (generated, seed lines, every UTF-16 unit)', () => {
    SEED_LINES.forEach(check);
    fc.assert(fc.property(anyLine, check), { numRuns: 1000 });
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      check(ch);
      check(`a${ch} ${ch}${ch}B`);
    }
  });

  it('the line rules give the same verdict with the marks as without (generated and seed lines)', () => {
    const same = (text: string) => {
      expect(lineVerdict(text, knowledge(), scanLine(text).marks), JSON.stringify(text)).toEqual(lineVerdict(text));
    };
    SEED_LINES.forEach(same);
    fc.assert(fc.property(anyLine, same), { numRuns: 1500 });
  });
});

describe('lexical terms hashed in the line scan = lexical.ts', () => {
  /** Dev-set text: the annotated snippets (article text and boilerplate) of the first pages, cut into lines. */
  const devLines = hasDevset
    ? readFileSync(path.join(DEVSET_DIR, 'annotations.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .slice(0, 300)
        .flatMap((l) => {
          const a = JSON.parse(l) as { with: string[]; without: string[] };
          return [...a.with, ...a.without];
        })
        .flatMap((t) => t.split('\n'))
    : [];
  const weights = Float64Array.from(shippedBlockModel()?.lexical ?? Array.from({ length: 4096 }, (_, i) => Math.sin(i)));
  /** Pieces that sit on the edges of the lexical word definition: apostrophes, digits, U+0080–U+00BF, ×, ÷, long words, astral letters, İ and Σ. */
  const EDGES = ["don't", 'don\u2019t', 'l\u2019homme', 'x1y', '\u00aa\u00b5\u00ba', '\u0085', '3\u00d74', '\u00f7', 'a'.repeat(23), 'B'.repeat(24), 'Ab'.repeat(20), 'İstanbul', 'ΣΟΦΊΑ', '\u{1D400}\u{1D401}', '\u2c00', '\u3005', 'ｆｕｌｌ', '_', '-'];
  const edgy = fc.array(fc.constantFrom(...PIECES, ...EDGES), { minLength: 0, maxLength: 12 }).map((ps) => ps.join(''));
  const otherWeights = Float64Array.from({ length: weights.length }, (_, i) => Math.cos(i * 7) / 3);
  const pair = new Float64Array(2);
  const check = (text: string) => {
    resetScanPools();
    const scan = scanBlock(text);
    const got: Array<[number, number]> = [];
    forEachScannedTerm(scan, (b, v) => got.push([b, v]));
    const expected: Array<[number, number]> = [];
    forEachLexicalTerm(text, (b, v) => expected.push([b, v]));
    expect(got, JSON.stringify(text)).toEqual(expected);
    expect(termDot(scan, weights), JSON.stringify(text)).toBe(lexicalDot(text, weights));
    // Both passes' dots in one walk: each the same number as its own termDot.
    termDotPair(scan, weights, otherWeights, pair);
    expect([pair[0], pair[1]], JSON.stringify(text)).toEqual([termDot(scan, weights), termDot(scan, otherWeights)]);
    // The rest of the scan is scanLine's (the stop words sit in the document's pool instead of an array of their own).
    const plain = scanLine(text);
    const view = (sc: typeof scan) => ({ ...sc, stops: [...sc.stops.subarray(sc.stopsFrom, sc.stopsEnd)], stopsFrom: 0, stopsEnd: 0, terms: 0, termCount: 0 });
    expect(view(scan)).toEqual(view(plain));
  };

  it('on generated, seed and dev-set lines', () => {
    SEED_LINES.forEach(check);
    devLines.forEach(check);
    if (hasDevset) expect(devLines.length).toBeGreaterThan(500);
    fc.assert(fc.property(fc.oneof(anyLine, edgy), check), { numRuns: 1500 });
  });

  it('every UTF-16 unit, alone, inside a word and next to an astral letter', () => {
    const mismatches: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      const t = `${ch} Ab${ch}cd \u{10400}${ch}x ${'z'.repeat(23)}${ch}${ch}q`;
      resetScanPools();
      const scan = scanBlock(t);
      if (termDot(scan, weights) !== lexicalDot(t, weights)) mismatches.push(c.toString(16));
    }
    expect(mismatches).toEqual([]);
  });

  it('terms of many blocks in one document stay apart (the pool grows), and the model scores the same from them', () => {
    const model = shippedBlockModel();
    if (!model?.lexical) return;
    const blocks = [...SEED_LINES, ...devLines, ...SEED_LINES].map((text) => ({ text, kind: 'paragraph' as const }));
    const ctx = blockModelContext(blocks, { titleLifted: false });
    const plain = contentProbabilities(model, ctx);
    resetScanPools();
    // Four times over, so that both pools outgrow their first arrays: scans made before keep theirs.
    const many = [...blocks, ...blocks, ...blocks, ...blocks].map((b) => scanBlock(b.text));
    const scans = many.slice(-blocks.length);
    ctx.lexicalShare = Float64Array.from(scans, (sc) => termDot(sc, Float64Array.from(model.lexical!)));
    expect(contentProbabilities(model, ctx)).toEqual(plain);
    expect(many[0]!.stops).not.toBe(many[many.length - 1]!.stops);
    many.forEach((sc, i) => {
      const text = blocks[i % blocks.length]!.text;
      expect([...sc.stops.subarray(sc.stopsFrom, sc.stopsEnd)], text).toEqual([...scanLine(text).stops]);
      expect(stopwordDensityOfScan(sc, 'en')).toBe(stopwordDensity(words(text), 'en'));
    });
  });
});

describe('block model and cache', () => {
  it('the folded scorer equals the logistic model on the feature vectors', () => {
    const model = shippedBlockModel()!;
    const blocks = SEED_LINES.map((text) => ({ text, kind: 'paragraph' as const }));
    const ctx = blockModelContext(blocks, { titleLifted: false });
    const folded = contentProbabilities(model, ctx);
    blocks.forEach((_, i) => expect(Math.abs(folded[i]! - contentProbability(model, blockVector(ctx, i), lexicalScore(model, ctx, i)))).toBeLessThan(1e-12));
  });

  it('block facts shared between repeated lines never change a decision, and nothing carries over between documents', () => {
    const blocks = SEED_LINES.map((text) => ({ text, kind: 'paragraph' as const }));
    // Every line twice: the second copy reuses the facts of the first.
    const doubled = [...blocks, ...blocks];
    const first = classifyBlocks(blocks, { aggressiveness: 0.5, mode: 'text' });
    const again = classifyBlocks(blocks, { aggressiveness: 0.5, mode: 'text' });
    const other = classifyBlocks(doubled, { aggressiveness: 0.5, mode: 'text' });
    expect(again).toEqual(first);
    expect(classifyBlocks(blocks, { aggressiveness: 0.5, mode: 'text' })).toEqual(first);
    // Rule verdicts depend on the text alone: both copies of a line agree, and agree with the single document.
    doubled.forEach((_, i) => {
      const ruled = (d: (typeof other)[number]) => (d.action !== 'keep' && d.grade === 'rule' ? d.reason : null);
      expect(ruled(other[i]!)).toBe(ruled(first[i % blocks.length]!));
    });
    expect(classifyBlocks(blocks, { aggressiveness: 0.5, mode: 'html' })).toEqual(classifyBlocks(blocks, { aggressiveness: 0.5, mode: 'html' }));
  });
});

describe('sequential copies of block texts', () => {
  it('equal their text for every UTF-16 unit (lone surrogates included), generated text of any units, and texts beyond the first buffer', () => {
    const differ: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const t = `Ab ${String.fromCharCode(c)} cd \u{1F600}${String.fromCharCode(c)}${'x'.repeat(c % 7)}`;
      if (sequentialCopy(t) !== t) differ.push(c.toString(16));
    }
    expect(differ).toEqual([]);
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (t) => sequentialCopy(t) === t), { numRuns: 2000 });
    // Longer than the reused buffer (it grows), then short again (the old contents must not leak in).
    const long = 'Ünïcode — '.repeat(5000);
    expect(sequentialCopy(long)).toBe(long);
    expect(sequentialCopy('a shorter line after it')).toBe('a shorter line after it');
  });

  it('the classifier decides lines cut from a larger text (V8 sliced strings, copied) as it decides the same lines built fresh', () => {
    const page = SEED_LINES.join('\n');
    const sliced = page.split('\n').map((text) => ({ text, kind: 'paragraph' as const }));
    const fresh = SEED_LINES.map((text) => ({ text: [...text].join(''), kind: 'paragraph' as const }));
    expect(classifyBlocks(sliced, { aggressiveness: 0.5, mode: 'text', titleLifted: false })).toEqual(classifyBlocks(fresh, { aggressiveness: 0.5, mode: 'text', titleLifted: false }));
  });
});

describe('input blocks of any shape', () => {
  it('decide as plain { text, kind } blocks: other properties, their order and a lang property absent or undefined change nothing', () => {
    const kinds = ['paragraph', 'heading', 'list-item', 'quote', 'caption'] as const;
    const shapes: Array<(text: string, kind: (typeof kinds)[number], i: number) => { text: string; kind: (typeof kinds)[number]; lang?: string }> = [
      (text, kind) => ({ text, kind }),
      (text, kind, i) => ({ kind, text, source: { start: i, end: i + text.length } }) as never,
      (text, kind, i) => ({ kind, text, source: { start: i, end: i }, owner: null, inner: false, linkChars: 0, weight: 0 }) as never,
      (text, kind) => ({ lang: undefined, text, kind }) as never,
    ];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(anyLine, fc.constantFrom(...SEED_LINES)), fc.constantFrom(...kinds), fc.nat()), { minLength: 1, maxLength: 40 }), fc.constantFrom('text', 'html') as fc.Arbitrary<'text' | 'html'>, (rows, mode) => {
        const plain = rows.map(([text, kind]) => ({ text, kind }));
        const mixed = rows.map(([text, kind, pick], i) => shapes[pick % shapes.length]!(text, kind, i));
        const opts = { aggressiveness: 0.5, mode, titleLifted: mode === 'html', blockModel: shippedBlockModel() };
        expect(classifyBlocks(mixed as never, opts)).toEqual(classifyBlocks(plain, opts));
      }),
      { numRuns: 150 },
    );
  });
});
