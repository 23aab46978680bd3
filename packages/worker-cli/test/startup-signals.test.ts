import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteDatabase, type TestDatabase } from "./helpers/databases.js";
import { BINARIES, FIXTURES_DIR, Running, type Exit } from "./helpers/spawn.js";

const SIGNAL_READY = fileURLToPath(new URL("./helpers/signal-ready.cjs", import.meta.url));

/**
 * A `tasks worker` that reports (on fd 3) each moment a SIGTERM listener is added. `ready`
 * resolves at the first (the launcher's early catcher), and fails unless that was before the
 * slow part of start-up (tsx, then the CLI); `commandHandles` resolves at the second (the
 * worker command's own handling, installed before it loads the config).
 */
function startWorker(
  env: Record<string, string>,
  args: readonly string[] = [],
): { running: Running; ready: Promise<void>; commandHandles: Promise<void> } {
  const child = spawn(process.execPath, ["--require", SIGNAL_READY, BINARIES.tasks, "worker", "--log-format", "json", ...args], {
    cwd: FIXTURES_DIR,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  const marks = createInterface({ input: child.stdio[3] as Readable });
  const exitedEarly = () => new Error("The worker exited before handling signals.");
  const ready = new Promise<void>((resolve, reject) => {
    marks.on("line", (line) => {
      const { added, tsxRegistered } = JSON.parse(line) as { added: number; tsxRegistered: boolean };
      if (added !== 1) return;
      if (tsxRegistered) reject(new Error("The worker first handled SIGTERM only after loading tsx: a signal before then would kill it."));
      else resolve();
    });
    child.once("close", () => reject(exitedEarly()));
  });
  const commandHandles = new Promise<void>((resolve, reject) => {
    marks.on("line", (line) => {
      if ((JSON.parse(line) as { added: number }).added === 2) resolve();
    });
    child.once("close", () => reject(exitedEarly()));
  });
  ready.catch(() => {});
  commandHandles.catch(() => {});
  return { running: new Running(child), ready, commandHandles };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A clean stop during start-up: exit 0, no claim, no stack. */
function expectCleanStop(exit: Exit, label: string): void {
  const detail = `${label}\nstdout:\n${exit.stdout}\nstderr:\n${exit.stderr}`;
  expect(exit.signal, detail).toBeNull();
  expect(exit.code, detail).toBe(0);
  expect(exit.stdout, detail).not.toContain("Worker started.");
  expect(exit.stderr, detail).toBe("");
}

describe("signals while a worker starts", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createSqliteDatabase();
  });

  afterAll(async () => {
    await database.dispose();
  });

  it("a SIGTERM at any moment of start-up ends it with exit 0 before any claim", async () => {
    // 0 ms: as soon as the launcher handles signals (before tsx, the CLI and the config load);
    // later moments land in loading the CLI, the config and the backend, the start-up check,
    // and the random start-up delay.
    const moments = [0, 100, 300, 600];
    const exits = await Promise.all(
      moments.map(async (afterMs) => {
        const { running, ready } = startWorker(database.env);
        await ready;
        await sleep(afterMs);
        running.child.kill("SIGTERM");
        return [afterMs, await running.exited] as const;
      }),
    );
    for (const [afterMs, exit] of exits) expectCleanStop(exit, `SIGTERM ${afterMs} ms after the launcher started`);
  }, 120_000);

  it("a SIGINT during start-up ends it with exit 0 too", async () => {
    const { running, ready } = startWorker(database.env);
    await ready;
    await sleep(200);
    running.child.kill("SIGINT");
    expectCleanStop(await running.exited, "SIGINT 200 ms after the launcher started");
  }, 60_000);

  it("a second signal during start-up exits at once with 143 (SIGTERM) or 130 (SIGINT)", async () => {
    const cases = [
      ["SIGTERM", 0, 143],
      ["SIGTERM", 500, 143],
      ["SIGINT", 0, 130],
      ["SIGINT", 500, 130],
    ] as const;
    const exits = await Promise.all(
      cases.map(async ([signal, afterMs, code]) => {
        const { running, ready } = startWorker(database.env);
        await ready;
        await sleep(afterMs);
        running.child.kill(signal);
        await sleep(50);
        running.child.kill(signal);
        return [signal, afterMs, code, await running.exited] as const;
      }),
    );
    for (const [signal, afterMs, code, exit] of exits) {
      const detail = `${signal} twice from ${afterMs} ms\nstdout:\n${exit.stdout}\nstderr:\n${exit.stderr}`;
      expect(exit.code, detail).toBe(code);
      expect(exit.stdout, detail).not.toContain("Worker started.");
      expect(`${exit.stdout}${exit.stderr}`, detail).toContain("again while starting");
    }
  }, 120_000);

  it("a second signal while the config loads (no logger yet) still says why it exits", async () => {
    const exits = await Promise.all(
      (["SIGTERM", "SIGINT"] as const).map(async (signal) => {
        const { running, commandHandles } = startWorker(database.env, ["--config", "slow-load.config.ts"]);
        // The command handles signals from here, and the config takes two seconds to load.
        await commandHandles;
        running.child.kill(signal);
        await sleep(50);
        running.child.kill(signal);
        return [signal, await running.exited] as const;
      }),
    );
    for (const [signal, exit] of exits) {
      const detail = `${signal} twice while the config loads\nstdout:\n${exit.stdout}\nstderr:\n${exit.stderr}`;
      expect(exit.code, detail).toBe(signal === "SIGTERM" ? 143 : 130);
      expect(exit.stdout, detail).toBe("");
      expect(exit.stderr, detail).toContain(`received ${signal} again while starting; exiting at once (no task was claimed).`);
    }
  }, 60_000);
});
