/**
 * A real worker from @tasks/core over each dialect, with rows written by other code that
 * cannot be read sitting in the middle of its queue: the worker runs every good task, the
 * unreadable rows are set aside as FAILED with an error naming the column, their function never
 * runs, no claim fails, and rows of another queue are not touched.
 */
import { afterEach, describe, expect, it } from "vitest";
import { configureTasks, resetTasksConfiguration, task, unregisterTasks, Worker, type Logger } from "@tasks/core";
import { newTaskId } from "@tasks/core/backend";
import { newAlias, pgAvailable, usePostgresDialect, useSqliteDialect, type RawDialect, type RawValue } from "./helpers/raw-rows.js";

/** Unreadable rows per dialect: SQLite keeps any text; Postgres types its columns, but takes ±infinity as a time. */
const POISON: Record<RawDialect["name"], { values: Record<string, RawValue>; column: string }[]> = {
  sqlite: [
    { values: { args: "{not json" }, column: "args" },
    { values: { errors: "[{" }, column: "errors" },
    { values: { worker_ids: "nope" }, column: "worker_ids" },
    { values: { priority: "high" }, column: "priority" },
    { values: { max_attempts: "x" }, column: "max_attempts" },
  ],
  postgres: [
    { values: { run_after: "-infinity" }, column: "run_after" },
    { values: { enqueued_at: "-infinity" }, column: "enqueued_at" },
  ],
};

function describeWorker(name: RawDialect["name"], dialect: () => RawDialect): void {
  afterEach(() => {
    resetTasksConfiguration();
    unregisterTasks();
  });

  it("runs every good task and sets the unreadable rows aside, with no failed claim", async () => {
    const d = dialect();
    const alias = newAlias();
    const logged: string[] = [];
    const note = (level: string) => (message: string) => void logged.push(`${level}: ${message}`);
    const logger: Logger = { debug() {}, info() {}, warn: note("warn"), error: note("error") };
    configureTasks({ backends: { default: { backend: d.backend, queues: [] }, [alias]: { backend: d.backend, queues: [] } }, logger });
    const ran: number[] = [];
    let poisonRan = 0;
    const good = task({ name: "poison.good", backend: alias }, async (n: number) => {
      ran.push(n);
      return n;
    });
    task({ name: "poison.bad", backend: alias }, async () => {
      poisonRan++;
    });

    const results = [];
    const poison: { id: string; column: string }[] = [];
    for (const [index, entry] of POISON[name].entries()) {
      results.push(await good.enqueue(index * 2), await good.enqueue(index * 2 + 1));
      const now = new Date();
      const id = await d.insert(alias, { id: newTaskId(now.getTime()), task_name: "poison.bad", runnable_at: now, enqueued_at: now, ...entry.values });
      poison.push({ id, column: entry.column });
    }
    results.push(await good.enqueue(100));
    const bystander = await good.using({ queueName: "bystander" }).enqueue(-1);
    const bystanderRow = await d.row(bystander.id);

    const worker = new Worker({ backend: alias, queues: ["default"], concurrency: 2, pollIntervalMs: 20, logger });
    const run = worker.run();
    try {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const statuses = await Promise.all(results.map(async (result) => (await result.refresh()).status));
        if (statuses.every((status) => status === "SUCCESSFUL")) break;
        if (Date.now() > deadline) throw new Error(`good tasks did not finish: ${statuses.join(", ")}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      worker.stop();
      await run;
    }

    expect(ran.sort((a, b) => a - b)).toEqual(results.map((_, index) => (index === results.length - 1 ? 100 : index)));
    expect(poisonRan).toBe(0);
    for (const { id, column } of poison) {
      const record = await d.backend.get({ backend: alias, id });
      expect(record?.status, column).toBe("FAILED");
      expect(record?.errors.at(-1)?.className).toBe("UnreadableTaskRowError");
      expect(record?.errors.at(-1)?.message).toContain(`column "${column}"`);
    }
    expect(await d.row(bystander.id)).toEqual(bystanderRow);
    expect(logged.filter((line) => /claim/i.test(line))).toEqual([]);
    const health = await d.backend.health({ backend: alias, now: new Date(), recentFailures: 20 });
    expect(health.queues.default?.FAILED).toBe(poison.length);
  }, 30_000);
}

describe("a worker over SQLite with unreadable rows in its queue", () => {
  describeWorker("sqlite", useSqliteDialect());
});

describe.skipIf(!pgAvailable)("a worker over Postgres with unreadable rows in its queue", () => {
  describeWorker("postgres", usePostgresDialect());
});
