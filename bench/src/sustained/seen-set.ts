/**
 * Which task numbers a worker child ran, as a growable bit set: 1.5 MB for 12 million tasks,
 * where an array of numbers sent over IPC would be hundreds of MB for a 10-minute run.
 */
export class SeenSet {
  #bits = new Uint8Array(1 << 16);
  /** Numbers seen a second time in this set. */
  duplicates = 0;
  /** Values that are not whole numbers ≥ 1. */
  outside = 0;
  /** Distinct numbers seen. */
  size = 0;

  /** Records `n`; false when it was already there (a duplicate) or not a task number. */
  add(n: number): boolean {
    if (!Number.isInteger(n) || n < 1) {
      this.outside++;
      return false;
    }
    const byte = n >>> 3;
    if (byte >= this.#bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.#bits.length * 2));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    const mask = 1 << (n & 7);
    if (this.#bits[byte]! & mask) {
      this.duplicates++;
      return false;
    }
    this.#bits[byte]! |= mask;
    this.size++;
    return true;
  }

  /** The bits as base64, for the report to the main process. */
  toBase64(): string {
    let last = this.#bits.length - 1;
    while (last >= 0 && this.#bits[last] === 0) last--;
    return Buffer.from(this.#bits.buffer, this.#bits.byteOffset, last + 1).toString("base64");
  }
}

/** What the sets of all children say together about task numbers 1…total. */
export interface MergedSeen {
  /** Distinct numbers in 1…total seen by any child. */
  readonly unique: number;
  /** Numbers seen by more than one child (each extra child counts once). */
  readonly crossDuplicates: number;
  /** Numbers above `total`. */
  readonly aboveTotal: number;
}

function popcount(byte: number): number {
  let count = 0;
  for (let b = byte; b !== 0; b &= b - 1) count++;
  return count;
}

/** Merges children's {@link SeenSet.toBase64} sets for a run of tasks 1…total. */
export function mergeSeen(sets: readonly string[], total: number): MergedSeen {
  const decoded = sets.map((text) => Buffer.from(text, "base64"));
  const length = Math.max(0, ...decoded.map((bits) => bits.length));
  let unique = 0;
  let crossDuplicates = 0;
  let aboveTotal = 0;
  for (let byte = 0; byte < length; byte++) {
    let union = 0;
    for (const bits of decoded) {
      const value = bits[byte] ?? 0;
      crossDuplicates += popcount(union & value);
      union |= value;
    }
    if (union === 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      if (!(union & (1 << bit))) continue;
      const n = byte * 8 + bit;
      if (n > total) aboveTotal++;
      else unique++;
    }
  }
  return { unique, crossDuplicates, aboveTotal };
}

/** What a sustained run's end state must satisfy: why it FAILED, or undefined. */
export interface SustainedCheck {
  readonly total: number;
  readonly merged: MergedSeen;
  /** Duplicates and non-numbers reported inside the children. */
  readonly duplicates: number;
  readonly outside: number;
  /** READY or RUNNING rows left in the database after the workers stopped. */
  readonly pending: number;
  /** FAILED (or cancelled) rows in the database. */
  readonly failed: number;
  /** Whether the workers had started every task before they were stopped. */
  readonly drained: boolean;
}

/**
 * No task ran twice, none ran that was not enqueued, none failed, and none was lost: every
 * task 1…total either ran or is still pending in the database (finished rows are pruned or
 * deleted during these runs, so the database cannot vouch for them). After a full drain,
 * every task ran.
 */
export function checkSustained(check: SustainedCheck): string | undefined {
  const duplicates = check.duplicates + check.merged.crossDuplicates;
  if (duplicates > 0) return `${duplicates} tasks ran more than once`;
  const outside = check.outside + check.merged.aboveTotal;
  if (outside > 0) return `${outside} tasks with unknown numbers ran`;
  if (check.failed > 0) return `${check.failed} tasks FAILED in the database`;
  if (check.drained && check.merged.unique !== check.total) return `${check.total - check.merged.unique} tasks never ran`;
  if (check.drained && check.pending > 0) return `${check.pending} tasks still READY or RUNNING in the database after every task ran`;
  const lost = check.total - check.merged.unique - check.pending;
  if (lost > 0) return `${lost} tasks neither ran nor are pending in the database`;
  return undefined;
}
