/**
 * sqliteBackend({ path }) as every README shows it: the database file's folders are created,
 * relative paths are resolved once, and a file that cannot be opened fails with an error that
 * names the resolved path and the cause.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { identityHash, newTaskId } from "@tasks/core/backend";
import { SqliteOpenError, type SqliteBackend } from "../src/sqlite/index.js";
import { useSqliteFiles } from "./sqlite-helpers.js";

const files = useSqliteFiles();
const open = files.open;

async function enqueueAndRead(backend: SqliteBackend): Promise<string | undefined> {
  const now = new Date();
  const task = { id: newTaskId(now.getTime()), taskName: "path.test", queueName: "default", priority: 0, args: [1], runAfter: null, maxAttempts: 1, identityHash: identityHash("path.test", [1]), uniqueKey: null, scheduledFor: null, traceContext: null };
  await backend.enqueue({ backend: "default", now, tasks: [task] });
  return (await backend.get({ backend: "default", id: task.id }))?.taskName;
}

describe("sqliteBackend({ path })", () => {
  it("creates the missing folders of the database file", async () => {
    const file = join(files.dir().path, "data", "nested", "tasks.db");
    const backend = open(file);
    expect(existsSync(file)).toBe(true);
    await backend.migrate();
    expect(await enqueueAndRead(backend)).toBe("path.test");
  });

  it("resolves a relative path against the current directory", async () => {
    const file = join(files.dir().path, "data", "tasks.db");
    const backend = open(relative(process.cwd(), file));
    expect(backend.db.$client.name).toBe(file);
    expect(existsSync(file)).toBe(true);
  });

  it("opens :memory: without creating anything", async () => {
    const backend = open(":memory:");
    await backend.migrate();
    expect(await enqueueAndRead(backend)).toBe("path.test");
    expect(existsSync(":memory:")).toBe(false);
  });

  it("names the resolved path and the cause when the file cannot be opened, and opens it once the cause is gone", async () => {
    const blocker = join(files.dir().path, "data");
    writeFileSync(blocker, "a file where the folder should be");
    const given = relative(process.cwd(), join(blocker, "tasks.db"));
    const backend = open(given);
    const expected = `Cannot open the SQLite database file "${join(blocker, "tasks.db")}": part of its folder path "${blocker}" is a file, not a folder (EEXIST). Fix the path given to sqliteBackend({ path }).`;
    expect(() => backend.db).toThrow(SqliteOpenError);
    expect(() => backend.db).toThrow(expected);
    await expect(backend.migrate()).rejects.toThrow(expected);
    rmSync(blocker);
    await backend.migrate();
    expect(await enqueueAndRead(backend)).toBe("path.test");
  });
});
