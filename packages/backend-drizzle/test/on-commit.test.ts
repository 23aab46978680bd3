/**
 * Enqueue on commit (DESIGN.md §3) for a backend that cannot join the application's
 * transaction because it lives in another database: the application writes to Postgres
 * while its tasks live in a SQLite file, and the other way round (SQLite's synchronous
 * transactions). Tasks registered with enqueueOnCommit appear only after the commit and
 * never after a rollback, including a rolled-back savepoint.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { sql } from "drizzle-orm";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import {
  configureTasks,
  InvalidTaskError,
  resetTasksConfiguration,
  task,
  taskEvents,
  taskHealth,
  unregisterTasks,
  withCommitHooks,
} from "@tasks/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postgresBackend } from "../src/pg/index.js";
import { migrate as migrateSqlite, sqliteBackend } from "../src/sqlite/index.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";

const hasPostgres = await postgresAvailable();
const folder = mkdtempSync(join(tmpdir(), "tasks-on-commit-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Collects the args of every task enqueued from now on. */
function recordEnqueued(): unknown[][] {
  const seen: unknown[][] = [];
  taskEvents.on("taskEnqueued", ({ result }) => void seen.push(result.args));
  return seen;
}

afterEach(() => {
  taskEvents.clear();
  resetTasksConfiguration();
  unregisterTasks();
});

describe.skipIf(!hasPostgres)("application on Postgres, tasks in a SQLite file", () => {
  const database = useTestDatabase();
  let tasksFile: Database.Database;

  beforeAll(async () => {
    tasksFile = new Database(join(folder, "tasks-a.db"));
    migrateSqlite(drizzleSqlite({ client: tasksFile }));
    await database().db.execute(sql`CREATE TABLE orders (id integer PRIMARY KEY)`);
  });
  afterAll(() => tasksFile.close());

  function setUp() {
    configureTasks({ backends: { default: sqliteBackend({ db: drizzleSqlite({ client: tasksFile }) }) } });
    return task({ name: "receipt", backend: "default" }, (_orderId: number) => 1);
  }

  it("enqueues after commit, not before, and nothing after a rollback or a rolled-back savepoint", async () => {
    const receipt = setUp();
    const enqueued = recordEnqueued();
    const { db } = database();
    await withCommitHooks(db, async (tx) => {
      await tx.execute(sql`INSERT INTO orders VALUES (1)`);
      receipt.enqueueOnCommit(tx, 1);
      expect(enqueued).toEqual([]);
      await withCommitHooks(tx, async (savepoint) => {
        receipt.enqueueOnCommit(savepoint, 2);
      });
      await withCommitHooks(tx, async (savepoint) => {
        await savepoint.execute(sql`INSERT INTO orders VALUES (3)`);
        receipt.enqueueOnCommit(savepoint, 3);
        throw new Error("roll back the savepoint");
      }).catch(() => {});
      expect(enqueued).toEqual([]);
    });
    expect(enqueued).toEqual([[1], [2]]);
    await expect(
      withCommitHooks(db, async (tx) => {
        await tx.execute(sql`INSERT INTO orders VALUES (4)`);
        receipt.enqueueOnCommit(tx, 4);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(enqueued).toEqual([[1], [2]]);
    const orders = await db.execute<{ id: number }>(sql`SELECT id FROM orders ORDER BY id`);
    expect(orders.map((row) => row.id)).toEqual([1]);
    const health = await taskHealth();
    expect(health.queues.default?.READY).toBe(2);
  });

  it("checks arguments at the call, inside the transaction", async () => {
    const receipt = setUp();
    await expect(
      withCommitHooks(database().db, async (tx) => {
        receipt.enqueueOnCommit(tx, new Date() as unknown as number);
      }),
    ).rejects.toThrow("args[0] is a Date");
  });

  it("refuses a transaction not opened with withCommitHooks", async () => {
    const receipt = setUp();
    await expect(database().db.transaction(async (tx) => receipt.enqueueOnCommit(tx, 1))).rejects.toThrow(InvalidTaskError);
  });
});

describe.skipIf(!hasPostgres)("application on SQLite (synchronous transactions), tasks in Postgres", () => {
  const database = useTestDatabase();

  it("enqueues after commit and drops rolled-back work", async () => {
    const client = new Database(join(folder, "app-b.db"));
    const app = drizzleSqlite({ client });
    app.run(sql`CREATE TABLE orders (id integer PRIMARY KEY)`);
    const backend = postgresBackend({ db: database().db, listen: false });
    configureTasks({ backends: { default: backend } });
    const receipt = task({ name: "receipt-pg" }, (_orderId: number) => 1);
    const enqueued = recordEnqueued();
    await withCommitHooks(app, (tx) => {
      tx.run(sql`INSERT INTO orders VALUES (1)`);
      receipt.enqueueOnCommit(tx, 1);
      void withCommitHooks(tx, (savepoint) => {
        savepoint.run(sql`INSERT INTO orders VALUES (2)`);
        receipt.enqueueOnCommit(savepoint, 2);
        throw new Error("roll back the savepoint");
      }).catch(() => {});
    });
    expect(enqueued).toEqual([[1]]);
    await expect(
      withCommitHooks(app, (tx) => {
        receipt.enqueueOnCommit(tx, 3);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(enqueued).toEqual([[1]]);
    expect(app.all<{ id: number }>(sql`SELECT id FROM orders`).map((row) => row.id)).toEqual([1]);
    const health = await taskHealth();
    expect(health.queues.default?.READY).toBe(1);
    client.close();
  });
});
