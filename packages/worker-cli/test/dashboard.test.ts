/**
 * `tasks dashboard` as a real process on SQLite and Postgres: it prints the URL with a token
 * made for the run (or takes TASKS_DASHBOARD_TOKEN), serves the overview to requests with the
 * token and refuses those without, logs an action with who did it (refused with --read-only),
 * and stops cleanly on SIGTERM and SIGINT.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DASHBOARD_TOKEN_ENV } from "../src/args/dashboard-args.js";
import type { TestDatabase } from "./helpers/databases.js";
import { DIALECTS } from "./helpers/dialects.js";
import { run, start, type Running } from "./helpers/spawn.js";
import { stopUsingDatabase, useDatabase } from "./helpers/tasks-db.js";
import { failTask } from "./fixtures/tasks.js";

/** Waits until the process prints the dashboard's URL; returns it. */
async function printedUrl(dashboard: Running): Promise<URL> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = /^Dashboard.*: (http:\/\/\S+)$/m.exec(dashboard.stdout);
    if (match) return new URL(match[1]!);
    if (dashboard.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`tasks dashboard printed no URL.\nstdout:\n${dashboard.stdout}\nstderr:\n${dashboard.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** GET of `url` (without its `?token=`), with the token as a Bearer header (or none). */
async function get(url: URL, token: string | null): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  target.searchParams.delete("token");
  const response = await fetch(target, { redirect: "manual", headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.text() };
}

/** POST of the dashboard's JSON API cancel of `id`, with the CSRF token an API GET hands out. */
async function cancelThroughApi(url: URL, token: string, id: string): Promise<{ status: number; body: string }> {
  const authorization = `Bearer ${token}`;
  const overview = await fetch(new URL("/api/overview", url), { headers: { authorization } });
  const csrf = overview.headers.get("x-csrf-token");
  expect(csrf, await overview.text()).toBeTruthy();
  const response = await fetch(new URL(`/api/tasks/${id}/cancel?backend=default`, url), { method: "POST", headers: { authorization, "x-csrf-token": csrf! } });
  return { status: response.status, body: await response.text() };
}

describe.each(DIALECTS)("tasks dashboard on $name", (dialect) => {
  let database: TestDatabase;
  let dashboard: Running | undefined;

  beforeEach(async (context) => {
    if (dialect.skip) context.skip(dialect.skip);
    database = await dialect.create();
    useDatabase(database);
  });

  afterEach(async (context) => {
    if (dialect.skip) return;
    if (dashboard && dashboard.child.exitCode === null) dashboard.child.kill("SIGKILL");
    await dashboard?.exited;
    dashboard = undefined;
    await stopUsingDatabase();
    await database.dispose(context.task.result?.state === "fail");
  });

  it("prints the URL with a token made for the run, serves the overview with it (200) and refuses requests without it (401), and stops on SIGTERM", async () => {
    const ready = await failTask.enqueue();
    dashboard = start("tasks", ["dashboard", "--port", "0"], { env: { ...database.env, [DASHBOARD_TOKEN_ENV]: "" } });
    const url = await printedUrl(dashboard);
    expect(url.hostname).toBe("127.0.0.1");
    const token = url.searchParams.get("token");
    expect(token).toMatch(/^[\w-]{32}$/);

    // Opening the printed URL signs the browser in: a cookie with the token, and the address without it.
    const signIn = await fetch(url, { redirect: "manual" });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get("location")).toBe("/");
    expect(signIn.headers.get("set-cookie")).toContain(`=${token}`);
    const overview = await get(url, token);
    expect(overview.status, overview.body).toBe(200);
    expect(overview.body).toContain('data-backend="default"');
    const list = await get(new URL(`/tasks?backend=default`, url), token);
    expect(list.status, list.body).toBe(200);
    expect(list.body).toContain(ready.id);

    expect((await get(url, null)).status).toBe(401);
    expect((await get(url, "not-the-token-at-all")).status).toBe(401);

    // An action through the JSON API is logged on standard output with who did it.
    const cancel = await cancelThroughApi(url, token!, ready.id);
    expect(cancel.status, cancel.body).toBe(200);
    expect(JSON.parse(cancel.body)).toMatchObject({ action: "cancel", count: 1 });
    await expect.poll(() => dashboard!.stdout).toMatch(new RegExp(`INFO +dashboard action user=token action=cancel backend=default ids=.*${ready.id}`));
    expect((await ready.refresh()).status).toBe("CANCELLED");

    dashboard.child.kill("SIGTERM");
    const exit = await dashboard.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout).toContain("Received SIGTERM: stopping the dashboard.");
    // The token is printed once, in the URL line only.
    expect(exit.stdout.split(token!).length - 1).toBe(1);
    await expect(fetch(url)).rejects.toThrow();
  });

  it("takes the token from TASKS_DASHBOARD_TOKEN without printing it, serves read-only with --read-only, and stops on SIGINT", async () => {
    const token = "a-token-chosen-by-the-operator";
    dashboard = start("tasks", ["dashboard", "--port", "0", "--read-only"], { env: { ...database.env, [DASHBOARD_TOKEN_ENV]: token } });
    const url = await printedUrl(dashboard);
    expect(url.searchParams.has("token")).toBe(false);
    expect(dashboard.stdout).not.toContain(token);
    expect(dashboard.stdout).toContain("(read-only)");

    const overview = await get(url, token);
    expect(overview.status, overview.body).toBe(200);
    expect(overview.body).toContain("read-only");
    expect((await get(url, null)).status).toBe(401);
    const ready = await failTask.enqueue();
    expect((await cancelThroughApi(url, token, ready.id)).status).toBe(403);
    expect((await ready.refresh()).status).toBe("READY");

    dashboard.child.kill("SIGINT");
    const exit = await dashboard.exited;
    expect(exit.code, exit.stderr).toBe(0);
  });
});

describe("tasks dashboard refuses", () => {
  it("a short TASKS_DASHBOARD_TOKEN before loading anything (exit 2)", async () => {
    const exit = await run("tasks", ["dashboard", "--port", "0"], { env: { [DASHBOARD_TOKEN_ENV]: "short" } });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain(`Invalid ${DASHBOARD_TOKEN_ENV}: the token must be at least 16 characters`);
  });

  it.each([
    [["--port", "65536"], "--port"],
    [["--port", "http"], "--port"],
    [["--host", ""], "--host"],
    [["--read-only=yes"], "--read-only"],
  ])("bad flags %j (exit 2, naming the flag)", async (args, flag) => {
    const exit = await run("tasks", ["dashboard", ...args]);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain(flag);
  });

  it("--help describes the flags and the token", async () => {
    const exit = await run("tasks", ["dashboard", "--help"]);
    expect(exit.code).toBe(0);
    for (const text of ["--port N", "--host HOST", "--read-only", "--config PATH", DASHBOARD_TOKEN_ENV]) expect(exit.stdout).toContain(text);
  });
});
