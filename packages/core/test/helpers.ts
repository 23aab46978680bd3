import type { BackendCapabilities, TaskBackend } from "../src/backend.js";

/** Capabilities with every flag on, for declaring fake-free backends in validation tests. */
export const ALL_CAPABILITIES: BackendCapabilities = {
  supportsDefer: true,
  supportsPriority: true,
  supportsGetResult: true,
  supportsTransactionalEnqueue: true,
  supportsAtomic: true,
  runsOnEnqueue: false,
  supportsWorkers: true,
  supportsSchedules: true,
  supportsBrowse: true,
};

/**
 * A backend whose every operation fails: validation tests use it to prove that invalid input
 * is rejected before storage is touched.
 */
export function unreachableBackend(capabilities: Partial<BackendCapabilities> = {}): TaskBackend {
  const fail = async (): Promise<never> => {
    throw new Error("storage must not be reached");
  };
  return {
    kind: "unreachable",
    capabilities: { ...ALL_CAPABILITIES, ...capabilities },
    enqueue: fail,
    claim: fail,
    heartbeat: fail,
    complete: fail,
    rescueExpired: fail,
    cancel: fail,
    deschedule: fail,
    get: fail,
    health: fail,
    prune: fail,
    listTasks: fail,
    retryTasks: fail,
    deleteTasks: fail,
    countFinished: fail,
    close: async () => {},
  };
}
