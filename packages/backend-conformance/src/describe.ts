import { afterAll, beforeAll, describe } from "vitest";
import { Harness, type ConformanceFactory } from "./harness.js";
import { atomicSuite } from "./suites/atomic.js";
import { badInputSuite } from "./suites/bad-input.js";
import { browseSuite } from "./suites/browse.js";
import { cancelSuite } from "./suites/cancel.js";
import { claimSuite } from "./suites/claim.js";
import { completeSuite } from "./suites/complete.js";
import { coreApiSuite } from "./suites/core-api.js";
import { enqueueSuite } from "./suites/enqueue.js";
import { healthSuite } from "./suites/health.js";
import { leaseSuite } from "./suites/leases.js";
import { pruneSuite } from "./suites/prune.js";
import { raceSuite } from "./suites/race.js";
import { scheduleSuite } from "./suites/schedules.js";
import { storageCheckSuite } from "./suites/storage-check.js";
import { taskNameSuite } from "./suites/task-names.js";
import { traceContextSuite } from "./suites/trace-context.js";
import { uniqueSuite } from "./suites/unique.js";

/**
 * Registers the shared behavioural suite for one backend. `factory` runs once, in
 * `beforeAll`; its `close` runs in `afterAll`. Every test uses its own backend alias, so
 * tests never see each other's rows. Tests a backend cannot pass by design are skipped by
 * its declared capability flags only.
 *
 * @example
 * describeBackend("memory", async () => {
 *   const backend = memoryBackend();
 *   return { backend, close: () => backend.close() };
 * });
 */
export function describeBackend(name: string, factory: ConformanceFactory): void {
  describe(`backend conformance: ${name}`, () => {
    const harness = new Harness();
    beforeAll(async () => {
      harness.setup = await factory();
    });
    afterAll(async () => {
      if (!harness.ready) return; // the factory failed; its error is already reported
      try {
        await harness.setup.close();
      } finally {
        harness.setup = null;
      }
    });
    enqueueSuite(harness);
    claimSuite(harness);
    completeSuite(harness);
    atomicSuite(harness);
    leaseSuite(harness);
    cancelSuite(harness);
    uniqueSuite(harness);
    healthSuite(harness);
    taskNameSuite(harness);
    pruneSuite(harness);
    raceSuite(harness);
    scheduleSuite(harness);
    browseSuite(harness);
    traceContextSuite(harness);
    coreApiSuite(harness);
    storageCheckSuite(harness);
    badInputSuite(harness);
  });
}
