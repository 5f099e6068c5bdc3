/**
 * Generator of story groups with a mistransliterated given name, for the
 * name-variant benchmark and tests. Each group is `docsPerGroup` documents
 * about three invented people (real given names, invented surnames), built
 * from clean paragraphs plus sentences naming them. In each group:
 * - one document misspells one person's given name the way transliteration
 *   and MT errors do (a confusable consonant, plus sometimes a vowel change,
 *   a dropped last letter or two swapped letters) — the gold positives;
 * - one document uses a known short form (Thomas → Tom) when there is one, and
 *   one mentions a relative with the same surname and another given name —
 *   both must stay unflagged.
 * Circularity: short forms come from data/gazetteer/given-names.en.json,
 * which the detector also reads, and a generated misspelling that the
 * detector's equivalence rules would call the same name is regenerated (it
 * would not be an error), so only the letter-overlap threshold and the
 * grouping are tested blind.
 */
import { loadGivenNameGroups } from '../lexicon.ts';
import { GivenNameEquivalence } from '../names.ts';
import { createRng, type Rng } from '../../gen/random.ts';

export interface NameGroupDoc {
  id: string;
  blocks: string[];
}

export interface GoldNameVariant {
  doc: string;
  block: number;
  start: number;
  end: number;
  wrong: string;
  right: string;
}

export interface NameBenchData {
  docs: NameGroupDoc[];
  variants: GoldNameVariant[];
  /** Mentions that must not be flagged: short forms and relatives. */
  negatives: { doc: string; block: number; start: number; end: number; text: string }[];
}

const EXTRA_GIVEN = [
  'Zalmay', 'Ashraf', 'Hamid', 'Farid', 'Karim', 'Nadia', 'Olena', 'Rustam', 'Ingrid', 'Marek', 'Dmitri', 'Sergio', 'Amina',
  'Tariq', 'Yasmin', 'Lukas', 'Mateo', 'Soren', 'Hiroshi', 'Kenji', 'Priya', 'Rahul', 'Fatima', 'Leila', 'Bogdan', 'Milan',
  'Anders', 'Pavel', 'Jorge', 'Elena', 'Camille', 'Gustavo', 'Dariusz', 'Oksana', 'Nikos', 'Selim', 'Walid', 'Jamal',
];

const SYLLABLES = ['kor', 'van', 'mal', 'dre', 'sto', 'rin', 'bel', 'haz', 'ten', 'gor', 'lis', 'mar', 'nov', 'pel', 'quin', 'rud', 'sab', 'tor', 'vel', 'zan'];
const ENDINGS = ['ski', 'ov', 'ez', 'ani', 'berg', 'son', 'zad', 'elli', 'ard', 'ic', 'ura', 'ens'];
const TITLES = ['Minister', 'Senator', 'Ambassador', 'Governor', 'envoy', 'spokesperson', 'negotiator', 'commander'];
const PLACES = ['Veltria', 'Norland', 'Karsk', 'Ostrava Bay', 'Medina Valley', 'Port Selwyn', 'Amberlin', 'Tessaro'];

/** Consonant confusions of romanisation and MT (each changes the consonant skeleton). */
const CONFUSIONS: Record<string, string[]> = {
  z: ['j', 's'], j: ['z', 'y'], s: ['z', 'sh'], l: ['r'], r: ['l'], b: ['p', 'v'], p: ['b'], v: ['b', 'f'], f: ['v'],
  d: ['t'], t: ['d'], g: ['k', 'j'], k: ['g'], m: ['n'], n: ['m'],
};
const VOWELS = 'aeiou';

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

export function misspellGivenName(given: string, rng: Rng): string {
  const letters = given.toLowerCase().split('');
  const consonants = letters.map((c, i) => (CONFUSIONS[c] ? i : -1)).filter((i) => i >= 0);
  if (consonants.length === 0) return given;
  const i = rng.pick(consonants);
  letters[i] = rng.pick(CONFUSIONS[letters[i]!]!);
  const r = rng.next();
  if (r < 0.25) {
    const vowels = letters.map((c, k) => (VOWELS.includes(c) ? k : -1)).filter((k) => k >= 0);
    if (vowels.length) letters[rng.pick(vowels)] = rng.pick(VOWELS.split(''));
  } else if (r < 0.45 && letters.length > 4) {
    letters.pop();
  } else if (r < 0.6 && letters.length > 3) {
    const k = rng.int(1, letters.length - 2);
    [letters[k], letters[k + 1]] = [letters[k + 1]!, letters[k]!];
  }
  return cap(letters.join(''));
}

