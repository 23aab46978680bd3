/**
 * DEP 0014 validates a task's backend alias at definition and at using(). Tasks are often
 * defined when their module is imported, before configureTasks() runs, so the alias is
 * checked once backends are configured and always again at enqueue.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configureTasks, InvalidTaskBackendError, resetTasksConfiguration, task, unregisterTasks } from "../src/index.js";
import { unreachableBackend } from "./helpers.js";

const UNKNOWN_NOPE = 'Unknown task backend alias "nope" for task "emails.send" (using()). Configured aliases: default, reports. Add "nope" to configureTasks({ backends }) or use one of those aliases.';

beforeEach(() => {
  unregisterTasks();
  configureTasks({ backends: { default: unreachableBackend(), reports: unreachableBackend() } });
});
afterEach(() => resetTasksConfiguration());

describe("backend alias validation", () => {
  it("using() throws InvalidTaskBackendError at once for an unknown alias, naming it", () => {
    const send = task({ name: "emails.send" }, () => 1);
    expect(() => send.using({ backend: "nope" })).toThrow(InvalidTaskBackendError);
    expect(() => send.using({ backend: "nope" })).toThrow(UNKNOWN_NOPE);
  });

  it("using() accepts a configured alias and the copy uses it", () => {
    const send = task({ name: "emails.send" }, () => 1);
    expect(send.using({ backend: "reports" }).backend).toBe("reports");
  });

  it("task() throws at definition for an unknown alias once backends are configured", () => {
    expect(() => task({ name: "reports.build", backend: "nope" }, () => 1)).toThrow(InvalidTaskBackendError);
    expect(() => task({ name: "reports.build", backend: "nope" }, () => 1)).toThrow(
      'Unknown task backend alias "nope" for task "reports.build" (definition). Configured aliases: default, reports.',
    );
  });

  it("before configureTasks(), definition and using() accept any alias and enqueue checks it", async () => {
    resetTasksConfiguration();
    const early = task({ name: "early", backend: "later" }, () => 1);
    const moved = early.using({ backend: "nope" });
    configureTasks({ backends: { default: unreachableBackend(), later: unreachableBackend() } });
    await expect(moved.enqueue()).rejects.toThrow(InvalidTaskBackendError);
    await expect(moved.enqueue()).rejects.toThrow('Unknown task backend alias "nope". Configured aliases: default, later.');
    // The alias from the definition is now configured, so a using() copy of it validates.
    expect(early.using({ priority: 1 }).backend).toBe("later");
  });
});
