import { sharedTestConfig } from "../../vitest.shared.js";

// The demo runs for a few seconds per database, in a child process.
export default sharedTestConfig(import.meta.dirname, { testTimeout: 120_000 });
