import type postgres from "postgres";
import type { Payload } from "../payload.js";

/** Libraries the harness knows. */
export type LibName = "ours" | "graphile" | "pgboss";

/** Every library, in table column order. */
export const ALL_LIBS: readonly LibName[] = ["ours", "graphile", "pgboss"];

/** Worker settings handed to a child process as JSON. */
export type WorkerProfile = Readonly<Record<string, string | number | boolean>>;

/** What the database says about the tasks of a run. */
export interface Progress {
  /** Finished successfully (for graphile-worker: rows gone from its table). */
  readonly succeeded: number;
  readonly failed: number;
  /** Still queued or running. */
  readonly pending: number;
}

/** Stored-task check after an enqueue scenario. */
export interface StoredCount {
  readonly rows: number;
  readonly distinctN: number;
}

/** One library set up in one fresh database, seen from the benchmark's main process. */
export interface LibSession {
  /** Enqueues one task with the library's ordinary single-task call. */
  enqueueOne(payload: Payload): Promise<void>;
  /** Enqueues a chunk of tasks with the library's bulk call (one call). */
  enqueueMany(batch: readonly Payload[]): Promise<void>;
  /** Inserts `count` ready tasks numbered 1…count with one SQL statement (untimed set-up). */
  loadReady(count: number): Promise<void>;
  /**
   * Inserts `count` already finished rows, as kept results would be; resolves false when the
   * library keeps no finished rows (graphile-worker deletes them).
   */
  loadFinished(count: number): Promise<boolean>;
  progress(total: number): Promise<Progress>;
  stored(): Promise<StoredCount>;
  close(): Promise<void>;
}

/** A library as the harness drives it. */
export interface LibAdapter {
  readonly lib: LibName;
  /** Package name and exact version, for the report. */
  readonly label: string;
  /** Largest bulk call the harness makes. */
  readonly bulkChunk: number;
  /** Worker settings by profile name; `defaults` must exist. */
  readonly profiles: Readonly<Record<string, WorkerProfile>>;
  /** Installs the library's schema into the fresh database and opens a session on it. */
  open(url: string, sql: postgres.Sql): Promise<LibSession>;
}
