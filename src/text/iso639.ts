/**
 * ISO 639 code tables for the language stage.
 *
 * franc answers in ISO 639-3; the outputs also carry ISO 639-1. The table
 * below is ISO 639-3 → 639-1 for every language that has a 639-1 code (184),
 * copied from the `iso-639-3` package (wooorm, the author of franc; a test
 * checks it still matches the package). franc often answers with an
 * *individual* language of a macrolanguage (`cmn` Mandarin, `arb` Standard
 * Arabic, `pes` Iranian Persian …) which has no 639-1 code of its own; those
 * map to their macrolanguage's 639-1 code, as BCP 47 does (`zh`, `ar`, `fa`).
 * A language with no 639-1 code at all (e.g. `ceb` Cebuano) keeps its 639-3
 * code in the 639-1 slot, again as BCP 47 does, so it is never confused with `und`.
 */
import type { Lang } from '../core/types.ts';

export const ISO6393_TO_1: Readonly<Record<string, string>> = {
  aar: 'aa', abk: 'ab', afr: 'af', aka: 'ak', amh: 'am', ara: 'ar', arg: 'an', asm: 'as', ava: 'av',
  ave: 'ae', aym: 'ay', aze: 'az', bak: 'ba', bam: 'bm', bel: 'be', ben: 'bn', bis: 'bi', bod: 'bo',
  bos: 'bs', bre: 'br', bul: 'bg', cat: 'ca', ces: 'cs', cha: 'ch', che: 'ce', chu: 'cu', chv: 'cv',
  cor: 'kw', cos: 'co', cre: 'cr', cym: 'cy', dan: 'da', deu: 'de', div: 'dv', dzo: 'dz', ell: 'el',
  eng: 'en', epo: 'eo', est: 'et', eus: 'eu', ewe: 'ee', fao: 'fo', fas: 'fa', fij: 'fj', fin: 'fi',
  fra: 'fr', fry: 'fy', ful: 'ff', gla: 'gd', gle: 'ga', glg: 'gl', glv: 'gv', grn: 'gn', guj: 'gu',
  hat: 'ht', hau: 'ha', hbs: 'sh', heb: 'he', her: 'hz', hin: 'hi', hmo: 'ho', hrv: 'hr', hun: 'hu',
  hye: 'hy', ibo: 'ig', ido: 'io', iii: 'ii', iku: 'iu', ile: 'ie', ina: 'ia', ind: 'id', ipk: 'ik',
  isl: 'is', ita: 'it', jav: 'jv', jpn: 'ja', kal: 'kl', kan: 'kn', kas: 'ks', kat: 'ka', kau: 'kr',
  kaz: 'kk', khm: 'km', kik: 'ki', kin: 'rw', kir: 'ky', kom: 'kv', kon: 'kg', kor: 'ko', kua: 'kj',
  kur: 'ku', lao: 'lo', lat: 'la', lav: 'lv', lim: 'li', lin: 'ln', lit: 'lt', ltz: 'lb', lub: 'lu',
  lug: 'lg', mah: 'mh', mal: 'ml', mar: 'mr', mkd: 'mk', mlg: 'mg', mlt: 'mt', mon: 'mn', mri: 'mi',
  msa: 'ms', mya: 'my', nau: 'na', nav: 'nv', nbl: 'nr', nde: 'nd', ndo: 'ng', nep: 'ne', nld: 'nl',
  nno: 'nn', nob: 'nb', nor: 'no', nya: 'ny', oci: 'oc', oji: 'oj', ori: 'or', orm: 'om', oss: 'os',
  pan: 'pa', pli: 'pi', pol: 'pl', por: 'pt', pus: 'ps', que: 'qu', roh: 'rm', ron: 'ro', run: 'rn',
  rus: 'ru', sag: 'sg', san: 'sa', sin: 'si', slk: 'sk', slv: 'sl', sme: 'se', smo: 'sm', sna: 'sn',
  snd: 'sd', som: 'so', sot: 'st', spa: 'es', sqi: 'sq', srd: 'sc', srp: 'sr', ssw: 'ss', sun: 'su',
  swa: 'sw', swe: 'sv', tah: 'ty', tam: 'ta', tat: 'tt', tel: 'te', tgk: 'tg', tgl: 'tl', tha: 'th',
  tir: 'ti', ton: 'to', tsn: 'tn', tso: 'ts', tuk: 'tk', tur: 'tr', twi: 'tw', uig: 'ug', ukr: 'uk',
  urd: 'ur', uzb: 'uz', ven: 've', vie: 'vi', vol: 'vo', wln: 'wa', wol: 'wo', xho: 'xh', yid: 'yi',
  yor: 'yo', zha: 'za', zho: 'zh', zul: 'zu',};

