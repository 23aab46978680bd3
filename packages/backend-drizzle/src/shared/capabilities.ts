import type { BackendCapabilities } from "@tasks/core/backend";

/** What both database backends can do: everything but running tasks inside `enqueue`. */
export const DATABASE_CAPABILITIES: BackendCapabilities = Object.freeze({
  supportsDefer: true,
  supportsPriority: true,
  supportsGetResult: true,
  supportsTransactionalEnqueue: true,
  supportsAtomic: true,
  runsOnEnqueue: false,
  supportsWorkers: true,
  supportsSchedules: true,
  supportsBrowse: true,
});
