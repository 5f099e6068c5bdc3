/**
 * The document model every stage reads and writes.
 *
 * A document is created by a reader (src/io), flows through the configured
 * stages (src/stages), and is serialised by the writers (src/io/writers.ts).
 * Stages never delete information: a block that leaves the text moves to
 * `removed` with a reason code, an observation about the text becomes a flag.
 */

/** Kinds of paragraph-level units. */
export type BlockKind =
  | 'heading'
  | 'paragraph'
  | 'list-item'
  | 'quote'
  | 'caption'
  | 'table'
  | 'preformatted';

/** Half-open character range [start, end) into `Doc.raw`. */
export interface SourceSpan {
  start: number;
  end: number;
}

/** A language guess: ISO 639-3 and ISO 639-1 codes; `und` when too short to tell. */
export interface Lang {
  iso6393: string;
  iso6391: string;
}

/** A flag on a span of one block's (cleaned) text. Offsets index `Block.text`. */
export interface SpanFlag {
  start: number;
  end: number;
  /** The flagged text (== block.text.slice(start, end) when emitted). */
  text: string;
  /** Detector kind, e.g. `spun-expression`, `mt-debris`, `name-variant`, `possible-boilerplate`. */
  kind: string;
  /** 0..1 */
  confidence: number;
  suggestion: string | null;
  /** Human-readable reason, e.g. "4 other documents of this story spell it Zalmay Khalilzad". */
  evidence: string;
  /** Name of the stage that emitted it. */
  stage: string;
}

/** A document-level flag (paragraph null in flags.jsonl), e.g. `spun`, `machine-translated`. */
export interface DocFlag {
  kind: string;
  confidence: number;
  suggestion: string | null;
  evidence: string;
  stage: string;
}

export interface Block {
  /**
   * Position of the block in the original segmentation (0, 1, 2 …). Stable for the
   * life of the document: removed blocks keep theirs, merged blocks keep the
   * smallest one, so the report can put removals back in place.
   */
  seq: number;
  kind: BlockKind;
  text: string;
  /** Where the block came from in `Doc.raw` (merged blocks: first start, last end). */
  source: SourceSpan;
  lang?: Lang;
  /** Near-duplicate cluster id, set by the dedup stage. */
  cluster?: string | null;
  flags: SpanFlag[];
  /** Free-form per-block data a stage wants to pass to a later stage (not written out). */
  data?: Record<string, unknown>;
}

export interface RemovedBlock {
  seq: number;
  kind: BlockKind;
  text: string;
  source: SourceSpan;
  /** Reason code, e.g. `comment-form`, `share`, `breadcrumb`, `separator`, `metadata-title`. */
  reason: string;
  /** Stage that removed it. */
  stage: string;
  confidence?: number;
  /** Optional human-readable detail (matched rule, repeated in N documents …). */
  detail?: string;
}

/** A change made to the text of a kept block by an opt-in auto-fix (listed in the diff report). */
export interface TextFix {
  seq: number;
  start: number;
  end: number;
  before: string;
  after: string;
  kind: string;
  stage: string;
}

export interface SetAside {
  /** `language`, `empty`, `error`, `duplicate` … */
  reason: string;
  detail: string;
}

export interface Doc {
  /** Stable, filename-safe id (see src/io/ids.ts). */
  id: string;
  /** Input path relative to the input folder (plus `#id`/`#L<n>` for JSONL records). */
  source: string;
  url: string | null;
  title: string | null;
  /** ISO date `YYYY-MM-DD` (or full ISO timestamp when the source has one). */
  date: string | null;
  /** `text` for .txt/.md and JSONL `text`; `html` for .html/.htm and JSONL `html`. */
  format: 'text' | 'html';
  /** Decoded input exactly as read (HTML source for html documents). */
  raw: string;
  /**
   * The raw text as a reader would see it, one block per paragraph, before any
   * cleaning: for text documents `raw` itself; for HTML the visible text of the
   * segmented blocks. Diffs are raw text → cleaned text.
   */
  rawText: string;
  blocks: Block[];
  removed: RemovedBlock[];
  flags: DocFlag[];
  fixes: TextFix[];
  lang: Lang | null;
  setAside: SetAside | null;
  /** Metadata the reader or stages found (og tags, host, charset, replaced bytes …). */
  meta: Record<string, unknown>;
}

/** One member of a near-duplicate cluster, by block seq (mapped to paragraph index on output). */
export interface ClusterMember {
  doc: string;
  seq: number;
}

export interface ClusterRecord {
  id: string;
  canonical: string;
  canonicalReason: string;
  members: ClusterMember[];
  /** Extra fields written as-is to clusters.jsonl (similarities, sizes …). */
  extra?: Record<string, unknown>;
}

/** A per-input error recorded in run.json; the rest of the batch continues. */
export interface InputError {
  source: string;
  /** Line number for JSONL records. */
  line?: number;
  stage: string;
  message: string;
}
