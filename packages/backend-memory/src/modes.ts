import type { BackendCapabilities } from "@tasks/core/backend";

/**
 * How a memory backend behaves (DEP 0014):
 * - `"worker"`: full semantics; workers claim and run tasks.
 * - `"dummy"`: stores tasks (deferral included) and never runs them; for asserting what was enqueued.
 * - `"immediate"`: core runs each task inside `enqueue`; deferral is not supported.
 */
export type MemoryMode = "worker" | "dummy" | "immediate";

const WORKER: BackendCapabilities = {
  supportsDefer: true,
  supportsPriority: true,
  supportsGetResult: true,
  supportsTransactionalEnqueue: false,
  supportsAtomic: false,
  runsOnEnqueue: false,
  supportsWorkers: true,
  supportsSchedules: true,
  supportsBrowse: true,
};

const CAPABILITIES: Record<MemoryMode, BackendCapabilities> = {
  worker: WORKER,
  // A schedule's tasks wait for a worker at their occurrence time: a dummy never hands them to
  // one, and an immediate backend would run them inside the scheduler's own storage call.
  dummy: { ...WORKER, supportsWorkers: false, supportsSchedules: false },
  // Core runs a task only inside its enqueue call, so a task retryTasks made READY again would
  // never run on an immediate backend: no dashboard for it.
  immediate: { ...WORKER, supportsDefer: false, runsOnEnqueue: true, supportsSchedules: false, supportsBrowse: false },
};

const KINDS: Record<MemoryMode, string> = { worker: "memory", dummy: "dummy", immediate: "immediate" };

/** The capability flags of `mode` (a frozen copy). */
export function capabilitiesOf(mode: MemoryMode): BackendCapabilities {
  return Object.freeze({ ...CAPABILITIES[mode] });
}

/** The `kind` shown in logs and errors for `mode`. */
export function kindOf(mode: MemoryMode): string {
  return KINDS[mode];
}

/** Whether `value` names a mode. */
export function isMemoryMode(value: unknown): value is MemoryMode {
  return typeof value === "string" && Object.hasOwn(CAPABILITIES, value);
}
