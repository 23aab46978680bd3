/**
 * The acceptance test of periodic tasks with real processes: db-worker processes started
 * together, one of them killed and replaced midway, run a schedule of one occurrence per
 * second for 30 s; the task tables must then hold one task per occurrence, none missing and
 * none doubled. Both dialects run at once to keep the wall time near 35 s.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "vitest";
import { DIALECTS } from "./helpers/dialects.js";
import { storedTasksNamed } from "./helpers/scheduled-rows.js";
import { start, type Running } from "./helpers/spawn.js";

/** From the moment all three workers have started to the stop of every worker. */
const RUN_MS = 30_000;
/** When the victim is killed and its replacement started. */
const KILL_AT_MS = 15_000;
/** Occurrences the window must hold at least (30 s of them, less the start-up). */
const MIN_OCCURRENCES = 25;
const WORKER_FLAGS = ["--config", "schedules.config.ts", "--no-startup-delay", "--interval", "0.2", "--log-format", "json"];

const isStarted = (line: Record<string, unknown>) => line.msg === "Worker started.";

describe.concurrent("a schedule every second, run by several db-worker processes", () => {
  it.for(DIALECTS)(
    "on $name: three workers, one killed with SIGKILL and replaced midway, make one task per occurrence for 30 s",
    { timeout: 90_000 },
    async (dialect, { skip, expect, onTestFailed }) => {
      if (dialect.skip) skip(dialect.skip);
      const database = await dialect.create();
      let failed = false;
      onTestFailed(() => {
        failed = true;
      });
      const workers: Running[] = [];
      const startWorker = (workerId: string) => {
        const worker = start("db-worker", [...WORKER_FLAGS, "--worker-id", workerId], { env: database.env });
        workers.push(worker);
        return worker;
      };
      try {
        const [first, victim, third] = ["w1", "w2", "w3"].map(startWorker) as [Running, Running, Running];
        await Promise.all([first, victim, third].map((worker) => worker.waitForLog(isStarted)));
        const begin = performance.now();
        await sleep(KILL_AT_MS - (performance.now() - begin));
        victim.child.kill("SIGKILL");
        const replacement = startWorker("w2-replacement");
        await replacement.waitForLog(isStarted);
        await sleep(RUN_MS - (performance.now() - begin));
        const survivors = [first, third, replacement];
        for (const worker of survivors) worker.child.kill("SIGTERM");
        for (const exit of await Promise.all(survivors.map((worker) => worker.exited))) expect(exit.code, exit.stderr).toBe(0);
        expect((await victim.exited).signal).toBe("SIGKILL");

        const stored = await storedTasksNamed(database, "cli.tick");
        expect(stored.filter((task) => task.scheduledFor === null), "tick tasks without scheduled_for").toEqual([]);
        const perOccurrence = new Map<number, number>();
        for (const task of stored) perOccurrence.set(task.scheduledFor!, (perOccurrence.get(task.scheduledFor!) ?? 0) + 1);
        const occurrences = [...perOccurrence.keys()].sort((a, b) => a - b);
        const firstAt = occurrences[0]!;
        const lastAt = occurrences.at(-1)!;
        expect(firstAt % 1_000, "occurrences fall on whole seconds").toBe(0);
        // Every second from the first occurrence to the last, each exactly once: a missing
        // second shows as a count of 0, a doubled one as 2.
        const expected: Array<[string, number]> = [];
        for (let at = firstAt; at <= lastAt; at += 1_000) expected.push([new Date(at).toISOString(), 1]);
        const actual = expected.map(([iso]): [string, number] => [iso, perOccurrence.get(Date.parse(iso)) ?? 0]);
        expect(actual).toEqual(expected);
        expect(stored).toHaveLength(expected.length);
        expect(expected.length).toBeGreaterThanOrEqual(MIN_OCCURRENCES);

        // Several processes raced for the occurrences (so the test exercised the concurrency).
        const enqueuers = new Set(
          workers.flatMap((worker) => worker.logLines.filter((line) => String(line.msg).startsWith('Schedule "cli.tick" enqueued')).map((line) => line.workerId)),
        );
        expect(enqueuers.size, `workers that enqueued occurrences: ${[...enqueuers].join(", ")}`).toBeGreaterThanOrEqual(2);
      } finally {
        for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
        await Promise.all(workers.map((worker) => worker.exited));
        await database.dispose(failed);
      }
    },
  );
});
