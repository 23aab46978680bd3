/**
 * The SQLite identity index holds every row (migration 0004), so claims and completions never
 * write it; deschedule still cancels only READY rows through it.
 */
import { migrate as drizzleMigrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { identityHash, newTaskId, type NewTaskRecord } from "@tasks/core/backend";
import { SqliteBackend, sqliteMigrationsFolder } from "../src/sqlite/index.js";
import { firstMigrations, migrationNames } from "./helpers/partial-migrations.js";
import { openDb, useSqliteFiles } from "./sqlite-helpers.js";

const now = new Date("2030-01-01T00:00:00Z");
const args = [{ to: "ada@example.com" }];
const hash = identityHash("mail.send", args);
const ALL = migrationNames(sqliteMigrationsFolder);
const BEFORE = ALL.indexOf("0004_identity_index_unchanged_by_claims");

function newTask(): NewTaskRecord {
  return { id: newTaskId(), taskName: "mail.send", queueName: "default", priority: 0, args, runAfter: null, maxAttempts: 1, identityHash: hash, uniqueKey: null };
}

const files = useSqliteFiles();

describe("SQLite identity index", () => {
  it("gets an entry for every stored row when migrated, keeps it through claims and completions, and deschedule cancels only READY rows", async () => {
    expect(BEFORE, "migration 0004 is bundled").toBeGreaterThan(0);
    const file = files.dir().file("identity.db");
    const { client, db } = openDb(file);
    drizzleMigrate(db, { migrationsFolder: firstMigrations(sqliteMigrationsFolder, BEFORE), migrationsTable: "tasks_migrations" });
    // A statement that can only run on an identity index holding every row, whatever its status.
    const entries = () =>
      (client.prepare("SELECT count(*) AS n FROM tasks_results INDEXED BY tasks_results_identity_idx WHERE identity_hash = ?").get(hash) as { n: number }).n;
    const backend = new SqliteBackend({ db });
    try {
      const queues = { include: ["default"], exclude: [] };
      // Rows in every state under the old, READY-only index.
      await backend.enqueue({ backend: "a", now, tasks: Array.from({ length: 5 }, () => newTask()) });
      const [done, running] = await backend.claim({ backend: "a", now, workerId: "w", queues, limit: 2, leaseMs: 60_000 });
      await backend.complete({ backend: "a", now, completions: [{ id: done!.id, attempt: 1, outcome: { status: "SUCCESSFUL", returnValue: null } }] });
      expect(() => entries()).toThrow(/no query solution/);

      expect(await backend.migrate()).toEqual(ALL.slice(BEFORE));
      expect(entries()).toBe(5);
      const [claimed] = await backend.claim({ backend: "a", now, workerId: "w", queues, limit: 1, leaseMs: 60_000 });
      await backend.complete({ backend: "a", now, completions: [{ id: running!.id, attempt: 1, outcome: { status: "FAILED", error: { className: "Error", message: "x", stack: "" } } }] });
      expect(entries()).toBe(5);

      expect(await backend.deschedule({ backend: "a", now, taskName: "mail.send", identityHash: hash })).toBe(2);
      const statuses = client.prepare("SELECT status, count(*) AS n FROM tasks_results GROUP BY status ORDER BY status").all();
      expect(statuses).toEqual([
        { status: "CANCELLED", n: 2 },
        { status: "FAILED", n: 1 },
        { status: "RUNNING", n: 1 },
        { status: "SUCCESSFUL", n: 1 },
      ]);
      expect((await backend.get({ backend: "a", id: claimed!.id }))?.status).toBe("RUNNING");
    } finally {
      await backend.close();
      client.close();
    }
  });
});
