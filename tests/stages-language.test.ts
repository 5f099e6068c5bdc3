import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { iso6393To1 } from 'iso-639-3';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../src/config.ts';
import { ISO6393_TO_1, iso6391Of, langFromIso6393, languageKey, MACROLANGUAGE_MEMBER_TO_1 } from '../src/text/iso639.ts';
import { DEFAULT_CANDIDATES, FRANC_LANGUAGES, francCodesFor } from '../src/text/language.ts';
import { runPipeline } from '../src/pipeline.ts';
import { runOnTexts } from './helpers/pipeline.ts';

const STAGES = ['segment', 'normalize', 'reflow', 'metadata', 'language'] as const;

const GERMAN = [
  'Der Sondergesandte der Vereinigten Staaten für Afghanistan tritt nach mehr als drei Jahren im Amt zurück, wie das Außenministerium am Montag mitteilte.',
  'Sein bisheriger Stellvertreter soll die Gespräche mit den Taliban fortsetzen und die Regierung in allen Fragen der Region beraten.',
].join('\n\n');
const FRENCH = [
  "L'envoyé spécial des États-Unis pour l'Afghanistan quitte ses fonctions, a annoncé lundi le chef de la diplomatie américaine dans un bref communiqué.",
  "Il est remplacé par son adjoint, qui était conseiller à la Maison Blanche lorsque Joe Biden était vice-président, selon le secrétaire d'État.",
].join('\n\n');
const ENGLISH = [
  'The United States special envoy for Afghanistan is stepping down after more than three years in the job, the State Department said on Monday.',
  'His deputy will continue the talks with the Taliban and advise the secretary of state on the region, officials said in a brief statement.',
  'The envoy had been criticised for a deal that many believe led to the collapse of the Afghan government in August of this year.',
].join('\n\n');

describe('ISO 639 table', () => {
  it('matches the iso-639-3 package for every language with a 639-1 code', () => {
    expect(ISO6393_TO_1).toEqual(iso6393To1);
  });

  it('maps franc answers to 639-1 directly or via the macrolanguage, else keeps the 639-3 code', () => {
    expect(langFromIso6393('eng')).toEqual({ iso6393: 'eng', iso6391: 'en' });
    expect(langFromIso6393('cmn')).toEqual({ iso6393: 'cmn', iso6391: 'zh' });
    expect(langFromIso6393('arb')).toEqual({ iso6393: 'arb', iso6391: 'ar' });
    expect(langFromIso6393('ceb')).toEqual({ iso6393: 'ceb', iso6391: 'ceb' });
    expect(langFromIso6393('und')).toEqual({ iso6393: 'und', iso6391: 'und' });
    for (const member of Object.keys(MACROLANGUAGE_MEMBER_TO_1)) expect(FRANC_LANGUAGES.has(member), member).toBe(true);
    // Macrolanguage members map to the 639-1 code of a real macrolanguage entry.
    for (const code of Object.values(MACROLANGUAGE_MEMBER_TO_1)) expect(Object.values(iso6393To1)).toContain(code);
    expect(iso6391Of('hms')).toBeNull();
  });

  it('compares configured codes in either form (639-1, 639-3, 639-2/B)', () => {
    expect(languageKey('en')).toBe('en');
    expect(languageKey('eng')).toBe('en');
    expect(languageKey('ENG')).toBe('en');
    expect(languageKey('zho')).toBe('zh');
    expect(languageKey('cmn')).toBe('zh');
    expect(languageKey('chi')).toBe('zh');
    expect(languageKey('ger')).toBe('de');
    expect(languageKey('ceb')).toBe('ceb');
    expect(francCodesFor('en')).toEqual(['eng']);
    expect(francCodesFor('fa').sort()).toEqual(['pes', 'prs']);
  });

  it('default candidates are all languages franc knows', () => {
    for (const c of DEFAULT_CANDIDATES) expect(FRANC_LANGUAGES.has(c), c).toBe(true);
  });
});

