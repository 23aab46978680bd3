/** Helpers for worker tests on real backends: fault injection and waiting on real storage. */
import type { TaskBackend, TestClock } from "@tasks/core";

/**
 * The same backend with some operations replaced: fault injection around real storage
 * (every other operation goes to the real backend, bound to it).
 */
export function withOverrides(backend: TaskBackend, overrides: Partial<TaskBackend>): TaskBackend {
  const wrapped: Record<string, unknown> = { kind: backend.kind, capabilities: backend.capabilities };
  for (const key of ["enqueue", "claim", "heartbeat", "complete", "completeAtomically", "rescueExpired", "cancel", "deschedule", "get", "health", "prune", "close", "onTasksAvailable", "registerSchedules", "enqueueOccurrences", "listSchedules"] as const) {
    const original = backend[key] as ((...args: unknown[]) => unknown) | undefined;
    if (original) wrapped[key] = original.bind(backend);
  }
  return Object.assign(wrapped, overrides) as unknown as TaskBackend;
}

/** Polls `check` in real time until it returns true; fails naming `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Advances `clock` by `stepMs` at a time until `check` holds (at most `maxSteps` steps). */
export async function advanceUntil(clock: TestClock, what: string, check: () => Promise<boolean> | boolean, stepMs = 500, maxSteps = 400): Promise<void> {
  for (let step = 0; step < maxSteps; step++) {
    if (await check()) return;
    await clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`The clock advanced ${maxSteps * stepMs} ms but never ${what}.`);
}


/** Shaped like a query builder's error: the statement in the message, the driver's error as the cause. */
export function refusedQuery(operation: string): Error {
  const driver = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED", errno: -111, syscall: "connect" });
  return new Error(`Failed query: select "id" from "tasks_results" where "status" = 'READY' -- ${operation}\nparams: t-secret,2030-01-01`, { cause: driver });
}

/** The backend with every call a worker makes (claim, heartbeat, rescue, result write) failing while `down()` says so. */
export function failingWhile(backend: TaskBackend, down: () => boolean): TaskBackend {
  const guard =
    <P, R>(operation: string, call: (params: P) => Promise<R>) =>
    async (params: P): Promise<R> => {
      if (down()) throw refusedQuery(operation);
      return call(params);
    };
  return withOverrides(backend, {
    claim: guard("claim", (params) => backend.claim(params)),
    heartbeat: guard("heartbeat", (params) => backend.heartbeat(params)),
    rescueExpired: guard("rescueExpired", (params) => backend.rescueExpired(params)),
    complete: guard("complete", (params) => backend.complete(params)),
  });
}

/** Advances the clock `totalMs` in steps, letting real storage calls settle between steps. */
export async function advanceBy(clock: { advance(ms: number): Promise<void> }, totalMs: number, stepMs = 500): Promise<void> {
  for (let passed = 0; passed < totalMs; passed += stepMs) {
    await clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
