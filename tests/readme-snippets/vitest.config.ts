import { sharedTestConfig } from "../../vitest.shared.js";

// Snippets marked to run start a tsx process each; the type-check builds one program for all.
export default sharedTestConfig(import.meta.dirname, { testTimeout: 60_000, hookTimeout: 120_000 });
