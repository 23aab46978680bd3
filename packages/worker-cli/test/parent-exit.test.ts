import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSqliteDatabase, type TestDatabase } from "./helpers/databases.js";
import { BINARIES, FIXTURES_DIR, Running } from "./helpers/spawn.js";
import { row, stopUsingDatabase, useDatabase } from "./helpers/tasks-db.js";
import { sleepTask } from "./fixtures/tasks.js";

const RECORD_EXIT = fileURLToPath(new URL("./helpers/record-exit.cjs", import.meta.url));

/** Waits until `check` is true, polling every 100 ms; false after `timeoutMs`. */
async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a worker started through a shell that does not forward signals (npx, npm exec, pnpm exec)", () => {
  let database: TestDatabase;
  let workerPid: number | undefined;

  beforeEach(async () => {
    database = await createSqliteDatabase();
    useDatabase(database);
  });

  afterEach(async (context) => {
    if (workerPid !== undefined && isAlive(workerPid)) process.kill(workerPid, "SIGKILL");
    workerPid = undefined;
    await stopUsingDatabase();
    await database.dispose(context.task.result?.state === "fail");
  });

  it("stops gracefully by itself when that shell is killed: the running task finishes and the worker exits 0", async () => {
    const result = await sleepTask.enqueue("orphan", 2_500);
    const exitFile = join(mkdtempSync(join(tmpdir(), "tasks-cli-exit-")), "code");
    const command = `"${process.execPath}" --require "${RECORD_EXIT}" "${BINARIES.tasks}" worker --no-startup-delay --interval 0.1 --log-format json; true`;
    // `; true` keeps sh waiting as the worker's parent, as npm's and npx's shells do.
    const shell = new Running(spawn("sh", ["-c", command], { cwd: FIXTURES_DIR, env: { ...process.env, ...database.env, TASKS_CLI_TEST_EXIT_FILE: exitFile }, stdio: ["ignore", "pipe", "pipe"] }));
    await shell.waitForLog((line) => line.msg === "Task started." && line.id === result.id);
    const shellPid = shell.child.pid as number;
    workerPid = Number(execFileSync("ps", ["-o", "pid=", "--ppid", String(shellPid)], { encoding: "utf8" }).trim());
    expect(workerPid).toBeGreaterThan(0);

    shell.child.kill("SIGTERM");
    expect(await waitFor(() => !isAlive(shellPid) || shell.child.exitCode !== null || shell.child.signalCode !== null, 5_000)).toBe(true);
    expect(isAlive(workerPid), "the worker outlives its shell, as under npx").toBe(true);

    expect(await waitFor(() => existsSync(exitFile) && !isAlive(workerPid as number), 10_000), `the worker did not exit by itself:\n${shell.stdout}\n${shell.stderr}`).toBe(true);
    expect(readFileSync(exitFile, "utf8")).toBe("0");
    const stopLines = shell.logLines.filter((line) => typeof line.msg === "string" && line.msg.includes("has exited, so no signal can reach the worker"));
    expect(stopLines).toHaveLength(1);
    expect(stopLines[0]?.msg).toContain(`(pid ${shellPid})`);
    expect(shell.logLines.find((line) => line.msg === "Task finished." && line.id === result.id)?.outcome).toBe("SUCCESSFUL");
    expect((await row(result.id))?.status).toBe("SUCCESSFUL");
  });
});
