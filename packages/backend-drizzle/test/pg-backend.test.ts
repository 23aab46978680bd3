import { describe, expect, it } from "vitest";
import { identityHash, newTaskId, type NewTaskRecord } from "@tasks/core/backend";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { isTransientStorageError, postgresBackend, PostgresBackend } from "../src/pg/index.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";

const available = await postgresAvailable();

function newTask(overrides: Partial<NewTaskRecord> = {}): NewTaskRecord {
  return {
    id: newTaskId(),
    taskName: "t",
    queueName: "default",
    priority: 0,
    args: [],
    runAfter: null,
    maxAttempts: 1,
    identityHash: identityHash("t", []),
    uniqueKey: null,
    scheduledFor: null,
    traceContext: null,
    ...overrides,
  };
}

describe.skipIf(!available)("Postgres backend specifics", () => {
  const database = useTestDatabase();
  const now = new Date("2030-01-01T00:00:00Z");

  it("claims one batch in claim order and completes a batch guarded by attempt", async () => {
    const backend = postgresBackend({ db: database().db, listen: false });
    const low = newTask({ priority: -5 });
    const high = newTask({ priority: 7 });
    const mid = newTask();
    await backend.enqueue({ backend: "a", now, tasks: [low, high, mid] });
    const claimed = await backend.claim({ backend: "a", now, workerId: "w1", queues: { include: ["default"], exclude: [] }, limit: 10, leaseMs: 1000 });
    expect(claimed.map((record) => record.id)).toEqual([high.id, mid.id, low.id]);
    expect(claimed[0]).toMatchObject({ status: "RUNNING", attempts: 1, workerIds: ["w1"], startedAt: now, leaseExpiresAt: new Date(now.getTime() + 1000) });
    const outcome = await backend.complete({
      backend: "a",
      now,
      completions: [
        { id: high.id, attempt: 1, outcome: { status: "SUCCESSFUL", returnValue: { ok: [1, "two"] } } },
        { id: mid.id, attempt: 2, outcome: { status: "SUCCESSFUL", returnValue: null } },
        { id: low.id, attempt: 1, outcome: { status: "READY", runAfter: new Date(now.getTime() + 5000), error: { className: "E", message: "m", stack: "" } } },
      ],
    });
    expect(outcome.applied.sort()).toEqual([high.id, low.id].sort());
    expect(await backend.get({ backend: "a", id: high.id })).toMatchObject({ status: "SUCCESSFUL", returnValue: { ok: [1, "two"] }, finishedAt: now });
    expect(await backend.get({ backend: "a", id: low.id })).toMatchObject({ status: "READY", runAfter: new Date(now.getTime() + 5000), errors: [{ className: "E" }] });
    expect(await backend.get({ backend: "b", id: high.id })).toBeNull();
    expect(await backend.get({ backend: "a", id: "not-a-uuid" })).toBeNull();
  });

  it("deschedules READY tasks by name and identity hash, moving them to the results table as CANCELLED", async () => {
    const { client } = database();
    const backend = postgresBackend({ db: drizzle({ client }), listen: false });
    const args = [{ user: 7 }];
    const hash = identityHash("t", args);
    const [target, other, claimed] = await backend.enqueue({
      backend: "plan",
      now,
      tasks: [newTask({ args, identityHash: hash }), newTask(), newTask({ args, identityHash: hash })],
    });
    await backend.claim({ backend: "plan", now, workerId: "w", queues: { include: "*", exclude: [] }, limit: 1, leaseMs: 60_000, ids: [claimed!.record.id] });
    expect(await backend.deschedule({ backend: "plan", now, taskName: "t", identityHash: hash })).toBe(1);
    const where = async (id: string) => {
      const [row] = await client<{ place: string; status: string }[]>`
        SELECT 'queue' AS place, status FROM tasks_queue WHERE id = ${id} UNION ALL SELECT 'results', status FROM tasks_results WHERE id = ${id}`;
      return row;
    };
    expect(await where(target!.record.id)).toEqual({ place: "results", status: "CANCELLED" });
    expect(await where(other!.record.id)).toEqual({ place: "queue", status: "READY" });
    // A RUNNING task with the same identity is not descheduled: only READY ones are.
    expect(await where(claimed!.record.id)).toEqual({ place: "queue", status: "RUNNING" });
    await backend.close();
  });

  it("rejects options it cannot use with full sentences", () => {
    expect(() => postgresBackend({} as never)).toThrow(/needs one of "db", "url", "connection"/);
    expect(() => postgresBackend({ db: {} } as never)).toThrow(/must be a Drizzle Postgres database/);
    expect(() => postgresBackend({ url: "postgres://x", lisen: true } as never)).toThrow(/does not know the option "lisen"/);
    expect(() => new PostgresBackend({ url: "postgres://x", listen: "yes" } as never)).toThrow(/"listen" must be true or false/);
    // A wrong scheme is refused at once (no retry can fix it), without echoing the URL's password.
    expect(() => postgresBackend({ url: "mysql://root:s3cret-pw@localhost/app" })).toThrow(/must be a postgres:\/\/ or postgresql:\/\/ URL; got a mysql:\/\/ URL/);
    expect(() => postgresBackend({ url: "mysql://root:s3cret-pw@localhost/app" })).not.toThrow(/s3cret-pw/);
    expect(() => postgresBackend({ url: "postgres://x", listenUrl: "localhost:5432" })).toThrow(/"listenUrl" must be a postgres/);
    expect(() => postgresBackend({ url: "postgres://x", atomicConnections: 0 })).toThrow(/"atomicConnections" must be a whole number from 1 to 1000; got number 0/);
  });

  it("classifies real driver errors by SQLSTATE: a terminated connection is transient, a syntax error is not", async () => {
    const client = postgres(database().url, { max: 1, onnotice: () => {} });
    try {
      const syntax = await client`SELEC 1`.catch((error: unknown) => error);
      expect((syntax as { code?: string }).code).toBe("42601");
      expect(isTransientStorageError(syntax)).toBe(false);
      const terminated = await client`SELECT pg_terminate_backend(pg_backend_pid())`.catch((error: unknown) => error);
      expect(isTransientStorageError(terminated)).toBe(true);
      expect(isTransientStorageError(new Error("could not serialize access", { cause: { code: "40001" } }))).toBe(true);
    } finally {
      await client.end({ timeout: 1 });
    }
  });
});
