/**
 * WAL checkpoints on a worker thread. With SQLite's automatic checkpoint, the commit that
 * pushes the WAL past 1,000 pages copies them into the database file and fsyncs both files
 * before it returns — on the event loop, since better-sqlite3 is synchronous. While a worker
 * drains, that happened every few dozen commits and took most of the time spent committing.
 * A second connection on a worker thread runs the same (PASSIVE) checkpoints instead, so the
 * main thread never waits for them. Durability is unchanged: the same pages are synced by the
 * same kind of checkpoint; only the thread differs.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { SqliteClient } from "./options.js";

/**
 * Commits between two checkpoint requests to the thread. A draining worker rewrites the same
 * few pages (index heads, the newest rows) in commit after commit; each checkpoint copies
 * them once, so checkpointing every 32 commits instead of 8 cut the thread's time for a
 * 50,000-task drain from ~1.2 s to ~0.45 s, with the WAL still under ~1 MB between checkpoints.
 */
const COMMITS_PER_REQUEST = 32;
/** Rows written between two checkpoint requests, however few the commits (a bulk enqueue writes a megabyte in one). */
const ROWS_PER_REQUEST = 1_000;
/**
 * The main connection's own automatic checkpoint stays on, far above what the thread lets the
 * WAL reach, so the WAL stays bounded even if the thread falls behind or stops.
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 4_000;
/** SQLite's default automatic checkpoint threshold. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

// Plain CommonJS evaluated in the thread, so it needs no TypeScript loader in development.
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = 0");
let scheduled = false;
parentPort.on("message", (message) => {
  if (message === "close") {
    db.close();
    parentPort.close();
    return;
  }
  if (scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    try {
      db.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // Busy or failed: the next request tries again; the backstop bounds the WAL meanwhile.
    }
  });
});
`;

/** Runs WAL checkpoints of one database file on a worker thread. */
export class Checkpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  #commits = 0;
  #rows = 0;
  #closed = false;

  private constructor(worker: Worker) {
    this.#worker = worker;
    this.#exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  }

  /**
   * Starts a checkpoint thread for the WAL-mode file of `client`, and raises that
   * connection's automatic checkpoint to the backstop. Returns null (and changes nothing)
   * for an in-memory database, one not in WAL mode, or where no thread can be started.
   */
  static start(client: SqliteClient): Checkpointer | null {
    if (client.memory || client.name === "" || client.name === ":memory:") return null;
    if (String(client.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") return null;
    let worker: Worker;
    try {
      const driver = createRequire(import.meta.url).resolve("better-sqlite3");
      worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { driver, path: client.name } });
    } catch {
      // No worker threads here (or the driver cannot be found from this module): SQLite's own
      // checkpoints on the main connection keep working as before.
      return null;
    }
    // The thread must never keep the process alive or take it down.
    worker.unref();
    worker.on("error", () => undefined);
    const checkpointer = new Checkpointer(worker);
    client.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    // A thread that dies early hands checkpointing back to the connection's own default.
    worker.once("exit", () => {
      if (!checkpointer.#closed && client.open) client.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    });
    return checkpointer;
  }

  /**
   * Counts a commit on the main connection that wrote about `rows` rows; every few commits, or
   * every thousand rows, asks the thread to checkpoint.
   */
  committed(rows: number): void {
    if (this.#closed) return;
    this.#commits++;
    this.#rows += rows;
    if (this.#commits < COMMITS_PER_REQUEST && this.#rows < ROWS_PER_REQUEST) return;
    this.#commits = 0;
    this.#rows = 0;
    this.#worker.postMessage("checkpoint");
  }

  /** Stops the thread (after a checkpoint it may be running) and waits for it to exit. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Referenced again so that the process stays up until the thread has closed its connection.
    this.#worker.ref();
    this.#worker.postMessage("close");
    await this.#exited;
  }
}
