/**
 * The shared set-up of the worker behaviour tests: the backend under test (opened once per
 * file), a fresh alias and TestClock per test, workers started for the test and stopped
 * (forcibly) after it.
 */
import {
  configureTasks,
  consoleLogger,
  resetTasksConfiguration,
  silentLogger,
  taskEvents,
  TestClock,
  unregisterTasks,
  Worker,
  type TaskBackend,
  type TaskResult,
  type TaskTelemetry,
  type WorkerOptions,
} from "@tasks/core";
import { afterAll, afterEach, beforeAll } from "vitest";

/** The backend under test and how to release it. */
export interface WorkerSuiteFactory {
  (): Promise<{ backend: TaskBackend; close: () => Promise<void> }>;
}

/** What one test gets from {@link WorkerTestContext.setUp}. */
export interface WorkerTestSetup {
  readonly alias: string;
  readonly clock: TestClock;
  readonly backend: TaskBackend;
}

/** Hooks and helpers shared by the worker behaviour tests of one backend. */
export interface WorkerTestContext {
  /** Configures a fresh alias on the backend under test, with a new TestClock. */
  setUp(settings?: { maxAttempts?: number; leaseMs?: number; start?: Date; telemetry?: TaskTelemetry }): WorkerTestSetup;
  /** Starts a worker on the test's alias (stopped after the test). */
  startWorker(options?: WorkerOptions): Worker;
  /** The task's status after reading it again. */
  statusOf(result: TaskResult<unknown>): Promise<string>;
  /** Runs of the workers started in this test. */
  readonly runs: Promise<unknown>[];
  /** Workers started in this test. */
  readonly workers: Worker[];
}

let aliasCounter = 0;

/** Registers the hooks (call inside a describe) and returns the context. */
export function useWorkerContext(factory: WorkerSuiteFactory): WorkerTestContext {
  let backend: TaskBackend;
  let close: () => Promise<void>;
  let current: WorkerTestSetup | null = null;
  const workers: Worker[] = [];
  const runs: Promise<unknown>[] = [];

  beforeAll(async () => {
    ({ backend, close } = await factory());
  });
  afterAll(async () => {
    await close();
  });
  afterEach(async () => {
    for (const worker of workers) worker.stop({ force: true });
    await current?.clock.advance(60_000);
    await Promise.allSettled(runs);
    workers.length = 0;
    runs.length = 0;
    current = null;
    taskEvents.clear();
    resetTasksConfiguration();
    unregisterTasks();
  });

  return {
    runs,
    workers,
    setUp(settings = {}) {
      const clock = new TestClock(settings.start ?? Date.UTC(2030, 0, 1));
      const alias = `w${process.pid}-${++aliasCounter}-${Math.random().toString(36).slice(2, 8)}`;
      unregisterTasks();
      configureTasks({
        backends: {
          default: { backend, queues: [] },
          [alias]: { backend, queues: [], leaseMs: settings.leaseMs ?? 15_000, ...(settings.maxAttempts ? { maxAttempts: settings.maxAttempts } : {}) },
        },
        clock,
        logger: process.env.TASKS_TEST_DEBUG ? consoleLogger("debug") : silentLogger,
        ...(settings.telemetry ? { telemetry: settings.telemetry } : {}),
      });
      current = { alias, clock, backend };
      return current;
    },
    startWorker(options = {}) {
      if (!current) throw new Error("Call setUp() before startWorker().");
      const worker = new Worker({ backend: current.alias, queues: "*", pollIntervalMs: 1_000, ...options });
      workers.push(worker);
      runs.push(worker.run());
      return worker;
    },
    async statusOf(result) {
      return (await result.refresh()).status;
    },
  };
}
