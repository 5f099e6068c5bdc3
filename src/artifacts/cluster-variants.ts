/**
 * Detector 5: cluster-aware variants. A paragraph in a near-duplicate cluster
 * is aligned word by word with the cluster's canonical text (diff package);
 * a short replacement whose words are synonyms of the canonical words (a
 * spinner's swap), or that breaks a gazetteer expression of the canonical
 * text, is flagged with the canonical wording as suggestion.
 */
import { diffArrays } from 'diff';
import { clampConfidence, type Detection } from './detection.ts';
import { FUNCTION_WORDS, type ArtifactLexicon } from './lexicon.ts';
import { tokenize, type Token } from './tokens.ts';

const MAX_REPLACED_WORDS = 3;

function isSubstitute(lex: ArtifactLexicon, original: string, replacement: string): 'spinner' | 'wordnet' | null {
  for (const s of lex.substitutes(original)) if (s.words.join(' ') === replacement) return s.source;
  return null;
}

/** Gazetteer entries written in `canonical` that cover token range [a, b). */
function brokenEntry(lex: ArtifactLexicon, canon: Token[], a: number, b: number): string | null {
  for (const e of lex.entries) {
    const n = e.words.length;
    for (let s = Math.max(0, b - n); s <= a && s + n <= canon.length; s++) {
      let ok = true;
      for (let k = 0; k < n && ok; k++) ok = canon[s + k]!.lower === e.words[k];
      if (ok) return e.phrase;
    }
  }
  return null;
}

export function detectClusterVariants(text: string, canonical: string, lex: ArtifactLexicon, clusterId: string): Detection[] {
  if (text === canonical) return [];
  const mine = tokenize(text);
  const canon = tokenize(canonical);
  const changes = diffArrays(
    canon.map((t) => t.lower),
    mine.map((t) => t.lower),
  );
  const out: Detection[] = [];
  let ci = 0;
  let mi = 0;
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
      const entry = brokenEntry(lex, canon, ca, cb);
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
          (entry ? `, part of the expression "${entry}"` : ''),
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
