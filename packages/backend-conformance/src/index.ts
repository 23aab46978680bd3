/**
 * @tasks/backend-conformance (private) — the behavioural suite every backend must pass.
 * Call {@link describeBackend} from a vitest test file of the backend's package.
 */
export { describeBackend } from "./describe.js";
export type { ConformanceFactory, ConformanceSetup, CapabilityName, Requirements } from "./harness.js";