export function generateNameGroups(paragraphs: readonly string[], groups: number, opts: { seed: number; docsPerGroup?: number }): NameBenchData {
  const rng = createRng(opts.seed);
  const perGroup = opts.docsPerGroup ?? 5;
  const eq = new GivenNameEquivalence();
  const nameGroups = loadGivenNameGroups().filter((g) => /^[a-z]+$/.test(g[0]!) && g.length > 1);
  const givenPool = [...nameGroups.map((g) => cap(g[0]!)), ...EXTRA_GIVEN];
  const shortForms = new Map(nameGroups.map((g) => [cap(g[0]!), g.slice(1).filter((s) => /^[a-z]+$/.test(s)).map(cap)]));
  const data: NameBenchData = { docs: [], variants: [], negatives: [] };
  const usedSurnames = new Set<string>();
  for (let g = 0; g < groups; g++) {
    const people = [0, 1, 2].map(() => {
      let surname = '';
      do surname = cap(rng.pick(SYLLABLES) + rng.pick(SYLLABLES) + rng.pick(ENDINGS));
      while (usedSurnames.has(surname));
      usedSurnames.add(surname);
      return { given: rng.pick(givenPool), surname, title: rng.pick(TITLES) };
    });
    const place = rng.pick(PLACES);
    const variantDoc = rng.int(0, perGroup - 1);
    const shortDoc = (variantDoc + 1) % perGroup;
    const relativeDoc = (variantDoc + 2) % perGroup;
    const victim = rng.int(0, 2);
    let wrong = people[victim]!.given;
    for (let tries = 0; tries < 20 && (wrong === people[victim]!.given || eq.sameName(wrong, people[victim]!.given)); tries++) {
      wrong = misspellGivenName(people[victim]!.given, rng);
    }
    for (let d = 0; d < perGroup; d++) {
      const id = `g${String(g).padStart(3, '0')}-d${d}`;
      const blocks = [rng.pick(paragraphs), rng.pick(paragraphs)];
      const mentions: { text: string; kind: 'variant' | 'short' | 'relative' | 'plain'; right: string }[] = [];
      people.forEach((p, pi) => {
        let given = p.given;
        let kind: 'variant' | 'short' | 'plain' = 'plain';
        if (d === variantDoc && pi === victim && wrong !== p.given) {
          given = wrong;
          kind = 'variant';
        } else if (d === shortDoc && (shortForms.get(p.given)?.length ?? 0) > 0) {
          given = rng.pick(shortForms.get(p.given)!);
          kind = 'short';
        }
        mentions.push({ text: `${given} ${p.surname}`, kind, right: `${p.given} ${p.surname}` });
      });
      let sentence = `Talks on ${place} resumed this week. `;
      const spans: { start: number; end: number; m: (typeof mentions)[number] }[] = [];
      mentions.forEach((m, k) => {
        const title = people[k]!.title;
        const before = `${k === 0 ? '' : ' '}${cap(title)} `;
        sentence += before;
        spans.push({ start: sentence.length, end: sentence.length + m.text.length, m });
        sentence += `${m.text} said the ${place} process would continue.`;
      });
      if (d === relativeDoc) {
        const p = people[(victim + 1) % 3]!;
        let other = rng.pick(givenPool);
        while (other === p.given || eq.sameName(other, p.given)) other = rng.pick(givenPool);
        const text = `${other} ${p.surname}`;
        sentence += ' His relative ';
        spans.push({ start: sentence.length, end: sentence.length + text.length, m: { text, kind: 'relative', right: text } });
        sentence += `${text} was also present.`;
      }
      sentence += ` ${people[0]!.surname} and ${people[1]!.surname} left ${place} on Friday.`;
      const blockIndex = blocks.length;
      blocks.push(sentence);
      for (const s of spans) {
        if (s.m.kind === 'variant') data.variants.push({ doc: id, block: blockIndex, start: s.start, end: s.end, wrong: s.m.text, right: s.m.right });
        else if (s.m.kind !== 'plain') data.negatives.push({ doc: id, block: blockIndex, start: s.start, end: s.end, text: s.m.text });
      }
      data.docs.push({ id, blocks });
    }
  }
  return data;
}
