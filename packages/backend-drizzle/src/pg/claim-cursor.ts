/**
 * Where each claimer's next claim starts. A claim walks the READY-only claim index in claim
 * order. From its head, the walk steps over the index entries of every task claimed since
 * the last vacuum, and while any transaction holds an old snapshot nobody may remove them:
 * claims then cost more with every task processed (measured: 66–162 ms per claim after a
 * minute). So a claimer resumes just before the key `(-priority, runnable_at, id)` of the
 * last row it claimed, and walks from its head only now and then, to find rows that became
 * READY behind that key.
 *
 * Rows land behind the key when a higher priority is enqueued, a `run_after` in the past is
 * given, a retry or rescue puts a task back with an earlier runnable time, or an enqueue
 * commits late. The resumed walk starts {@link RESUME_LAG_MS} before the key's runnable time,
 * so late commits and other processes' clocks within that window are found at once; this
 * process's own enqueues, retries and rescues behind a key send its claimer to the head at
 * its next claim; anything else waits at most {@link HEAD_RESCAN_MS}.
 */

/** Longest time between two claims from the head of the index, per claimer. */
export const HEAD_RESCAN_MS = 1_000;

/** How far before the last claimed runnable time a resumed claim starts. */
export const RESUME_LAG_MS = 250;

/** A position in claim order. */
export interface ClaimKey {
  /** The negated priority (so that, like the other columns, it ascends in claim order). */
  readonly rank: number;
  /** The runnable time, in ms since the epoch. */
  readonly runnableAtMs: number;
  readonly id: string;
}

interface Cursor {
  key: ClaimKey | null;
  /** When the claimer last claimed from the head (performance clock, ms). */
  headAt: number;
}

/** The claim cursors of one backend, by claimer (worker, alias, queues and task names). */
export class ClaimCursors {
  readonly #cursors = new Map<string, Cursor>();
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /**
   * The key the claim of `claimer` resumes after, or null when it must start from the head
   * (none yet, the last head claim is {@link HEAD_RESCAN_MS} old, or rows were put behind).
   */
  resumeAfter(claimer: string): ClaimKey | null {
    const cursor = this.#cursors.get(claimer);
    if (!cursor?.key || this.#now() - cursor.headAt >= HEAD_RESCAN_MS) return null;
    return cursor.key;
  }

  /**
   * Records a claim's outcome: `last` is the furthest key it claimed (null when it claimed
   * nothing), `fromHead` whether it walked from the head.
   */
  claimed(claimer: string, last: ClaimKey | null, fromHead: boolean): void {
    let cursor = this.#cursors.get(claimer);
    if (!cursor) {
      if (this.#cursors.size >= MAX_CURSORS) this.#cursors.clear();
      cursor = { key: null, headAt: 0 };
      this.#cursors.set(claimer, cursor);
    }
    if (fromHead) {
      cursor.headAt = this.#now();
      // A head claim that found nothing leaves the claimer at the head: the next claim starts
      // there too, until one claims something.
      cursor.key = last;
    } else if (last && cursor.key && isAfter(last, cursor.key)) {
      cursor.key = last;
    }
  }

  /** True while no claimer has a cursor (a process that only enqueues, for example). */
  get empty(): boolean {
    return this.#cursors.size === 0;
  }

  /** Rows were made READY at `keys` in claim order: claimers past the earliest start from the head next time. */
  readyAt(keys: ClaimKey | readonly ClaimKey[]): void {
    let earliest: ClaimKey | null = null;
    for (const key of Array.isArray(keys) ? keys : [keys]) if (!earliest || isAfter(earliest, key)) earliest = key;
    if (!earliest) return;
    for (const cursor of this.#cursors.values()) {
      if (cursor.key && !isAfter(earliest, resumeStart(cursor.key))) cursor.key = null;
    }
  }
}

/** Past this many claimers (shapes of claims), the cursors start over. */
const MAX_CURSORS = 256;

/** Where a claim resuming after `key` starts: {@link RESUME_LAG_MS} earlier, before any id. */
function resumeStart(key: ClaimKey): ClaimKey {
  return { rank: key.rank, runnableAtMs: key.runnableAtMs - RESUME_LAG_MS, id: "" };
}

/** Whether `a` comes after `b` in claim order. */
export function isAfter(a: ClaimKey, b: ClaimKey): boolean {
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (a.runnableAtMs !== b.runnableAtMs) return a.runnableAtMs > b.runnableAtMs;
  return a.id > b.id;
}
