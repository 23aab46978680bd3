import Database from "better-sqlite3";
import { sql } from "drizzle-orm";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import { drizzle as drizzlePg } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { describeStorageError, storageErrorHint } from "../src/run/storage-error.js";
import { ADMIN_URL } from "./helpers/databases.js";
import { POSTGRES_UP } from "./helpers/dialects.js";

/** The error a real call throws. */
async function errorOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("The call was expected to fail.");
}

describe("describing storage errors", () => {
  it("names the socket error under Drizzle's \"Failed query\" wrapper, without the SQL", async () => {
    const client = postgres("postgres://postgres@127.0.0.1:5499/test", { onnotice: () => {}, max: 1, connect_timeout: 3 });
    const error = await errorOf(() => drizzlePg(client).execute(sql`select 12345 as secret_column`));
    await client.end({ timeout: 1 });
    expect((error as Error).message).toContain("Failed query");
    expect(describeStorageError(error)).toBe("connect ECONNREFUSED 127.0.0.1:5499");
    expect(storageErrorHint(error)).toContain("reachable");
  });

  it.runIf(POSTGRES_UP)("names a Postgres server error with its SQLSTATE, and points at tasks migrate for a missing task table", async () => {
    const client = postgres(ADMIN_URL, { onnotice: () => {}, max: 1 });
    const error = await errorOf(() => drizzlePg(client).execute(sql`select * from tasks_no_such_table`));
    await client.end({ timeout: 1 });
    expect(describeStorageError(error)).toBe('relation "tasks_no_such_table" does not exist (42P01)');
    expect(storageErrorHint(error)).toContain("tasks migrate");
  });

  it("names a SQLite error with its code", async () => {
    const client = new Database(":memory:");
    const error = await errorOf(() => drizzleSqlite(client).run(sql`select * from tasks_results`));
    client.close();
    expect(describeStorageError(error)).toBe("no such table: tasks_results (SQLITE_ERROR)");
    expect(storageErrorHint(error)).toContain("tasks migrate");
  });

  it("leaves errors that do not come from storage alone", () => {
    expect(describeStorageError(new TypeError("x is not a function"))).toBeNull();
    const nodeError = Object.assign(new Error("Cannot find module 'x'"), { code: "ERR_MODULE_NOT_FOUND" });
    expect(describeStorageError(nodeError)).toBeNull();
  });
});
