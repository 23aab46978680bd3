/**
 * Browse tests both database dialects run on a real database (pg-browse.test.ts,
 * sqlite-browse.test.ts): lists read across the live and finished tables, paging with
 * cursors, the argument search with hostile values, and retries that workers see at once.
 */
import { expect, it } from "vitest";
import { identityHash, newTaskId, type NewTaskRecord, type TaskBackend, type TaskFilter, type TaskListOrder, type TaskRecord } from "@tasks/core/backend";

/** A backend under test, and a second one on the same database (another "process"). */
export interface BrowseSetup {
  readonly backend: TaskBackend;
  readonly other: TaskBackend;
}

const T0 = Date.UTC(2031, 5, 1, 12, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function newTask(overrides: Partial<NewTaskRecord> = {}): NewTaskRecord {
  const taskName = overrides.taskName ?? "browse.task";
  const args = overrides.args ?? [];
  return {
    // Made at the enqueue times below, as core makes ids: their time prefix is never before the enqueue time.
    id: newTaskId(T0),
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
    identityHash: identityHash(taskName, args),
  };
}

const QUEUES = { include: "*" as const, exclude: [] };

/** Stores `tasks` READY at `now`; then claims and finishes those `finish` names, each at its time. */
async function store(backend: TaskBackend, alias: string, tasks: NewTaskRecord[], now: Date): Promise<void> {
  await backend.enqueue({ backend: alias, now, tasks });
}

async function finish(backend: TaskBackend, alias: string, id: string, status: "SUCCESSFUL" | "FAILED", finishedAt: Date): Promise<void> {
  const [claimed] = await backend.claim({ backend: alias, now: finishedAt, workerId: "w", queues: QUEUES, limit: 1, leaseMs: 60_000, ids: [id] });
  expect(claimed?.id).toBe(id);
  const outcome =
    status === "SUCCESSFUL"
      ? { status, returnValue: { done: id } }
      : { status, error: { className: "Boom", message: `failed ${id}`, stack: "Boom: failed\n    at test" } };
  const { applied } = await backend.complete({ backend: alias, now: finishedAt, completions: [{ id, attempt: 1, outcome: outcome as never }] });
  expect(applied).toEqual([id]);
}

/** Every task of a list, page by page (pages of `limit`), checking each page's size. */
async function walk(backend: TaskBackend, alias: string, order: TaskListOrder, direction: "asc" | "desc", filter: TaskFilter, limit = 2): Promise<TaskRecord[]> {
  const seen: TaskRecord[] = [];
  let after = null;
  for (let page = 0; page < 100; page++) {
    const result: Awaited<ReturnType<NonNullable<TaskBackend["listTasks"]>>> = await backend.listTasks!({ backend: alias, filter, order, direction, limit, after });
    expect(result.tasks.length).toBeLessThanOrEqual(limit);
    seen.push(...result.tasks);
    if (!result.next) return seen;
    expect(result.tasks.length).toBe(limit);
    after = result.next;
  }
  throw new Error("more than 100 pages");
}

/** Registers the shared browse tests; `setup` gives a fresh alias's backends for each test. */
export function browseScenarios(setup: () => Promise<BrowseSetup>): void {
  let aliasCount = 0;
  const nextAlias = () => `browse-${++aliasCount}-${Math.random().toString(36).slice(2, 8)}`;

  it("lists live and finished tasks together in id order, each once across pages, both directions", async () => {
    const { backend } = await setup();
    const alias = nextAlias();
    const tasks = Array.from({ length: 7 }, (_, index) => newTask({ args: [index] }));
    await store(backend, alias, tasks, at(0));
    await finish(backend, alias, tasks[1]!.id, "SUCCESSFUL", at(10));
    await finish(backend, alias, tasks[4]!.id, "FAILED", at(11));
    await backend.cancel({ backend: alias, now: at(12), id: tasks[5]!.id });
    await backend.claim({ backend: alias, now: at(13), workerId: "w", queues: QUEUES, limit: 1, leaseMs: 60_000, ids: [tasks[6]!.id] });
    const ids = tasks.map((task) => task.id);
    const asc = await walk(backend, alias, "enqueued", "asc", {});
    expect(asc.map((record) => record.id)).toEqual(ids);
    expect(asc.map((record) => record.status)).toEqual(["READY", "SUCCESSFUL", "READY", "READY", "FAILED", "CANCELLED", "RUNNING"]);
    const desc = await walk(backend, alias, "enqueued", "desc", {}, 3);
    expect(desc.map((record) => record.id)).toEqual([...ids].reverse());
    const live = await walk(backend, alias, "enqueued", "desc", { statuses: ["READY", "RUNNING"] });
    expect(live.map((record) => record.id)).toEqual([ids[6], ids[3], ids[2], ids[0]]);
    expect((await walk(backend, alias, "enqueued", "asc", { statuses: ["FAILED", "READY"] })).map((record) => record.id)).toEqual([ids[0], ids[2], ids[3], ids[4]]);
  });

  it("lists finished tasks by finish time then id, ties kept apart by the cursor, with time and name filters", async () => {
    const { backend } = await setup();
    const alias = nextAlias();
    const tasks = Array.from({ length: 6 }, (_, index) => newTask({ taskName: index % 2 === 0 ? "even" : "odd", queueName: index < 3 ? "default" : "mail", args: [index] }));
    await store(backend, alias, tasks, at(0));
    // Finished out of enqueue order, three at the same millisecond.
    const finishes: [number, number][] = [[5, 20], [0, 30], [3, 30], [1, 30], [4, 40]];
    for (const [index, second] of finishes) await finish(backend, alias, tasks[index]!.id, index === 3 ? "FAILED" : "SUCCESSFUL", at(second));
    const tie = [tasks[0]!.id, tasks[3]!.id, tasks[1]!.id].sort();
    const expected = [tasks[5]!.id, ...tie, tasks[4]!.id];
    expect((await walk(backend, alias, "finished", "asc", {})).map((record) => record.id)).toEqual(expected);
    const desc = await walk(backend, alias, "finished", "desc", {});
    expect(desc.map((record) => record.id)).toEqual([...expected].reverse());
    expect(desc[0]!.finishedAt).toEqual(at(40));
    // The READY task (2) is never in a finished list.
    expect(desc.map((record) => record.id)).not.toContain(tasks[2]!.id);
    const window = await walk(backend, alias, "finished", "asc", { from: at(30), until: at(40) }, 1);
    expect(window.map((record) => record.id)).toEqual(tie);
    expect((await walk(backend, alias, "finished", "desc", { statuses: ["SUCCESSFUL"], taskNames: ["even"] })).map((record) => record.id)).toEqual([tasks[4]!.id, tasks[0]!.id]);
    expect((await walk(backend, alias, "finished", "asc", { queues: ["mail"] })).map((record) => record.id)).toEqual([tasks[5]!.id, tasks[3]!.id, tasks[4]!.id]);
    expect((await walk(backend, alias, "finished", "asc", { statuses: ["READY"] }))).toEqual([]);
    const byIds = await walk(backend, alias, "enqueued", "asc", { ids: [tasks[2]!.id, tasks[3]!.id.toUpperCase(), "not-a-uuid"] });
    expect(byIds.map((record) => record.id)).toEqual([tasks[2]!.id, tasks[3]!.id]);
  });

  it("lists by enqueue time with from and until", async () => {
    const { backend } = await setup();
    const alias = nextAlias();
    const early = newTask();
    const middle = newTask({ id: newTaskId(at(60).getTime()) });
    const late = newTask({ id: newTaskId(at(120).getTime()) });
    await store(backend, alias, [early], at(0));
    await store(backend, alias, [middle], at(60));
    await store(backend, alias, [late], at(120));
    await finish(backend, alias, middle.id, "SUCCESSFUL", at(130));
    const list = (filter: TaskFilter) => walk(backend, alias, "enqueued", "asc", filter).then((records) => records.map((record) => record.id));
    expect(await list({ from: at(60) })).toEqual([middle.id, late.id]);
    expect(await list({ until: at(60) })).toEqual([early.id]);
    expect(await list({ from: at(1), until: at(121) })).toEqual([middle.id, late.id]);
  });

  it("finds a value anywhere in the arguments, by JSON type, and hostile search text matches only itself", async () => {
    const { backend } = await setup();
    const alias = nextAlias();
    const hostile = [`a"b\\c`, `") || true || ("`, `' OR 1=1 --`, "$", "@", "line\nbreak", "💥"];
    const deep = newTask({ args: [{ order: { lines: [{ sku: "needle" }] } }] });
    const top = newTask({ args: ["needle", 2] });
    const key = newTask({ args: [{ needle: "haystack" }] });
    const numbers = newTask({ args: [1, true] });
    const text = newTask({ args: ["1", "true"] });
    const odd = hostile.map((value) => newTask({ args: [{ v: value }] }));
    await store(backend, alias, [deep, top, key, numbers, text, ...odd], at(0));
    await finish(backend, alias, deep.id, "SUCCESSFUL", at(5));
    const search = (argsValue: string | number | boolean, order: TaskListOrder = "enqueued") =>
      walk(backend, alias, order, "asc", { argsValue }, 10).then((records) => records.map((record) => record.id));
    expect(await search("needle")).toEqual([deep.id, top.id]);
    expect(await search("needle", "finished")).toEqual([deep.id]);
    expect(await search(1)).toEqual([numbers.id]);
    expect(await search("1")).toEqual([text.id]);
    expect(await search(true)).toEqual([numbers.id]);
    expect(await search("true")).toEqual([text.id]);
    expect(await search(2)).toEqual([top.id]);
    expect(await search("haystack")).toEqual([key.id]);
    for (const [index, value] of hostile.entries()) expect(await search(value)).toEqual([odd[index]!.id]);
    expect(await search("NEEDLE")).toEqual([]);
  });

  it("retries FAILED and CANCELLED tasks as new attempts of the same result, which a claimer with a cursor takes at once", async () => {
    const { backend } = await setup();
    const alias = nextAlias();
    // A higher priority than the claimed task: back in claim order behind the claimer's cursor.
    const failed = newTask({ args: ["f"], priority: 5 });
    const cancelled = newTask({ args: ["c"] });
    const succeeded = newTask({ args: ["s"] });
    const ready = newTask({ args: ["r"] });
    await store(backend, alias, [failed, cancelled, succeeded, ready], at(0));
    await finish(backend, alias, failed.id, "FAILED", at(10));
    await finish(backend, alias, succeeded.id, "SUCCESSFUL", at(10));
    await backend.cancel({ backend: alias, now: at(11), id: cancelled.id });
    // A claimer that has claimed (so has a cursor past the start) and drained the queue.
    const drained = await backend.claim({ backend: alias, now: at(20), workerId: "claimer", queues: QUEUES, limit: 10, leaseMs: 60_000 });
    expect(drained.map((record) => record.id)).toEqual([ready.id]);
    const retried = await backend.retryTasks!({ backend: alias, now: at(30), ids: [failed.id, cancelled.id, succeeded.id, ready.id, newTaskId()] });
    expect(retried.map((record) => record.id)).toEqual([failed.id, cancelled.id].sort());
    const again = retried.find((record) => record.id === failed.id)!;
    expect(again).toMatchObject({ status: "READY", attempts: 1, maxAttempts: 2, finishedAt: null, returnValue: null, runAfter: at(30), workerIds: ["w"], priority: 5 });
    expect(again.errors.map((error) => error.message)).toEqual([`failed ${failed.id}`]);
    expect(await backend.get({ backend: alias, id: failed.id })).toMatchObject({ status: "READY", maxAttempts: 2 });
    expect(await backend.get({ backend: alias, id: succeeded.id })).toMatchObject({ status: "SUCCESSFUL" });
    const claimed = await backend.claim({ backend: alias, now: at(30), workerId: "claimer", queues: QUEUES, limit: 10, leaseMs: 60_000 });
    expect(claimed.map((record) => record.id).sort()).toEqual([failed.id, cancelled.id].sort());
    expect(claimed.find((record) => record.id === failed.id)).toMatchObject({ attempts: 2, workerIds: ["w", "claimer"] });
    // A second retry of the same ids finds nothing to retry.
    expect(await backend.retryTasks!({ backend: alias, now: at(31), ids: [failed.id, cancelled.id] })).toEqual([]);
  });

  it("leaves a task whose unique key a live task holds, and retries only one of two that share a key", async () => {
    const { backend } = await setup();
    const alias = nextAlias();
    const first = newTask({ uniqueKey: "k1", args: [1] });
    const second = newTask({ uniqueKey: "k2", args: [2] });
    const third = newTask({ uniqueKey: "k2", args: [3] });
    await store(backend, alias, [first], at(0));
    await finish(backend, alias, first.id, "FAILED", at(1));
    await store(backend, alias, [second], at(2));
    await finish(backend, alias, second.id, "FAILED", at(3));
    await store(backend, alias, [third], at(4));
    await backend.cancel({ backend: alias, now: at(5), id: third.id });
    const holder = newTask({ uniqueKey: "k1", args: [4] });
    await store(backend, alias, [holder], at(6));
    const retried = await backend.retryTasks!({ backend: alias, now: at(7), ids: [third.id, second.id, first.id] });
    expect(retried.map((record) => record.id)).toEqual([second.id]);
    expect(await backend.get({ backend: alias, id: first.id })).toMatchObject({ status: "FAILED" });
    expect(await backend.get({ backend: alias, id: third.id })).toMatchObject({ status: "CANCELLED" });
  });

  it("wakes a listener on another backend object when it retries, like an enqueue", async () => {
    const { backend, other } = await setup();
    const alias = nextAlias();
    const task = newTask({ queueName: "wake-me" });
    await store(backend, alias, [task], at(0));
    await finish(backend, alias, task.id, "FAILED", at(1));
    const heard: string[] = [];
    const listening = backend === other ? backend : other;
    const unsubscribe = listening.onTasksAvailable?.((queue) => heard.push(queue)) ?? (() => {});
    try {
      // LISTEN is set up asynchronously on Postgres; give it a moment, then retry.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await backend.retryTasks!({ backend: alias, now: at(2), ids: [task.id] });
      await expect.poll(() => heard, { timeout: 5_000 }).toContain("wake-me");
    } finally {
      unsubscribe();
    }
  });

  it("deletes finished tasks only, and counts finished tasks per bucket, queue and status", async () => {
    const { backend } = await setup();
    const alias = nextAlias();
    const queueOf = ["default", "default", "default", "default", "default", "default", "mail", "mail"];
    const tasks = queueOf.map((queueName, index) => newTask({ args: [index], queueName }));
    await store(backend, alias, tasks, at(0));
    await finish(backend, alias, tasks[0]!.id, "SUCCESSFUL", at(60));
    await finish(backend, alias, tasks[1]!.id, "SUCCESSFUL", at(119.999));
    await finish(backend, alias, tasks[6]!.id, "SUCCESSFUL", at(90));
    await finish(backend, alias, tasks[2]!.id, "FAILED", at(120));
    await finish(backend, alias, tasks[7]!.id, "FAILED", at(130));
    await backend.cancel({ backend: alias, now: at(200), id: tasks[3]!.id });
    await finish(backend, alias, tasks[4]!.id, "SUCCESSFUL", at(300));
    const counts = await backend.countFinished!({ backend: alias, since: at(60), until: at(300), bucketMs: 60_000 });
    expect(counts).toEqual([
      { bucketStart: at(60), queueName: "default", status: "SUCCESSFUL", count: 2 },
      { bucketStart: at(60), queueName: "mail", status: "SUCCESSFUL", count: 1 },
      { bucketStart: at(120), queueName: "default", status: "FAILED", count: 1 },
      { bucketStart: at(120), queueName: "mail", status: "FAILED", count: 1 },
      { bucketStart: at(180), queueName: "default", status: "CANCELLED", count: 1 },
    ]);
    const deleted = await backend.deleteTasks!({ backend: alias, ids: [tasks[5]!.id, tasks[2]!.id, tasks[0]!.id, "nope"] });
    expect(deleted).toEqual([tasks[2]!.id, tasks[0]!.id]);
    expect(await backend.get({ backend: alias, id: tasks[0]!.id })).toBeNull();
    expect(await backend.get({ backend: alias, id: tasks[5]!.id })).toMatchObject({ status: "READY" });
    expect(await backend.deleteTasks!({ backend: "another-alias", ids: [tasks[1]!.id] })).toEqual([]);
  });

  it("rejects malformed params with an error naming the field", async () => {
    const { backend } = await setup();
    const base = { backend: "x", filter: {}, order: "enqueued" as const, direction: "asc" as const, limit: 10 };
    await expect(backend.listTasks!({ ...base, limit: 501 })).rejects.toThrow(/"limit" must be a whole number from 1 to 500/);
    await expect(backend.listTasks!({ ...base, filter: { statuses: ["DONE" as never] } })).rejects.toThrow(/"filter.statuses" holds "DONE"/);
    await expect(backend.listTasks!({ ...base, order: "finished", after: { id: newTaskId(), finishedAt: null } })).rejects.toThrow(/"after.finishedAt" must be a valid Date/);
    await expect(backend.retryTasks!({ backend: "x", now: at(0), ids: [] })).rejects.toThrow(/"ids" must be an array of 1 to 1,000 task ids/);
    await expect(backend.countFinished!({ backend: "x", since: at(10), until: at(0), bucketMs: 60_000 })).rejects.toThrow(/"until" .* must be after "since"/);
  });
}
