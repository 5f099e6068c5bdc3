/**
 * Person-name mentions ("Zalmay Khalilzad", "Secretary of State Antony
 * Blinken", "George W. Bush") and whether two given names can name the same
 * person (short forms, transliteration variants, initials).
 */
import { loadGivenNameGroups } from './lexicon.ts';
import { startsUpper, tokenize, type SpanToken, type Token } from './tokens.ts';

export interface NameMention {
  given: string;
  surname: string;
  /** Span of "given … surname" in the text the mention was found in. */
  start: number;
  end: number;
}

/** Words that precede names without being given names (titles, roles, honorifics). */
export const TITLE_WORDS: ReadonlySet<string> = new Set(
  ('president vice secretary state minister prime foreign defense defence interior finance ambassador envoy special representative ' +
    'senator sen rep gov governor mayor general gen lt col colonel major maj captain capt admiral adm judge justice chief deputy ' +
    'assistant mr mrs ms miss dr prof professor sir lord lady dame king queen prince princess sheikh shaikh mullah imam pope father ' +
    'rev reverend former late then acting interim leader speaker chairman chairwoman chair director commander spokesman spokeswoman ' +
    'spokesperson correspondent reporter ayatollah emir crown sultan marshal sergeant sgt officer agent inspector detective ' +
    'attorney counsel coach manager founder ceo cfo chancellor premier president-elect congressman congresswoman councillor ' +
    'councilman lawmaker mp saint st dear by with and or of the a an in on at to for from after before as if but when while ' +
    'according said says told asked under over about into during than since until via per').split(' '),
);

const INITIAL = /^\p{Lu}\.?$/u;

/** INITIAL.test(word) for a word that starts with an uppercase letter (property-tested): a lone capital, or one with a full stop. */
export function isInitial(word: string): boolean {
  if (word.length === 1) return true;
  return word.length <= 3 && INITIAL.test(word);
}

