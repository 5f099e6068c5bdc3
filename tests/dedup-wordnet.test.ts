import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getWordNet, synsetOffset, synsetPos, WordNet } from '../src/lexicon/wordnet.ts';

const wn = getWordNet();

describe('WordNet loader', () => {
  it('finds synsets of inflected and irregular forms', () => {
    expect(wn.synsets('went', 'v')).toEqual(wn.synsets('go', 'v'));
    expect(wn.synsets('mice', 'n')).toEqual(wn.synsets('mouse', 'n'));
    expect(wn.synsets('companies', 'n')).toEqual(wn.synsets('company', 'n'));
    expect(wn.baseForms('running', 'v')).toContain('run');
    expect(wn.synsets('khalilzad')).toEqual([]);
  });

  it('encodes part of speech in synset ids', () => {
    const ids = wn.synsets('run');
    expect(new Set(ids.map(synsetPos))).toEqual(new Set(['n', 'v']));
    for (const id of ids) expect(synsetOffset(id)).toBeGreaterThan(0);
  });

  it('lists synonyms lowercased, multiword lemmas with spaces', () => {
    expect(wn.synonyms('envoy', 'n')).toEqual(expect.arrayContaining(['emissary', 'envoy extraordinary']));
    expect(wn.synonyms('big')).toContain('large');
    expect(wn.synonyms('said', 'v')).toContain('state');
    expect(wn.synonyms('envoy')).not.toContain('envoy');
  });

  it('maps a word and a spinner-style synonym to one class', () => {
    expect(wn.synonymClass('emissary')).toBe(wn.synonymClass('envoy'));
    expect(wn.synonymClass('large')).toBe(wn.synonymClass('big'));
    expect(wn.synonymClass('stated')).toBe(wn.synonymClass('said'));
    expect(wn.synonymClass('consultant')).toBe(wn.synonymClass('adviser'));
    // Unrelated words keep distinct classes; unknown words map to themselves.
    expect(wn.synonymClass('street')).not.toBe(wn.synonymClass('avenue'));
    expect(wn.synonymClass('Khalilzad')).toBe('khalilzad');
  });

  it('synonymClass is a pure function of the word (cache does not change answers)', () => {
    const fresh = new WordNet(wn.dictDir);
    fc.assert(
      fc.property(fc.constantFrom('run', 'ran', 'journal', 'envoy', 'big', 'better', 'said', 'xyzzy', 'children'), (w) => {
        expect(fresh.synonymClass(w)).toBe(wn.synonymClass(w));
      }),
    );
  });

  it('loads lazily per part of speech', () => {
    const fresh = new WordNet(wn.dictDir);
    fresh.synsets('dog', 'n');
    expect(fresh.stats().loaded).toEqual(['n']);
    fresh.preload();
    expect(fresh.stats().loaded).toEqual(['n', 'v', 'a', 'r']);
    expect(fresh.stats().lemmas).toBeGreaterThan(140_000);
  });

  it('rejects a bad synset id clearly', () => {
    expect(() => wn.synsetWords(12345 * 4)).toThrow(/no WordNet synset/);
  });
});
