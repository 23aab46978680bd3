import { randomBytes } from "node:crypto";
import type {
  BrowseOperations,
  ListTasksParams,
  NewTaskRecord,
  TaskBackend,
  TaskFilter,
  TaskListOrder,
  TaskRecord,
} from "@tasks/core/backend";
import { at, errorRecord, newTask, type Harness } from "../harness.js";

/** Tests of the browse operations: they need `supportsBrowse`. */
export const BROWSE = { supportsBrowse: true } as const;
/** Browse tests that also move tasks through RUNNING (claims). */
export const BROWSE_WORKERS = { supportsBrowse: true, supportsWorkers: true } as const;

/** The browse operations of `backend`, which must exist since it declares `supportsBrowse`. */
export function browseOps(backend: TaskBackend): Required<BrowseOperations> {
  const { listTasks, retryTasks, deleteTasks, countFinished } = backend;
  if (!listTasks || !retryTasks || !deleteTasks || !countFinished) {
    throw new Error(`backend ${backend.kind} declares supportsBrowse but lacks listTasks, retryTasks, deleteTasks or countFinished`);
  }
  return {
    listTasks: listTasks.bind(backend),
    retryTasks: retryTasks.bind(backend),
    deleteTasks: deleteTasks.bind(backend),
    countFinished: countFinished.bind(backend),
  };
}

let idSequence = 0;

/**
 * A UUIDv7 whose time is exactly `time`. Core's `newTaskId` never goes back in time within
 * a process, so after another test used a later `now` its ids would carry that later time;
 * these tests need the enqueue time and the id's time to be the same instant.
 */
export function idAt(time: Date): string {
  const bytes = randomBytes(16);
  const ms = time.getTime();
  const sequence = idSequence++ & 0xfff;
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (sequence >>> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The status a test task is moved to, through the backend's own operations. */
export type TestStatus = "READY" | "RUNNING" | "SUCCESSFUL" | "FAILED" | "CANCELLED";

/** Task helpers shared by the browse suites. */
export class BrowseKit {
  constructor(private readonly h: Harness) {}

  get ops(): Required<BrowseOperations> {
    return browseOps(this.h.backend);
  }

  /** Stores one READY task enqueued at `at(seconds)`, its id carrying that same time. */
  async enqueueAt(alias: string, seconds: number, overrides: Partial<NewTaskRecord> = {}): Promise<TaskRecord> {
    const now = at(seconds);
    const [outcome] = await this.h.backend.enqueue({ backend: alias, now, tasks: [newTask({ id: idAt(now), ...overrides }, now)] });
    if (!outcome) throw new Error("enqueue returned no outcome for one task");
    return outcome.record;
  }

  /**
   * Moves a READY task to `status` at `at(seconds)`: claims it for RUNNING, claims and
   * completes it for SUCCESSFUL and FAILED, cancels it for CANCELLED. Returns the row after.
   */
  async moveTo(alias: string, record: TaskRecord, status: TestStatus, seconds: number): Promise<TaskRecord> {
    const now = at(seconds);
    if (status === "CANCELLED") await this.h.backend.cancel({ backend: alias, now, id: record.id });
    if (status === "RUNNING" || status === "SUCCESSFUL" || status === "FAILED") {
      const claimed = await this.h.claimId(alias, record.id, now);
      if (status === "SUCCESSFUL") await this.h.succeed(alias, claimed, now, `done ${record.id}`);
      if (status === "FAILED") await this.h.fail(alias, claimed, now);
    }
    const after = await this.h.mustGet(alias, record.id);
    if (after.status !== status) throw new Error(`task ${record.id} is ${after.status}, not ${status}`);
    return after;
  }

  /** Enqueues a task at `at(seconds)` and moves it to `status` at `at(finishSeconds)`. */
  async taskIn(alias: string, status: TestStatus, seconds: number, finishSeconds = seconds, overrides: Partial<NewTaskRecord> = {}): Promise<TaskRecord> {
    return this.moveTo(alias, await this.enqueueAt(alias, seconds, overrides), status, finishSeconds);
  }

  /** The ids of one page. */
  async listIds(alias: string, filter: TaskFilter, order: TaskListOrder = "enqueued", direction: "asc" | "desc" = "asc", limit = 500): Promise<string[]> {
    const page = await this.ops.listTasks({ backend: alias, filter, order, direction, limit });
    return page.tasks.map((task) => task.id);
  }

  /**
   * Every page of a list, following `next` until it is null; `between(pageIndex)` runs after
   * each page but the last (to change tasks while paging). Returns the ids in list order.
   */
  async walk(
    params: Omit<ListTasksParams, "after">,
    between: (pageIndex: number) => Promise<void> = async () => {},
  ): Promise<string[]> {
    const seen: string[] = [];
    let after: ListTasksParams["after"] = null;
    for (let pageIndex = 0; pageIndex < 1000; pageIndex++) {
      const page = await this.ops.listTasks({ ...params, after });
      if (page.tasks.length > params.limit) throw new Error(`a page of limit ${params.limit} held ${page.tasks.length} tasks`);
      seen.push(...page.tasks.map((task) => task.id));
      if (page.next === null) return seen;
      if (page.tasks.length === 0) throw new Error("an empty page had a non-null next cursor");
      after = page.next;
      await between(pageIndex);
    }
    throw new Error("listTasks kept returning a next cursor after 1000 pages");
  }

  /** Fails a claimed attempt with a READY outcome (a retry), runnable again at `at(runAfterSeconds)`. */
  async retryLater(alias: string, claimed: TaskRecord, seconds: number, runAfterSeconds: number): Promise<void> {
    await this.h.backend.complete({
      backend: alias,
      now: at(seconds),
      completions: [{ id: claimed.id, attempt: claimed.attempts, outcome: { status: "READY", error: errorRecord("try again"), runAfter: at(runAfterSeconds) } }],
    });
  }
}

/** `values` sorted (ids compare as strings, in enqueue order). */
export function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}
