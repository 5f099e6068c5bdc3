/**
 * Detector 5: cluster-aware variants. A paragraph in a near-duplicate cluster
 * is aligned word by word with the cluster's canonical text (diff package).
 * A short replacement inside an otherwise identical span is judged:
 * - the replaced words belong to a gazetteer expression or a capitalised name
 *   of the canonical text and the replacement is a synonym of them (spinner
 *   table or WordNet, any sense): that is the definition of spinning, flagged
 *   `spun-expression` on the whole expression with the canonical wording as
 *   suggestion ("Wall Avenue Journal" where the canonical copy writes
 *   "Wall Street Journal");
 * - otherwise a synonym swap, or any replacement that breaks a gazetteer
 *   expression, is flagged `cluster-variant` with the canonical words.
 */
import { diffArrays } from 'diff';
import { clampConfidence, type Detection } from './detection.ts';
import { FUNCTION_WORDS, type ArtifactLexicon } from './lexicon.ts';
import { isCapitalized, NAME_CONNECTORS, tokenize, type Token } from './tokens.ts';

const MAX_REPLACED_WORDS = 3;

function isSubstitute(lex: ArtifactLexicon, original: string, replacement: string): 'spinner' | 'wordnet' | null {
  for (const s of lex.substitutes(original)) if (s.words.join(' ') === replacement) return s.source;
  return null;
}

interface CanonicalSpan {
  /** Token range [start, end) of the canonical text. */
  start: number;
  end: number;
  /** The gazetteer phrase, or null for a capitalised name not in the gazetteer. */
  entry: string | null;
}

/** A gazetteer entry written in the canonical tokens that covers token range [a, b). */
function coveringEntry(lex: ArtifactLexicon, canon: Token[], a: number, b: number): CanonicalSpan | null {
  let best: CanonicalSpan | null = null;
  for (const e of lex.entries) {
    const n = e.words.length;
    if (n < b - a) continue;
    for (let s = Math.max(0, b - n); s <= a && s + n <= canon.length; s++) {
      let ok = true;
      for (let k = 0; k < n && ok; k++) ok = canon[s + k]!.lower === e.words[k];
      if (ok && (!best || n > best.end - best.start)) best = { start: s, end: s + n, entry: e.phrase };
    }
  }
  return best;
}

/**
 * A run of at least two capitalised words (connectors such as "of" allowed
 * inside) around token range [a, b) of the canonical text, not at the start
 * of a sentence only: a proper name the gazetteer does not list.
 */
