import { randomBytes } from "node:crypto";
import { it } from "vitest";
import {
  identityHash,
  newTaskId,
  type BackendCapabilities,
  type JsonValue,
  type NewTaskRecord,
  type TaskBackend,
  type TaskRecord,
} from "@tasks/core/backend";

/** What a conformance factory returns: the backend under test and how to clean it up. */
export interface ConformanceSetup {
  /** The backend under test; shared by every test of one file (each test uses its own alias). */
  readonly backend: TaskBackend;
  /** Another instance on the same storage (another connection pool), for the race test. */
  readonly openAnother?: () => Promise<TaskBackend>;
  /** Releases everything the factory opened (called once, after every test of the file). */
  readonly close: () => Promise<void>;
}

/** Makes the backend under test; called once per test file, in `beforeAll`. */
export type ConformanceFactory = () => Promise<ConformanceSetup>;

/** A capability flag name. */
export type CapabilityName = keyof BackendCapabilities;

/** Capability flags a test needs, with the value it needs (`{ supportsDefer: false }` tests the refusal). */
export type Requirements = Partial<Record<CapabilityName, boolean>>;

/** The start of conformance time: every `now` is an offset from here, never the real clock. */
export const T0_MS = Date.UTC(2030, 0, 1, 12, 0, 0);

/** The instant `seconds` after {@link T0_MS} (negative for before). */
export function at(seconds: number): Date {
  return new Date(T0_MS + seconds * 1000);
}

/** The state shared by the tests of one `describeBackend` call. */
export class Harness {
  #setup: ConformanceSetup | null = null;

  /** Set by `beforeAll` once the factory resolves. */
  set setup(value: ConformanceSetup | null) {
    this.#setup = value;
  }

  get setup(): ConformanceSetup {
    if (!this.#setup) throw new Error("The conformance factory has not finished; did its beforeAll fail?");
    return this.#setup;
  }

  /** Whether the factory has resolved (and `close` has not yet run). */
  get ready(): boolean {
    return this.#setup !== null;
  }

  get backend(): TaskBackend {
    return this.setup.backend;
  }

  get capabilities(): BackendCapabilities {
    return this.backend.capabilities;
  }

  /** A fresh backend alias, so this test's rows are invisible to every other test. */
  alias(): string {
    return `t-${randomBytes(6).toString("hex")}`;
  }

  /** Stores `tasks` in `alias` at `now` (default {@link at}(0)) and returns the stored records. */
  async enqueue(alias: string, tasks: NewTaskRecord[], now: Date = at(0)): Promise<TaskRecord[]> {
    const outcomes = await this.backend.enqueue({ backend: alias, now, tasks });
    return outcomes.map((outcome) => outcome.record);
  }

  /** Stores one task made by {@link newTask}. */
  async enqueueOne(alias: string, overrides: Partial<NewTaskRecord> = {}, now: Date = at(0)): Promise<TaskRecord> {
    const [record] = await this.enqueue(alias, [newTask(overrides, now)], now);
    if (!record) throw new Error("enqueue returned no outcome for one task");
    return record;
  }

  /** Claims from every queue of `alias` as `workerId` (only `taskNames` when given). */
  async claim(
    alias: string,
    now: Date,
    options: { limit?: number; workerId?: string; leaseMs?: number; ids?: string[]; ignoreRunAfter?: boolean; taskNames?: string[] } = {},
  ): Promise<TaskRecord[]> {
    return this.backend.claim({
      backend: alias,
      now,
      workerId: options.workerId ?? "worker-1",
      queues: { include: "*", exclude: [] },
      limit: options.limit ?? 1,
      leaseMs: options.leaseMs ?? 10_000,
      ...(options.ids ? { ids: options.ids } : {}),
      ...(options.ignoreRunAfter !== undefined ? { ignoreRunAfter: options.ignoreRunAfter } : {}),
      ...(options.taskNames ? { taskNames: options.taskNames } : {}),
    });
  }

  /** Reports `workerId` alive in `alias` at `now` for `leaseMs`, with the names it can run when given. */
  async beat(alias: string, now: Date, workerId: string, taskNames?: string[], leaseMs = 10_000): Promise<void> {
    await this.backend.heartbeat({ backend: alias, now, workerId, leases: [], leaseMs, ...(taskNames ? { taskNames } : {}) });
  }

  /** Claims exactly the one READY task with `id`, or fails the test. */
  async claimId(alias: string, id: string, now: Date, workerId = "worker-1", leaseMs = 10_000): Promise<TaskRecord> {
    const [claimed] = await this.claim(alias, now, { ids: [id], workerId, leaseMs });
    if (!claimed || claimed.id !== id) throw new Error(`expected to claim task ${id} at ${now.toISOString()}`);
    return claimed;
  }

  /** Reads a task that must exist. */
  async mustGet(alias: string, id: string): Promise<TaskRecord> {
    const record = await this.backend.get({ backend: alias, id });
    if (!record) throw new Error(`task ${id} is missing from alias ${alias}`);
    return record;
  }

  /** Marks a claimed task SUCCESSFUL at `now`; returns whether the write happened. */
  async succeed(alias: string, claimed: TaskRecord, now: Date, returnValue: JsonValue = null): Promise<boolean> {
    const { applied } = await this.backend.complete({
      backend: alias,
      now,
      completions: [{ id: claimed.id, attempt: claimed.attempts, outcome: { status: "SUCCESSFUL", returnValue } }],
    });
    return applied.includes(claimed.id);
  }

  /** Marks a claimed task FAILED at `now` with `message`; returns whether the write happened. */
  async fail(alias: string, claimed: TaskRecord, now: Date, message = "boom"): Promise<boolean> {
    const { applied } = await this.backend.complete({
      backend: alias,
      now,
      completions: [{ id: claimed.id, attempt: claimed.attempts, outcome: { status: "FAILED", error: errorRecord(message) } }],
    });
    return applied.includes(claimed.id);
  }

  /**
   * Declares a test that runs only when the backend's capability flags match `requires`;
   * otherwise it is reported as skipped with the flag named. Flags are read at run time
   * because the factory only runs in `beforeAll`.
   */
  test(title: string, requires: Requirements, fn: () => Promise<void>, timeoutMs?: number): void {
    it(
      title,
      async (context) => {
        const unmet = Object.entries(requires).filter(([flag, wanted]) => this.capabilities[flag as CapabilityName] !== wanted);
        if (unmet.length > 0) {
          context.skip(`the backend declares ${unmet.map(([flag, wanted]) => `${flag}: ${String(!wanted)}`).join(", ")}`);
        }
        await fn();
      },
      timeoutMs,
    );
  }
}

let taskCounter = 0;

/** A valid new task for the storage contract; `overrides` replace any field. */
export function newTask(overrides: Partial<NewTaskRecord> = {}, now: Date = at(0)): NewTaskRecord {
  const taskName = overrides.taskName ?? "conformance.task";
  const args = overrides.args ?? [++taskCounter];
  return {
    id: newTaskId(now.getTime()),
    taskName,
    queueName: "default",
    priority: 0,
    runAfter: null,
    maxAttempts: 1,
    uniqueKey: null,
    scheduledFor: null,
    traceContext: null,
    ...overrides,
    args,
    identityHash: overrides.identityHash ?? identityHash(taskName, args),
  };
}

/** A stored error record with `message`. */
export function errorRecord(message: string, className = "Error"): { className: string; message: string; stack: string } {
  return { className, message, stack: `${className}: ${message}\n    at conformance` };
}

/** Ids of `records`, in their order. */
export function ids(records: readonly { id: string }[]): string[] {
  return records.map((record) => record.id);
}
