/**
 * A batch run (a cron job nobody watches) whose claims keep failing with an error no retry can
 * fix ends with that error; a long-running worker keeps retrying, since someone may fix the
 * database while it waits. The backend is a real TaskBackend whose storage is unusable.
 */
import { afterEach, describe, expect, it } from "vitest";
import { configureTasks, resetTasksConfiguration } from "../src/config.js";
import { silentLogger } from "../src/logger.js";
import { task } from "../src/task.js";
import { unregisterTasks } from "../src/registry.js";
import { Worker } from "../src/worker/worker.js";
import { codedError } from "./store-backend.js";
import { unreachableBackend } from "./helpers.js";

/** Storage whose every call fails with `error`; counts the claims. */
function brokenStorage(error: () => Error) {
  let claims = 0;
  const fail = async (): Promise<never> => {
    throw error();
  };
  const backend = {
    ...unreachableBackend(),
    kind: "broken",
    claim: async () => {
      claims++;
      return fail();
    },
    heartbeat: fail,
    rescueExpired: fail,
  };
  return { backend, claims: () => claims };
}

describe("permanent storage errors", () => {
  afterEach(() => {
    unregisterTasks();
    resetTasksConfiguration();
  });

  it("end a batch run after three claims in a row, naming the driver's error", async () => {
    const storage = brokenStorage(() => codedError('database "gone" does not exist', "3D000"));
    configureTasks({ backends: { default: { backend: storage.backend } }, logger: silentLogger });
    task({ name: "permanent.noop" }, () => null);
    const run = new Worker({ batch: true, concurrency: 1, pollIntervalMs: 10, logger: silentLogger }).run();
    await expect(run).rejects.toThrow(/The batch run stopped: claiming failed 3 times in a row with an error no retry can fix \(database "gone" does not exist \(3D000\)\)/);
    expect(storage.claims()).toBe(3);
  });

  it("do not end a batch run when they are transient (a restart), nor a long-running worker", async () => {
    for (const [batch, code] of [
      [true, "57P03"],
      [false, "3D000"],
    ] as const) {
      const storage = brokenStorage(() => codedError("unusable", code));
      configureTasks({ backends: { default: { backend: storage.backend } }, logger: silentLogger });
      task({ name: "permanent.noop" }, () => null);
      const worker = new Worker({ batch, pollIntervalMs: 10, logger: silentLogger });
      const run = worker.run();
      const deadline = Date.now() + 10_000;
      while (storage.claims() < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(storage.claims(), `batch ${batch}, ${code}`).toBeGreaterThanOrEqual(5);
      worker.stop();
      await expect(run).resolves.toMatchObject({ stoppedBy: "signal" });
      unregisterTasks();
      resetTasksConfiguration();
    }
  });
});
