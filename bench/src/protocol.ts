import type { MemoryReport } from "./memory.js";

/** Messages from the benchmark's main process to a worker child. */
export type ToChild = { readonly type: "go"; readonly reachAt: number } | { readonly type: "stop" };

/** What a worker child saw, sent once when it is told to stop. */
export interface ChildReport {
  /** Every task number it ran, in order of start (with repeats if a task ran twice here). */
  readonly seen: number[];
  /** Enqueue-to-start delays in ms of tasks that carried an enqueue time. */
  readonly latencies: number[];
  /** `process.memoryUsage().rss` when the stop request arrived. */
  readonly rss: number;
  /** Heap and RSS at stop and after a forced collection (absent only in hand-made reports). */
  readonly memory?: MemoryReport;
}

/** Messages from a worker child to the main process. */
export type FromChild =
  | { readonly type: "ready" }
  | { readonly type: "reached"; readonly at: number }
  | { readonly type: "failed"; readonly message: string }
  | ({ readonly type: "report" } & ChildReport);
