/** One task row, as the tally needs it. */
export interface TaskRow {
  readonly id: string;
  readonly taskName: string;
  readonly status: string;
  readonly attempts: number;
  readonly workerIds: readonly string[];
}

/** One row of chaos_executions: one run of a task function that got as far as recording. */
export interface ExecutionRecord {
  readonly taskId: string;
  readonly seq: number;
  readonly runId: string;
  readonly workerId: string;
  readonly atomic: boolean;
  readonly startedMs: number;
  readonly recordedMs: number;
}

/** Everything stored at the end of a scenario. */
export interface Snapshot {
  readonly tasks: readonly TaskRow[];
  readonly executions: readonly ExecutionRecord[];
}

/** Counts while draining: tasks stored and tasks finished (SUCCESSFUL, FAILED or CANCELLED). */
export interface Progress {
  readonly total: number;
  readonly finished: number;
}

/** Read access to a scenario's task database, dialect aside. */
export interface TaskStore {
  /** Null when the database cannot be read right now (it may be restarting). */
  progress(): Promise<Progress | null>;
  snapshot(): Promise<Snapshot>;
  /** Tasks per status; null when the database cannot be read right now. */
  statusCounts(): Promise<Record<string, number> | null>;
  /** Ids of workers that have registered (heartbeated) so far; empty when the database cannot be read. */
  registeredWorkers(): Promise<Set<string>>;
}
