/**
 * PostgresBackend.verify() when it cannot reach or use the database: each problem has its
 * own message naming where it tried, and no message ever shows the password.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageCheck } from "@tasks/core";
import { PostgresBackend } from "../src/pg/index.js";
import { useEmptyDatabases } from "./helpers/empty-databases.js";
import { ADMIN_URL, postgresAvailable } from "./helpers/pg.js";

const available = await postgresAvailable();
const PASSWORD = "S3cret-Pa55word";

/** `ADMIN_URL` with `PASSWORD` (the test server trusts every password) and the given parts changed. */
function urlWith(parts: { host?: string; port?: string; database?: string; user?: string }): string {
  const url = new URL(ADMIN_URL);
  url.password = PASSWORD;
  if (parts.host !== undefined) url.hostname = parts.host;
  if (parts.port !== undefined) url.port = parts.port;
  if (parts.database !== undefined) url.pathname = `/${parts.database}`;
  if (parts.user !== undefined) url.username = parts.user;
  return url.toString();
}

const admin = new URL(ADMIN_URL);
const ADDRESS = `${admin.hostname}:${admin.port || "5432"}`;

async function verifyAt(url: string): Promise<StorageCheck> {
  const backend = new PostgresBackend({ url, listen: false });
  try {
    return await backend.verify();
  } finally {
    await backend.close();
  }
}

function expectProblem(check: StorageCheck, problem: string, message: string | RegExp): void {
  expect(check.ok).toBe(false);
  if (check.ok) return;
  expect(check.problem).toBe(problem);
  if (typeof message === "string") expect(check.message).toBe(message);
  else expect(check.message).toMatch(message);
  expect(check.message).not.toContain(PASSWORD);
}

describe("PostgresBackend.verify(): connection problems", () => {
  it("names host and port when the connection is refused", async () => {
    const check = await verifyAt(urlWith({ host: "127.0.0.1", port: "5499" }));
    expectProblem(check, "unreachable", "Cannot connect to Postgres at 127.0.0.1:5499: connection refused. Is the server running, and are host and port right?");
  });

  it("names the host when its name does not resolve", async () => {
    const check = await verifyAt(urlWith({ host: "no-such-host.invalid", port: "5432" }));
    expectProblem(check, "unreachable", /^Cannot connect to Postgres at no-such-host\.invalid:5432: the host name "no-such-host\.invalid" was not found \((ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)\)\. Is the host name right/);
  });

  describe("a server that accepts connections and never answers", () => {
    let server: Server;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on("error", () => {});
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("gives up after 5 seconds instead of hanging", async () => {
      const port = String((server.address() as { port: number }).port);
      // postgres.js's own connect timeout is 30 s by default, so only verify's bound can end this.
      const check = await verifyAt(urlWith({ host: "127.0.0.1", port }));
      expectProblem(
        check,
        "unreachable",
        `Cannot connect to Postgres at 127.0.0.1:${port}: no answer within 5 seconds. Is the host right and the server running, and does a firewall let the connection through?`,
      );
    }, 20_000);
  });
});

describe.skipIf(!available)("PostgresBackend.verify(): database and access problems", () => {
  const databases = useEmptyDatabases("tasks_pg_verify");

  it("names a database that does not exist", async () => {
    const check = await verifyAt(urlWith({ database: "tasks_pg_no_such_database" }));
    expectProblem(
      check,
      "no-database",
      `Postgres at ${ADDRESS} has no database "tasks_pg_no_such_database" (3D000). Create it (CREATE DATABASE "tasks_pg_no_such_database") or fix the database name in the connection settings.`,
    );
  });

  it("reports a role that may not log in as access denied", async () => {
    const check = await verifyAt(urlWith({ user: "tasks_pg_no_such_role" }));
    expectProblem(
      check,
      "access-denied",
      /^Postgres at .+ does not let user "tasks_pg_no_such_role" connect to database "[^"]+" \(28000: role "tasks_pg_no_such_role" does not exist\)\. Check the user name/,
    );
  });

  it("reports a user without privileges on the migrations table or the task tables as access denied", async () => {
    const name = await databases.create();
    const role = await databases.createRole();
    const owner = new PostgresBackend({ url: urlWith({ database: name }), listen: false });
    try {
      await owner.migrate();
    } finally {
      await owner.close();
    }
    const asRole = urlWith({ database: name, user: role });
    expectProblem(await verifyAt(asRole), "access-denied", new RegExp(`^User "${role}" lacks a privilege the task tables need in database "${name}" on Postgres at .+ \\(42501: permission denied for schema drizzle\\)\\. Grant it`));
    await databases.run(name, `GRANT USAGE ON SCHEMA drizzle TO "${role}"`, `GRANT SELECT ON drizzle.tasks_migrations TO "${role}"`, `GRANT SELECT, INSERT, UPDATE, DELETE ON tasks_queue TO "${role}"`, `GRANT SELECT, INSERT ON tasks_results, tasks_schedules TO "${role}"`);
    expectProblem(
      await verifyAt(asRole),
      "access-denied",
      `User "${role}" lacks UPDATE on tasks_results, DELETE on tasks_results, SELECT on tasks_workers, INSERT on tasks_workers, UPDATE on tasks_workers, DELETE on tasks_workers, UPDATE on tasks_schedules, DELETE on tasks_schedules in database "${name}" on Postgres at ${ADDRESS}. ` +
        `Grant them (GRANT SELECT, INSERT, UPDATE, DELETE ON tasks_queue, tasks_results, tasks_workers, tasks_schedules TO "${role}") or connect as the user that owns the task tables.`,
    );
    await databases.run(name, `GRANT SELECT, INSERT, UPDATE, DELETE ON tasks_results, tasks_workers, tasks_schedules TO "${role}"`);
    expect(await verifyAt(asRole)).toEqual({ ok: true });
  });

  it("never shows the password, whatever the problem", async () => {
    const name = await databases.create();
    const checks = [
      await verifyAt(urlWith({ port: "5499" })),
      await verifyAt(urlWith({ database: "tasks_pg_no_such_database" })),
      await verifyAt(urlWith({ user: "tasks_pg_no_such_role" })),
      await verifyAt(urlWith({ database: name })),
    ];
    expect(checks.map((check) => (check.ok ? "ok" : check.problem))).toEqual(["unreachable", "no-database", "access-denied", "schema-missing"]);
    for (const check of checks) if (!check.ok) expect(check.message).not.toContain(PASSWORD);
  });
});
