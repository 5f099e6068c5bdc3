/**
 * `StageState` (src/core/stage.ts) on top of the state store: values committed
 * by earlier runs are loaded once at the start of a run; writes are kept in
 * memory (read-your-writes) and go into the run's single commit, so a run
 * that fails or is killed leaves no partial stage state behind.
 */
import type { StageState } from '../core/stage.ts';

export class BufferedStageState implements StageState {
  private readonly written = new Map<string, Map<string, unknown>>();

  constructor(
    private readonly committed: Map<string, Map<string, unknown>> = new Map(),
    readonly earlierDocuments?: ReadonlySet<string>,
  ) {}

  get<T = unknown>(stage: string, key: string): T | undefined {
    const mine = this.written.get(stage);
    const value = mine?.has(key) ? mine.get(key) : this.committed.get(stage)?.get(key);
    // Bytes are read with getBytes.
    if (value instanceof Uint8Array) return undefined;
    // A copy, so a stage mutating what it read cannot change the stored value behind our back.
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  set(stage: string, key: string, value: unknown): void {
    if (!stage || !key) throw new Error('stage state needs a stage name and a key');
    // Round-trip through JSON now: a value that cannot be stored fails in the stage that set it, not at commit.
    const json = value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
    let m = this.written.get(stage);
    if (!m) this.written.set(stage, (m = new Map()));
    m.set(key, json);
  }

  getBytes(stage: string, key: string): Uint8Array | undefined {
    const value = this.written.get(stage)?.has(key) ? this.written.get(stage)!.get(key) : this.committed.get(stage)?.get(key);
    return value instanceof Uint8Array ? new Uint8Array(value) : undefined;
  }

  setBytes(stage: string, key: string, value: Uint8Array): void {
    if (!stage || !key) throw new Error('stage state needs a stage name and a key');
    if (!(value instanceof Uint8Array)) throw new TypeError('setBytes takes a Uint8Array (or Buffer)');
    let m = this.written.get(stage);
    if (!m) this.written.set(stage, (m = new Map()));
    m.set(key, new Uint8Array(value));
  }

  /** What this run wrote (undefined = delete), for `RunCommit.stageValues`. */
  changes(): Map<string, Map<string, unknown>> {
    return this.written;
  }
}