/** Fold diacritics and case: "José" → "jose". */
export function foldName(s: string): string {
  // ASCII has nothing to fold but case (most names in English news).
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function stripPossessive(s: string): string {
  return s.replace(/['’]s?$/u, '');
}

/** Length of the run of ASCII lowercase letters in `w` from `i`. */
function asciiLowerRun(w: string, i: number): number {
  let k = i;
  while (k < w.length && w.charCodeAt(k) >= 97 && w.charCodeAt(k) <= 122) k++;
  return k - i;
}

/** The name-word pattern, as a regular expression (the definition `capitalizedName` is property-tested against). */
export function capitalizedNameByRegex(w: string): boolean {
  return /^\p{Lu}\p{Ll}+(?:['’]s?)?$/u.test(w) || /^\p{Lu}\p{Ll}+-\p{Lu}\p{Ll}+$/u.test(w);
}

/** A capitalised name word: "Biden", "Biden’s", "Smith-Jones" (see capitalizedNameByRegex). */
export function capitalizedName(t: Pick<Token, 'text'>): boolean {
  const w = t.text;
  const c = w.charCodeAt(0);
  // ASCII fast path (this runs for every capitalised token of the run): "Biden", "Biden's", "Biden’s".
  if (c >= 65 && c <= 90) {
    const n = 1 + asciiLowerRun(w, 1);
    if (n === w.length) return n > 1;
    if (n > 1 && n + 2 === w.length && (w[n] === "'" || w[n] === '’') && w[n + 1] === 's') return true;
  }
  return capitalizedNameByRegex(w);
}

/**
 * Name mentions in a text: a run of capitalised words joined by single spaces
 * whose last word is the surname and whose nearest preceding non-initial word
 * is the given name. `isCommonWord` tells words that also occur lowercase in
 * the corpus ("Former", "State", "Will"): those are never taken as given names
 * or surnames, which costs some recall and saves many false alarms.
 * `tokens` may hold only the text's capitalised tokens (`scanNameTokens`):
 * only those make names, and a run is broken by whatever lies between two of
 * them, as by the lowercase token it would otherwise meet.
 */
export function extractNameMentions(text: string, isCommonWord: (lower: string) => boolean, tokens: SpanToken[] = tokenize(text)): NameMention[] {
  const out: NameMention[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (!startsUpper(tokens[i]!.text)) {
      i++; // most tokens: no name starts here
      continue;
    }
    // Build a run of capitalised tokens / initials separated by exactly one space.
    const run: SpanToken[] = [];
    let j = i;
    while (j < tokens.length) {
      const t = tokens[j]!;
      if (!startsUpper(t.text)) break; // cheap exit for the common case
      if (!capitalizedName(t) && !isInitial(t.text)) break;
      if (run.length) {
        const prev = run[run.length - 1]!;
        // "George W. Bush": a full stop may follow an initial; any other gap than one space ends the name.
        const gap = t.start - prev.end;
        const oneSpace = gap === 1 && text.charCodeAt(prev.end) === 32;
        const stopAfterInitial = gap === 2 && prev.text.length === 1 && text.charCodeAt(prev.end) === 46 && text.charCodeAt(prev.end + 1) === 32;
        if (!oneSpace && !stopAfterInitial) break;
      }
      run.push(t);
      j++;
    }
    if (run.length >= 2) {
      const last = run[run.length - 1]!;
      const surname = stripPossessive(last.text);
      let k = run.length - 2;
      while (k >= 0 && run[k]!.text.length === 1) k--; // middle initials
      const givenTok = run[k];
      if (givenTok && surname.length >= 3 && !/['’]/.test(givenTok.text)) {
        const given = givenTok.text;
        const gl = foldName(given);
        const sl = foldName(surname);
        if (given.length >= 2 && !TITLE_WORDS.has(gl) && !TITLE_WORDS.has(sl) && !isCommonWord(gl) && !isCommonWord(sl)) {
          out.push({ given, surname, start: givenTok.start, end: last.start + surname.length });
        }
      }
    }
    i = Math.max(j, i + 1);
  }
  return out;
}

/**
 * Consonant skeleton of a romanised name, so transliteration variants share it:
 * Mohammed / Muhammad → "mhmd", Sergei / Sergey → "srg", Vladimir / Wladimir → "vldmr".
 */
export function nameSkeleton(name: string): string {
  return foldName(name)
    .replace(/ph/g, 'f')
    .replace(/kh/g, 'k')
    .replace(/[cq]/g, 'k')
    .replace(/ck/g, 'k')
    .replace(/w/g, 'v')
    .replace(/x/g, 'ks')
    .replace(/[aeiouyh'’-]/g, '')
    .replace(/(.)\1+/g, '$1');
}

/** Dice coefficient of the letter multisets: how many letters two spellings share, in any order. */
export function letterOverlap(a: string, b: string): number {
  const count = new Map<string, number>();
  for (const c of foldName(a)) count.set(c, (count.get(c) ?? 0) + 1);
  let common = 0;
  for (const c of foldName(b)) {
    const n = count.get(c) ?? 0;
    if (n > 0) {
      common++;
      count.set(c, n - 1);
    }
  }
  return (2 * common) / (a.length + b.length || 1);
}

export class GivenNameEquivalence {
  private readonly groupsOf = new Map<string, number[]>();

  constructor(extraGroups: string[][] = []) {
    const groups = [...loadGivenNameGroups(), ...extraGroups];
    groups.forEach((g, gi) => {
      for (const n of g) {
        const k = foldName(n);
        const list = this.groupsOf.get(k) ?? [];
        list.push(gi);
        this.groupsOf.set(k, list);
      }
    });
  }

  /** Why two given names may name the same person, or null when they cannot. */
  sameName(a: string, b: string): string | null {
    const fa = foldName(a);
    const fb = foldName(b);
    if (fa === fb) return 'same spelling';
    const ga = this.groupsOf.get(fa);
    const gb = this.groupsOf.get(fb);
    if (ga && gb && ga.some((g) => gb.includes(g))) return 'known short form or variant';
    if (fa.length === 1 || fb.length === 1) return fa[0] === fb[0] ? 'initial' : null;
    if (nameSkeleton(fa) === nameSkeleton(fb) && nameSkeleton(fa).length >= 2) return 'transliteration variant';
    const [short, long] = fa.length <= fb.length ? [fa, fb] : [fb, fa];
    if (short.length >= 3 && long.startsWith(short)) return 'short form';
    return null;
  }
}
