/**
 * Flag cross-document artifacts (issue 5), after dedup: person names spelled
 * inconsistently within a story (name-variant), cluster members that swapped
 * words of their cluster's canonical text (cluster-variant), and the
 * document-level `spun` / `machine-translated` flags from the density of all
 * span flags (including those of the artifacts stage).
 */
import { z } from 'zod';
import { defineCorpusStage } from '../core/stage.ts';
import { flagDocument, flagSpan } from '../core/record.ts';
import type { Doc } from '../core/types.ts';
import { applyAutoFixes, autoFixSchema } from '../artifacts/autofix.ts';
import { detectClusterVariants, writesExpression } from '../artifacts/cluster-variants.ts';
import { scoreDocument, SPUN_KINDS } from '../artifacts/document-score.ts';
import { getLexicon } from '../artifacts/lexicon.ts';
import { detectPreparedNameVariants, prepareNameDoc, type NameVariantFlag, type PreparedNameDoc } from '../artifacts/name-variants.ts';
import { GivenNameEquivalence } from '../artifacts/names.ts';
import type { PendingMatch } from '../artifacts/spun-expression.ts';
import { tokenize } from '../artifacts/tokens.ts';
import { GRAMS_KEY, PENDING_KEY } from './artifacts.ts';

function pendingOf(doc: Doc): { block: number; match: PendingMatch }[] {
  return doc.blocks.flatMap((b, block) => ((b.data?.[PENDING_KEY] as PendingMatch[] | undefined) ?? []).map((match) => ({ block, match })));
}

const phraseKey = (text: string) => tokenize(text).map((t) => t.lower).join(' ');

/**
 * Dump evidence for pending candidates: in how many documents each pending
 * entry and each pending variant is written, and which entries a document
 * with pending candidates writes itself. Read from the word sequences the
 * artifacts stage kept at every possible expression start (GRAMS_KEY): every
 * entry and every spun form starts at such a position, so no document is
 * tokenized again.
 */
function dumpFrequencies(docs: Doc[]): { df: Map<string, number>; own: Map<string, Set<string>> } {
  const df = new Map<string, number>();
  const own = new Map<string, Set<string>>();
  const phrases = new Map<string, string[]>(); // first two words → phrases (words joined by spaces)
  for (const d of docs) {
    for (const { match } of pendingOf(d)) {
      for (const key of [match.entryKey, phraseKey(match.text)]) {
        const k = key.split(' ', 2).join(' ');
        const list = phrases.get(k) ?? phrases.set(k, []).get(k)!;
        if (!list.includes(key)) list.push(key);
      }
    }
  }
  if (phrases.size === 0) return { df, own };
  for (const d of docs) {
    const written = new Set<string>();
    for (const b of d.blocks) {
      for (const gram of (b.data?.[GRAMS_KEY] as string[] | undefined) ?? []) {
        const second = gram.indexOf(' ', gram.indexOf(' ') + 1);
        const list = phrases.get(second < 0 ? gram : gram.slice(0, second));
        if (list) for (const p of list) if (gram === p || gram.startsWith(`${p} `)) written.add(p);
      }
    }
    for (const k of written) df.set(k, (df.get(k) ?? 0) + 1);
    const mine = pendingOf(d).filter(({ match }) => written.has(match.entryKey));
    if (mine.length) own.set(d.id, new Set(mine.map(({ match }) => match.entryKey)));
  }
  return { df, own };
}

export const STAGE = 'artifacts-corpus';

const options = z.strictObject({
  nameVariants: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Distinctive capitalised words two documents must share to count as one story (shared clusters also link them). */
      minSharedWords: z.number().int().min(1).default(3),
      /** Minimum number of documents writing the majority spelling. */
      minMajorityDocs: z.number().int().min(1).default(2),
      /** The majority spelling must be in this many times as many documents as the flagged one. */
      majorityRatio: z.number().min(1).default(2),
      /** Given names sharing fewer letters than this (Dice of letter multisets) are different people. */
      minLetterOverlap: z.number().min(0).max(1).default(0.6),
      /** Extra groups of given names that name the same person, e.g. [["Bob", "Robert"]]. */
      equivalentGivenNames: z.array(z.array(z.string().min(1)).min(2)).default([]),
    })
    .prefault({}),
  clusterVariants: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  /**
   * Common expressions rephrased with true synonyms ("humanitarian assistance") are flagged only when
   * at least this many other documents of the run write the expression itself ("humanitarian aid").
   */
  dumpEvidence: z
    .strictObject({
      enabled: z.boolean().default(true),
      minDocsWritingEntry: z.number().int().min(1).default(3),
    })
    .prefault({}),
  documentFlags: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** A document needs at least this many flags of a family … */
      minFlags: z.number().int().min(1).default(3),
      /** … and at least this many per 1,000 words to be flagged `spun` / `machine-translated`. */
      minPer1000Words: z.number().min(0).default(5),
    })
    .prefault({}),
  /** Span flags below this confidence are not emitted. */
  minConfidence: z.number().min(0).max(1).default(0.5),
  autoFix: autoFixSchema,
});

function isEnglish(doc: Doc): boolean {
  const l = doc.lang;
  return !l || l.iso6393 === 'und' || l.iso6391 === 'en' || l.iso6393 === 'eng';
}

