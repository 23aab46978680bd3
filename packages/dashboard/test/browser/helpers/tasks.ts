/**
 * The tasks the browser scenario enqueues, and the worker that runs them in the test process.
 * The worker takes the `default` queue only, so tasks on the `held` and `inert` queues stay
 * READY for the cancel and escaping checks.
 */
import { silentLogger, task, Worker, type WorkerSummary } from "@tasks/core";

/** The queue whose READY task the scenario cancels. */
export const HELD_QUEUE = "held";
/** The queue of the task whose argument holds a script element. */
export const INERT_QUEUE = "inert";

/** Succeeds with a greeting. */
export const greet = task({ name: "browser.greet" }, async (name: string) => ({ greeting: `hello ${name}` }));

/** Thrown by the first attempt of {@link reserveStock}. */
export class WarehouseOfflineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WarehouseOfflineError";
  }
}

/**
 * Fails its first attempt (one attempt allowed, so the task ends FAILED with this stack) and
 * succeeds on any later one: a retry from the dashboard is attempt 2.
 */
export const reserveStock = task({ name: "browser.reserveStock", takesContext: true, maxAttempts: 1 }, async function reserveStockAttempt(context, sku: string) {
  if (context.attempt === 1) throw new WarehouseOfflineError(`warehouse offline while reserving ${sku}`);
  return { reserved: sku, attempt: context.attempt };
});

/** Never run by the test worker (its queue is not taken): stays READY until cancelled. */
export const heldTask = task({ name: "browser.held", queueName: HELD_QUEUE }, async (label: string) => label);

/** Never run: its arguments are what the escaping check renders. */
export const echo = task({ name: "browser.echo", queueName: INERT_QUEUE }, async (value: string) => value);

/** Runs the `default` queue until nothing is runnable there, then returns the summary. */
export function runWorkerUntilIdle(): Promise<WorkerSummary> {
  return new Worker({ queues: ["default"], batch: true, pollIntervalMs: 50, schedules: false, workerId: "browser-test-worker", logger: silentLogger }).run();
}
