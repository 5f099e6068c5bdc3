/**
 * Date lines: recognise a line that is nothing but a (labelled) date, in the
 * languages chrono-node parses, and turn it into ISO `YYYY-MM-DD`.
 *
 * chrono's *strict* parsers are used: they read formal dates only
 * (`Tue 19 October 2021`, `2021-10-20`, `19. Oktober 2021`, `martes, 19 de
 * octubre de 2021`), never relative words like "today" (which occurs in 001's
 * breadcrumb `Home » today » News`). A line counts as a date line only when
 * the date covers it entirely apart from a label (`date`, `Published:`,
 * `Mis à jour le` …) and punctuation, and the year, month and day are all
 * explicit. Numeric dates follow chrono's conventions: `19.10.2021` is
 * day-first, `10/11/2021` is read month-first by the English parser.
 */
import * as chrono from 'chrono-node';

/** Parsers tried in order; the first one whose match covers the line wins. */
const PARSERS: ReadonlyArray<readonly [string, chrono.Chrono]> = [
  ['en', chrono.strict],
  ['fr', chrono.fr.strict],
  ['de', chrono.de.strict],
  ['es', chrono.es.strict],
  ['pt', chrono.pt.strict],
  ['it', chrono.it.strict],
  ['nl', chrono.nl.strict],
];

/**
 * Labels that may surround a date on a date line, per language (lowercase).
 * Longer labels first so `last updated` wins over `updated`.
 */
const DATE_LABELS = [
  // en
  'last updated', 'last modified', 'published on', 'posted on', 'updated on', 'published', 'posted', 'updated', 'modified', 'dated', 'date', 'on', 'at', 'as of',
  // fr
  'mis à jour le', 'publié le', 'mis à jour', 'publié', 'modifié le', 'le', 'à',
  // de
  'veröffentlicht am', 'aktualisiert am', 'veröffentlicht', 'aktualisiert', 'stand', 'datum', 'am', 'um',
  // es / pt / it
  'publicado el', 'actualizado el', 'publicado em', 'atualizado em', 'pubblicato il', 'aggiornato il', 'publicado', 'actualizado', 'atualizado', 'pubblicato', 'aggiornato', 'fecha', 'data', 'el', 'em', 'il',
  // nl
  'gepubliceerd op', 'bijgewerkt op', 'gepubliceerd', 'bijgewerkt', 'datum', 'op', 'om',
].sort((a, b) => b.length - a.length);

const LABEL_WORDS = new RegExp(`(?<![\\p{L}\\p{N}])(?:${DATE_LABELS.map((l) => l.replace(/ /g, '\\s+')).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
/** A clock time left beside the date (`| 10:45`, `14h30`, `3 pm`, `14:00 Uhr`). */
const CLOCK_TIME = /(?<![\p{L}\p{N}])(?:\d{1,2}[:h.]\d{2}(?::\d{2})?(?:\s*(?:[ap]\.?m\.?|uhr|h))?|\d{1,2}\s*(?:[ap]\.?m\.?|uhr))(?![\p{L}\p{N}])/giu;
/** A time-zone abbreviation or offset (`GMT`, `EDT`, `CET+1`); uppercase only, so ordinary words never match. */
const TIME_ZONE = /(?<![\p{L}\p{N}])[A-Z]{2,4}(?:[+-]\d{1,2}(?::?\d{2})?)?(?![\p{L}\p{N}])/gu;
/** What may be left of a date line once date and labels are gone. */
const LEFTOVER = /^[\s\p{P}\p{S}]*$/u;
/** Cheap pre-filter: a four-digit year from 1900–2099. */
const YEAR = /(?<!\d)(?:19|20)\d\d(?!\d)/u;

export interface DateLine {
  /** ISO `YYYY-MM-DD`. */
  date: string;
  /** The part of the line chrono read as the date. */
  matched: string;
  /** Parser language that read it. */
  locale: string;
}

const REFERENCE = new Date(Date.UTC(2000, 0, 1));

function isoDate(c: chrono.ParsedComponents): string | null {
  if (!c.isCertain('year') || !c.isCertain('month') || !c.isCertain('day')) return null;
  const y = c.get('year');
  const m = c.get('month');
  const d = c.get('day');
  if (y === null || m === null || d === null) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The date on a line that holds nothing but a date (and a label), or null. */
export function parseDateLine(line: string, maxChars = 100): DateLine | null {
  const text = line.trim();
  if (!text || text.length > maxChars || text.includes('\n') || !YEAR.test(text)) return null;
  for (const [locale, parser] of PARSERS) {
    const results = parser.parse(text, REFERENCE);
    const first = results[0];
    if (!first) continue;
    const date = isoDate(first.start);
    if (!date) continue;
    const rest = (text.slice(0, first.index) + ' ' + text.slice(first.index + first.text.length)).replace(LABEL_WORDS, ' ').replace(CLOCK_TIME, ' ').replace(TIME_ZONE, ' ');
    if (LEFTOVER.test(rest)) return { date, matched: first.text, locale };
  }
  return null;
}

const ISO_EXTENDED = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/u;
/** ISO 8601 basic format: `20210504`, `20210504T132005+0200`. */
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$/u;
/** Unix time in seconds (10 digits) or milliseconds (13 digits). */
const UNIX_TIME = /^\d{10}(?:\d{3})?$/u;

function validDay(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * Normalise a date given as a field (JSONL `date`, HTML meta): an ISO date or
 * timestamp is kept as given; the ISO basic format is rewritten in the
 * extended one; a Unix timestamp (seconds or milliseconds, years 1990–2100)
 * becomes a UTC ISO timestamp; anything else is parsed anywhere in the string
 * by the date parsers. Null when none of these reads a full date.
 */
export function normalizeDateField(value: string): string | null {
  const v = value.trim();
  if (ISO_EXTENDED.test(v)) return v;
  const basic = ISO_BASIC.exec(v);
  if (basic) {
    const [, y, m, d, hh, mm, ss, zone] = basic;
    if (!validDay(Number(y), Number(m), Number(d))) return null;
    if (!hh) return `${y}-${m}-${d}`;
    const z = zone ? (zone === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/u, '$1:$2')) : '';
    return `${y}-${m}-${d}T${hh}:${mm}${ss ? `:${ss}` : ''}${z}`;
  }
  if (UNIX_TIME.test(v)) {
    const ms = v.length === 13 ? Number(v) : Number(v) * 1000;
    const date = new Date(ms);
    const year = date.getUTCFullYear();
    return year >= 1990 && year <= 2100 ? date.toISOString() : null;
  }
  for (const [, parser] of PARSERS) {
    const first = parser.parse(v, REFERENCE)[0];
    const date = first ? isoDate(first.start) : null;
    if (date) return date;
  }
  return null;
}