export default defineCorpusStage({
  name: STAGE,
  description: 'Flag cross-document artifacts: name variants within a story, cluster-aware substitutions, document-level spun/MT scores.',
  options,
  start(ctx) {
    const o = ctx.options;
    const nameDocs: PreparedNameDoc[] = [];
    const lowercase = new Set<string>();
    const nameFlags = new Map<string, NameVariantFlag[]>();
    const docs: Doc[] = [];
    const docsById = new Map<string, Doc>();
    let df = new Map<string, number>();
    let ownEntries = new Map<string, Set<string>>();
    /**
     * The copy a clustered paragraph is compared with: the cluster's canonical text, or, for the
     * paragraph that is the canonical text (dedup may pick a spun copy), the first member that differs.
     */
    type ReferenceCopy = { text: string; cluster: string; what: string };
    // Per cluster, the member compared with paragraphs equal to the canonical text (a verbatim wire story
    // copied by hundreds of sites would otherwise scan the member list once per copy).
    const differingMember = new Map<string, ReferenceCopy | null>();
    const referenceCopy = (d: Doc, blockIndex: number): ReferenceCopy | null => {
      const block = d.blocks[blockIndex]!;
      const record = block.cluster ? ctx.corpus.clusters.get(block.cluster) : undefined;
      if (!record) return null;
      if (record.canonical !== block.text) return { text: record.canonical, cluster: record.id, what: `the canonical text of near-duplicate cluster ${record.id}` };
      let found = differingMember.get(record.id);
      if (found === undefined) {
        found = null;
        for (const m of record.members) {
          const other = docsById.get(m.doc)?.blocks.find((b) => b.seq === m.seq);
          if (other && other.text !== record.canonical) {
            found = { text: other.text, cluster: record.id, what: `a member of near-duplicate cluster ${record.id} (document ${m.doc})` };
            break;
          }
        }
        differingMember.set(record.id, found);
      }
      return found;
    };
    return {
      collect(doc) {
        if (!isEnglish(doc)) return;
        docs.push(doc);
        docsById.set(doc.id, doc);
        if (o.nameVariants.enabled) {
          nameDocs.push(prepareNameDoc({ id: doc.id, blocks: doc.blocks.map((b) => b.text), clusters: doc.blocks.map((b) => b.cluster ?? null) }, lowercase));
        }
      },
      resolve() {
        if (o.dumpEvidence.enabled) ({ df, own: ownEntries } = dumpFrequencies(docs));
        if (!o.nameVariants.enabled) return;
        const eq = new GivenNameEquivalence(o.nameVariants.equivalentGivenNames);
        const flags = detectPreparedNameVariants(nameDocs, lowercase, eq, o.nameVariants);
        for (const f of flags) (nameFlags.get(f.doc) ?? nameFlags.set(f.doc, []).get(f.doc)!).push(f);
        ctx.corpus.summaries[STAGE] = { nameVariantFlags: flags.length, documents: nameDocs.length };
      },
      apply(doc) {
        const emit = (blockIndex: number, d: { start: number; end: number; kind: string; confidence: number; suggestion: string | null; evidence: string }) => {
          const block = doc.blocks[blockIndex];
          if (!block || d.confidence < o.minConfidence) return;
          if (ctx.review.isFlagRejected(doc.id, d.kind, block.text.slice(d.start, d.end))) {
            ctx.count('rejected-by-review');
            return;
          }
          flagSpan(block, { ...d, stage: STAGE });
          ctx.count(`flags.${d.kind}`);
        };
        for (const f of nameFlags.get(doc.id) ?? []) emit(f.block, { ...f, kind: 'name-variant' });
        if (o.dumpEvidence.enabled) {
          for (const { block, match } of pendingOf(doc)) {
            const { entryKey, text, ...d } = match;
            if (doc.blocks[block]!.text.slice(d.start, d.end) !== text) continue; // moved by an auto-fix
            // A near-duplicate copy of this paragraph writing the expression is the strongest evidence.
            const reference = referenceCopy(doc, block);
            if (reference && writesExpression(reference.text, entryKey)) {
              emit(block, { ...d, evidence: `${d.evidence}; ${reference.what} writes "${d.suggestion}"` });
              continue;
            }
            const entryDocs = (df.get(entryKey) ?? 0) - (ownEntries.get(doc.id)?.has(entryKey) ? 1 : 0);
            const variantDocs = df.get(phraseKey(text)) ?? 0;
            if (entryDocs < o.dumpEvidence.minDocsWritingEntry || entryDocs < 2 * variantDocs) continue;
            emit(block, { ...d, evidence: `${d.evidence}; ${entryDocs} other documents of this run write "${d.suggestion}", ${variantDocs} write "${text}"` });
          }
        }
        if (o.clusterVariants.enabled && isEnglish(doc)) {
          const lex = getLexicon();
          doc.blocks.forEach((block, i) => {
            const reference = referenceCopy(doc, i);
            if (!reference) return;
            for (const d of detectClusterVariants(block.text, reference.text, lex, reference.cluster)) {
              // The same swap already flagged as a spun expression says more (the whole expression) than a word diff.
              if (block.flags.some((f) => SPUN_KINDS.has(f.kind) && f.start < d.end && d.start < f.end)) continue;
              emit(i, d);
            }
          });
        }
        for (const block of doc.blocks) {
          const fixed = applyAutoFixes(doc, block, o.autoFix, STAGE);
          if (fixed) ctx.count('auto-fixes', fixed);
        }
        if (o.documentFlags.enabled) {
          for (const flag of scoreDocument(doc, o.documentFlags, STAGE)) {
            if (ctx.review.isFlagRejected(doc.id, flag.kind, '')) continue;
            flagDocument(doc, flag);
            ctx.count(`document.${flag.kind}`);
          }
        }
      },
    };
  },
});
