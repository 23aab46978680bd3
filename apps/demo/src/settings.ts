/** Backend settings shared by the demo script and `tasks.config.ts` (the db-worker). */
import type { BackendSettings, TaskBackend } from "@tasks/core";

/** Queues the demo uses: everyday work, and `urgent` for the high-priority fraud review. */
export const DEMO_QUEUES = ["default", "urgent"] as const;

/** The settings of the demo's one backend alias, `default`. */
export function demoBackendSettings(backend: TaskBackend): BackendSettings {
  return { backend, queues: [...DEMO_QUEUES] };
}