/**
 * Individual languages franc can answer → the 639-1 code of their
 * macrolanguage (ISO 639-3 macrolanguage mappings, sil.org).
 */
export const MACROLANGUAGE_MEMBER_TO_1: Readonly<Record<string, string>> = {
  cmn: 'zh', // Mandarin Chinese → zho
  arb: 'ar', // Standard Arabic → ara
  pes: 'fa', // Iranian Persian → fas
  prs: 'fa', // Dari → fas
  swh: 'sw', // Swahili (individual) → swa
  fuv: 'ff', // Nigerian Fulfulde → ful
  fuf: 'ff', // Pular → ful
  ckb: 'ku', // Central Kurdish → kur
  uzn: 'uz', // Northern Uzbek → uzb
  zlm: 'ms', // Malay (individual) → msa
  azj: 'az', // North Azerbaijani → aze
  plt: 'mg', // Plateau Malagasy → mlg
  qug: 'qu', // Chimborazo Highland Quichua → que
  quz: 'qu', // Cusco Quechua → que
  quy: 'qu', // Ayacucho Quechua → que
  zyb: 'za', // Yongbei Zhuang → zha
  als: 'sq', // Tosk Albanian → sqi
  knc: 'kr', // Central Kanuri → kau
  kng: 'kg', // Koongo → kon
  ayr: 'ay', // Central Aymara → aym
  lvs: 'lv', // Standard Latvian → lav
  ekk: 'et', // Standard Estonian → est
  khk: 'mn', // Halh Mongolian → mon
  pbu: 'ps', // Northern Pashto → pus
  npi: 'ne', // Nepali (individual) → nep
  ydd: 'yi', // Eastern Yiddish → yid
  src: 'sc', // Logudorese Sardinian → srd
};

/** ISO 639-2/B bibliographic codes that differ from 639-3 (users write `ger`, `fre`). */
export const ISO6392B_TO_1: Readonly<Record<string, string>> = {
  alb: 'sq', arm: 'hy', baq: 'eu', bur: 'my', chi: 'zh', cze: 'cs', dut: 'nl', fre: 'fr', geo: 'ka', ger: 'de',
  gre: 'el', ice: 'is', mac: 'mk', mao: 'mi', may: 'ms', per: 'fa', rum: 'ro', slo: 'sk', tib: 'bo', wel: 'cy',
};

export const UNDETERMINED: Lang = { iso6393: 'und', iso6391: 'und' };

/** The 639-1 code for a 639-3 code (directly or through its macrolanguage), or null if it has none. */
export function iso6391Of(iso6393: string): string | null {
  return ISO6393_TO_1[iso6393] ?? MACROLANGUAGE_MEMBER_TO_1[iso6393] ?? null;
}

/** A franc answer as a `Lang`. */
export function langFromIso6393(iso6393: string): Lang {
  if (iso6393 === 'und') return UNDETERMINED;
  return { iso6393, iso6391: iso6391Of(iso6393) ?? iso6393 };
}

/**
 * The key two codes are compared by: the 639-1 code when the language has
 * one, else the 639-3 code. `en`, `eng` → `en`; `zho`, `cmn`, `chi` → `zh`;
 * `ceb` → `ceb`. Lowercased; unknown codes compare as themselves.
 */
export function languageKey(code: string): string {
  const c = code.trim().toLowerCase();
  if (c.length === 2) return c;
  return iso6391Of(c) ?? ISO6392B_TO_1[c] ?? c;
}