describe('language stage', () => {
  it('sets aside German and French documents when only English is accepted, with a readable detail', async () => {
    const { docs } = await runOnTexts(
      [{ id: 'de', text: GERMAN }, { id: 'fr', text: FRENCH }, { id: 'en', text: ENGLISH }],
      { languages: ['en'], pipeline: [...STAGES] },
    );
    const [de, fr, en] = docs;
    expect(de!.lang).toEqual({ iso6393: 'deu', iso6391: 'de' });
    expect(de!.setAside).toEqual({ reason: 'language', detail: 'detected deu (de); accepted: en' });
    expect(fr!.setAside).toEqual({ reason: 'language', detail: 'detected fra (fr); accepted: en' });
    expect(en!.setAside).toBeNull();
    // Set aside, not emptied: the blocks are still there for set-aside.jsonl and the report.
    expect(de!.blocks.length).toBe(2);
  });

  it('end to end: the German file is listed in set-aside.jsonl with its reason, the English one is in documents.jsonl', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'newsclean-lang-'));
    try {
      const input = path.join(dir, 'in');
      const output = path.join(dir, 'out');
      mkdirSync(input);
      writeFileSync(path.join(input, 'de.txt'), GERMAN);
      writeFileSync(path.join(input, 'en.txt'), ENGLISH);
      const config = path.join(dir, 'pipeline.config.ts');
      writeFileSync(config, "export default { languages: ['en'] };\n");
      await runPipeline({ input, output, configFile: config, configExplicit: true, report: false });
      const lines = (f: string) => readFileSync(path.join(output, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      expect(lines('set-aside.jsonl')).toMatchObject([{ id: 'de', reason: 'language', detail: 'detected deu (de); accepted: en' }]);
      // Nothing lost: the set-aside record carries the document's text.
      expect(lines('set-aside.jsonl')[0].text).toBe(GERMAN);
      expect(lines('documents.jsonl').map((d) => [d.id, d.lang])).toEqual([['en', 'en']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts languages given as 639-3 codes, and everything when the list is empty', async () => {
    const three = await runOnTexts([{ id: 'de', text: GERMAN }], { languages: ['deu', 'fra'], pipeline: [...STAGES] });
    expect(three.docs[0]!.setAside).toBeNull();
    const all = await runOnTexts([{ id: 'de', text: GERMAN }, { id: 'fr', text: FRENCH }], { pipeline: [...STAGES] });
    expect(all.docs.map((d) => d.setAside)).toEqual([null, null]);
  });

  it('a document too short to tell is `und` and kept', async () => {
    const { docs: [d] } = await runOnTexts([{ id: 's', text: 'Ok 2021' }], { languages: ['en'], pipeline: [...STAGES] });
    expect(d!.lang).toEqual({ iso6393: 'und', iso6391: 'und' });
    expect(d!.setAside).toBeNull();
    expect(d!.blocks[0]!.lang).toEqual({ iso6393: 'und', iso6391: 'und' });
  });

  it('short paragraphs inherit the document language; a foreign paragraph gets its own', async () => {
    const quote = '« Nous ne pouvons pas accepter cette situation, qui est contraire à tous nos engagements », a déclaré le ministre français.';
    const text = `Envoy steps down\n\n${ENGLISH.split('\n\n')[0]}\n\nA fine negotiator\n\n${quote}\n\n${ENGLISH.split('\n\n').slice(1).join('\n\n')}`;
    const { docs: [d] } = await runOnTexts([{ id: 'mix', text }], { languages: ['en'], pipeline: ['segment', 'normalize', 'reflow', 'language'] });
    expect(d!.lang?.iso6391).toBe('en');
    expect(d!.blocks.map((b) => b.lang?.iso6391)).toEqual(['en', 'en', 'en', 'fr', 'en', 'en']);
  });

  it('a document that is mostly English with one long French paragraph is English', async () => {
    const french = FRENCH.split('\n\n')[0]!;
    const { docs: [d] } = await runOnTexts([{ id: 'mostly', text: `${ENGLISH}\n\n${french}` }], { pipeline: [...STAGES] });
    expect(d!.lang?.iso6391).toBe('en');
    expect(d!.blocks.map((b) => b.lang?.iso6391)).toEqual(['en', 'en', 'en', 'fr']);
  });

  it('identifies scripts franc maps to one language', async () => {
    const { docs: [d] } = await runOnTexts([{ id: 'zh', text: '美国阿富汗问题特使哈利勒扎德周一宣布辞职，国务院在一份简短声明中表示，他的副手将接替他的工作。' }], { pipeline: [...STAGES] });
    expect(d!.lang).toEqual({ iso6393: 'cmn', iso6391: 'zh' });
  });

  it('rejects an unknown candidate code in the config, naming the key', () => {
    expect(() => resolveConfig({ stages: { language: { candidates: ['eng', 'xx1'] } } })).toThrow(ConfigError);
    expect(() => resolveConfig({ stages: { language: { candidates: ['eng', 'xx1'] } } })).toThrow(/stages\.language\.candidates\.1/u);
  });
});