function coveringName(text: string, canon: Token[], a: number, b: number): CanonicalSpan | null {
  const capital = (k: number) => isCapitalized(canon[k]!.text);
  for (let k = a; k < b; k++) if (!capital(k)) return null;
  const joined = (k: number) => /^ $/.test(text.slice(canon[k - 1]!.end, canon[k]!.start));
  let start = a;
  while (start > 0 && joined(start) && capital(start - 1)) start--;
  let end = b;
  while (end < canon.length && joined(end) && (capital(end) || (NAME_CONNECTORS.has(canon[end]!.lower) && end + 1 < canon.length && joined(end + 1) && capital(end + 1)))) end++;
  // Two name words at least, not counting connectors ("The Government" is a sentence start, not a name).
  const sentenceStart = (k: number) => k === 0 || /[.!?:;"“”«»()]\s*$/.test(text.slice(0, canon[k]!.start));
  let nameWords = 0;
  for (let k = start; k < end; k++) if (!NAME_CONNECTORS.has(canon[k]!.lower) && !(k === start && sentenceStart(k))) nameWords++;
  if (nameWords < 2) return null;
  return { start, end, entry: null };
}

function joinedText(tokens: Token[], text: string, a: number, b: number): string {
  return text.slice(tokens[a]!.start, tokens[b - 1]!.end);
}

/**
 * `canonical` is the reference copy: the cluster's canonical text, or for the
 * paragraph that is the canonical text, another member's differing text.
 */
export function detectClusterVariants(text: string, canonical: string, lex: ArtifactLexicon, clusterId: string): Detection[] {
  if (text === canonical) return [];
  const mine = tokenize(text);
  const canon = tokenize(canonical);
  // Near-duplicates differ in a few places: the common head and tail are aligned without the diff.
  let head = 0;
  while (head < canon.length && head < mine.length && canon[head]!.lower === mine[head]!.lower) head++;
  let tail = 0;
  while (tail < canon.length - head && tail < mine.length - head && canon[canon.length - 1 - tail]!.lower === mine[mine.length - 1 - tail]!.lower) tail++;
  const changes = diffArrays(
    canon.slice(head, canon.length - tail).map((t) => t.lower),
    mine.slice(head, mine.length - tail).map((t) => t.lower),
  );
  const out: Detection[] = [];
  let ci = head;
  let mi = head;
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    const next = changes[i + 1];
    if (c.removed && next?.added) {
      const removed = c.value;
      const added = next.value;
      const [ca, cb, ma, mb] = [ci, ci + removed.length, mi, mi + added.length];
      ci = cb;
      mi = mb;
      i++;
      if (removed.length > MAX_REPLACED_WORDS || added.length > MAX_REPLACED_WORDS) continue;
      if (removed.every((w) => FUNCTION_WORDS.has(w))) continue;
      const source = isSubstitute(lex, removed.join(' '), added.join(' ')) ??
        (removed.length === added.length
          ? removed.every((w, k) => w === added[k] || isSubstitute(lex, w, added[k]!))
            ? 'wordnet'
            : null
          : null);
      const entry = coveringEntry(lex, canon, ca, cb);
      // This copy writes the expression and the reference breaks it: the reference is the variant, not this copy.
      if (!entry && coveringEntry(lex, mine, ma, mb)) continue;
      const name = entry ? null : source && added.every((_, k) => isCapitalized(mine[ma + k]!.text)) ? coveringName(canonical, canon, ca, cb) : null;
      const expression = entry ?? name;
      if (source && expression && removed.length <= 2) {
        // The words around the swap are the same in both copies (the diff kept them), so the expression maps over.
        const start = ma - (ca - expression.start);
        const end = mb + (expression.end - cb);
        if (start >= 0 && end <= mine.length) {
          const suggestion = joinedText(canon, canonical, expression.start, expression.end);
          const spun = joinedText(mine, text, start, end);
          const what = expression.entry ? `the expression "${expression.entry}"` : 'a capitalised name';
          out.push({
            start: mine[start]!.start,
            end: mine[end - 1]!.end,
            kind: 'spun-expression',
            confidence: clampConfidence(source === 'spinner' ? 0.85 : expression.entry ? 0.75 : 0.7),
            suggestion,
            evidence: `"${spun}" is ${what} "${suggestion}" with ${removed.join(' ')} → ${added.join(' ')} (${source === 'spinner' ? 'spinner' : 'WordNet'} synonym); the canonical text of near-duplicate cluster ${clusterId} writes "${suggestion}"`,
          });
          continue;
        }
      }
      if (!source && !entry) continue;
      const start = mine[ma]!.start;
      const end = mine[mb - 1]!.end;
      const suggestion = canonical.slice(canon[ca]!.start, canon[cb - 1]!.end);
      out.push({
        start,
        end,
        kind: 'cluster-variant',
        confidence: clampConfidence((source === 'spinner' ? 0.7 : source ? 0.6 : 0.5) + (entry ? 0.15 : 0)),
        suggestion,
        evidence: `the canonical text of near-duplicate cluster ${clusterId} writes "${suggestion}"` +
          (source ? ` (${source === 'spinner' ? 'spinner' : 'WordNet'} synonym swap)` : '') +
          (entry ? `, part of the expression "${entry.entry}"` : ''),
      });
      continue;
    }
    if (c.removed) ci += c.count;
    else if (c.added) mi += c.count;
    else {
      ci += c.count;
      mi += c.count;
    }
  }
  return out;
}

/** Whether `canonical` writes the expression `entryKey` (lowercased words joined by spaces). */
export function writesExpression(canonical: string, entryKey: string): boolean {
  const lower = canonical.toLowerCase();
  if (!lower.includes(entryKey.split(' ')[0]!)) return false;
  const words = tokenize(canonical).map((t) => t.lower);
  const want = entryKey.split(' ');
  for (let i = 0; i + want.length <= words.length; i++) {
    let ok = true;
    for (let k = 0; k < want.length && ok; k++) ok = words[i + k] === want[k];
    if (ok) return true;
  }
  return false;
}
