/**
 * The bounded walk of an argument search that includes successful tasks (pg/browse.ts): with
 * a walk of a few hundred rows, paging until the cursor runs out lists exactly the tasks an
 * unbounded walk lists, in the same order, in every order and direction, with and without the
 * backlog; pages the walk could not fill are short (even empty) and carry a cursor.
 */
import { drizzle } from "drizzle-orm/postgres-js";
import { beforeAll, describe, expect, it } from "vitest";
import type { ListTasksParams, TaskFilter, TaskListCursor } from "@tasks/core/backend";
import type { PgDb } from "../src/pg/db.js";
import { listTasks } from "../src/pg/browse.js";
import { loadTasks } from "./helpers/browse-load.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";

const available = await postgresAvailable();
const FINISHED = 3_000;
const READY = 200;
const WALK = 300;
const LIMIT = 20;

interface Paged {
  readonly ids: string[];
  readonly pageSizes: number[];
  readonly cursors: (TaskListCursor | null)[];
}

describe.skipIf(!available)("Postgres argument search over successful tasks, walked in bounded steps", () => {
  const database = useTestDatabase();
  let db: PgDb;

  beforeAll(async () => {
    await loadTasks(database().client, "walk", FINISHED, READY);
    db = drizzle({ client: database().client }) as unknown as PgDb;
  }, 60_000);

  async function pageAll(params: Omit<ListTasksParams, "after">, walkRows: number): Promise<Paged> {
    const paged: Paged = { ids: [], pageSizes: [], cursors: [] };
    let after: TaskListCursor | null = null;
    do {
      const page = await listTasks(db, { ...params, after }, walkRows);
      paged.ids.push(...page.tasks.map((task) => task.id));
      paged.pageSizes.push(page.tasks.length);
      paged.cursors.push(page.next);
      after = page.next;
    } while (after !== null && paged.pageSizes.length < 1_000);
    return paged;
  }

  // Loaded task i holds the user `u<i % 5000>`, the SKU `sku-<i>` and the numbers i % 7 and i % 11.
  const filters: { label: string; filter: TaskFilter }[] = [
    { label: "a rare value among finished tasks", filter: { argsValue: "sku-1500" } },
    { label: "a value in the backlog only", filter: { argsValue: `sku-${FINISHED + 50}` } },
    { label: "a common number", filter: { argsValue: 3 } },
    { label: "a common number among SUCCESSFUL and FAILED tasks", filter: { argsValue: 3, statuses: ["SUCCESSFUL", "FAILED"] } },
    { label: "a value no task holds", filter: { argsValue: "nobody" } },
  ];

  it("lists exactly what an unbounded walk lists, in order, in short pages with cursors where the walk stopped", async () => {
    let shortPagesWithCursor = 0;
    for (const order of ["enqueued", "finished"] as const) {
      for (const direction of ["desc", "asc"] as const) {
        for (const { label, filter } of filters) {
          const params = { backend: "walk", filter, order, direction, limit: LIMIT };
          const title = `${order} ${direction}, ${label}`;
          const whole = await pageAll(params, Number.MAX_SAFE_INTEGER);
          const walked = await pageAll(params, WALK);
          expect(walked.ids, title).toEqual(whole.ids);
          expect(new Set(walked.ids).size, title).toBe(walked.ids.length);
          expect(Math.max(...walked.pageSizes), title).toBeLessThanOrEqual(LIMIT);
          // Unbounded, only the last page is short.
          expect(whole.pageSizes.slice(0, -1).every((size) => size === LIMIT), title).toBe(true);
          walked.pageSizes.forEach((size, index) => {
            if (size < LIMIT && walked.cursors[index] !== null) {
              shortPagesWithCursor++;
              if (order === "finished") expect(walked.cursors[index]!.finishedAt, title).toBeInstanceOf(Date);
            }
          });
          // A walk of WALK rows per page reads the finished tasks in about FINISHED / WALK pages.
          if (label === "a value no task holds" && !(order === "enqueued" && filter.statuses)) {
            expect(walked.pageSizes.length, title).toBeGreaterThanOrEqual(FINISHED / WALK);
          }
        }
      }
    }
    expect(shortPagesWithCursor).toBeGreaterThan(20);
  }, 120_000);

  it("finds the searched values: the test's lists are not empty", async () => {
    const count = async (filter: TaskFilter, order: "enqueued" | "finished") =>
      (await pageAll({ backend: "walk", filter, order, direction: "desc", limit: LIMIT }, WALK)).ids.length;
    expect(await count({ argsValue: "sku-1500" }, "finished")).toBe(1);
    expect(await count({ argsValue: `sku-${FINISHED + 50}` }, "enqueued")).toBe(1);
    expect(await count({ argsValue: 3 }, "finished")).toBeGreaterThan(LIMIT * 10);
    expect(await count({ argsValue: "nobody" }, "enqueued")).toBe(0);
  });
});
