import { readFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeTasks, configureTasks, getBackend, systemClock, type Clock } from "@tasks/core";
import type { TestDatabase } from "./databases.js";

/** Configures core in the test process on `database` (any queue name allowed), optionally with a shifted clock. */
export function useDatabase(database: TestDatabase, clock: Clock = systemClock): void {
  configureTasks({ backends: { default: { backend: database.backend(), queues: [] } }, clock });
}

/** A clock `ms` in the past that sleeps in real time, to write rows with old timestamps. */
export function clockAgo(ms: number): Clock {
  return { now: () => new Date(Date.now() - ms), sleep: (delay, signal) => systemClock.sleep(delay, signal) };
}

/** Closes the test process's backends. */
export async function stopUsingDatabase(): Promise<void> {
  await closeTasks();
}

/** The stored row of `id` in the configured default backend, or null. */
export async function row(id: string) {
  const resolved = getBackend();
  return resolved.backend.get({ backend: resolved.alias, id });
}

/** A fresh marks file (see test/fixtures/tasks.ts) and a reader for its lines. */
export function marksFile(): { path: string; labels(): string[] } {
  const path = join(mkdtempSync(join(tmpdir(), "tasks-cli-marks-")), "marks.txt");
  return {
    path,
    labels: () => (existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean).map((line) => line.split(" ")[0] as string) : []),
  };
}
