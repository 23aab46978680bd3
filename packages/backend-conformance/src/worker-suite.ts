/**
 * Worker behaviour on a real backend: retries at backoff times, rescue of expired leases,
 * guarded late completions, timeouts, cancel, graceful and forced stop, batch mode and
 * limits, claims only of registered task names, how a storage outage is logged, storage calls that
 * never settle, a worker that lost touch with storage (forced stop, leases run out), and
 * periodic tasks (schedules), and OpenTelemetry traces and metrics. Time is a TestClock; storage calls run for real, so every wait is
 * "advance the clock, then wait (briefly, in real time) until the backend shows the state".
 */
import { describe } from "vitest";
import { useWorkerContext, type WorkerSuiteFactory } from "./worker-context.js";
import { hungCallTests } from "./worker-tests-hung-calls.js";
import { lostTouchTests } from "./worker-tests-lost-touch.js";
import { outageTests } from "./worker-tests-outage.js";
import { retryLeaseAndSlotTests } from "./worker-tests-retries.js";
import { scheduleWorkerTests } from "./worker-tests-schedules.js";
import { telemetryWorkerTests } from "./worker-tests-telemetry.js";
import { stopLimitAndEventTests } from "./worker-tests-stopping.js";
import { taskNameWorkerTests } from "./worker-tests-task-names.js";

export type { WorkerSuiteFactory } from "./worker-context.js";
export { advanceBy, advanceUntil, eventually, failingWhile, withOverrides } from "./worker-helpers.js";

/** Registers the worker behaviour tests for one backend. */
export function describeWorkerBehaviour(name: string, factory: WorkerSuiteFactory): void {
  describe(`${name}: worker behaviour`, () => {
    const context = useWorkerContext(factory);
    retryLeaseAndSlotTests(context);
    stopLimitAndEventTests(context);
    taskNameWorkerTests(context);
    outageTests(context);
    hungCallTests(context);
    lostTouchTests(context);
    scheduleWorkerTests(context);
    telemetryWorkerTests(context);
  });
}
