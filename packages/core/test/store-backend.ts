/**
 * A small storing backend for core's enqueue tests: `enqueue` and `get` keep real rows (with
 * uniqueness), everything else fails. `@tasks/backend-memory` depends on core, so core's own
 * tests cannot use it; the conformance suite runs the same checks on every real backend.
 * `slowBy` adds latency (or a failure after it) to `enqueue`, as a slow network would.
 */
import type { EnqueueOutcome, EnqueueParams, TaskBackend } from "../src/backend.js";
import type { TaskRecord } from "../src/records.js";
import { unreachableBackend } from "./helpers.js";

/** A {@link TaskBackend} whose rows can be inspected. */
export interface StoreBackend extends TaskBackend {
  /** Stored rows by id, in enqueue order. */
  readonly rows: Map<string, TaskRecord>;
  /** Every stored row as JSON text, to prove that nothing changed. */
  snapshot(): string;
  /** How many `enqueue` calls reached the backend. */
  readonly enqueueCalls: number;
}

/** What {@link storeBackend} does before or instead of storing. */
export interface StoreBehaviour {
  /** Waits this long (real time) before storing; the write still happens after it. */
  readonly delayMs?: number;
  /** Throws this (after `delayMs`) instead of storing. */
  readonly fail?: () => unknown;
}

/** A storing backend with every capability; `behaviour()` is read on each enqueue. */
export function storeBackend(behaviour: () => StoreBehaviour = () => ({})): StoreBackend {
  const rows = new Map<string, TaskRecord>();
  let enqueueCalls = 0;
  const store = (params: EnqueueParams): EnqueueOutcome[] =>
    params.tasks.map((task) => {
      const holder = task.uniqueKey === null ? undefined : [...rows.values()].find((row) => row.uniqueKey === task.uniqueKey && row.status === "READY");
      if (holder) return { record: structuredClone(holder), created: false };
      const record: TaskRecord = {
        ...structuredClone(task),
        backend: params.backend,
        status: "READY",
        enqueuedAt: params.now,
        startedAt: null,
        finishedAt: null,
        lastAttemptedAt: null,
        attempts: 0,
        workerIds: [],
        errors: [],
        returnValue: null,
        leaseExpiresAt: null,
      };
      rows.set(record.id, record);
      return { record: structuredClone(record), created: true };
    });
  return {
    ...unreachableBackend(),
    kind: "store",
    rows,
    get enqueueCalls() {
      return enqueueCalls;
    },
    snapshot: () => JSON.stringify([...rows.values()]),
    async enqueue(params) {
      enqueueCalls++;
      const { delayMs, fail } = behaviour();
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (fail) throw fail();
      return store(params);
    },
    async get(params) {
      const row = rows.get(params.id);
      return row && row.backend === params.backend ? structuredClone(row) : null;
    },
  };
}

/** An error with a driver-style `code`, as postgres.js or Node's net module throws. */
export function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}
