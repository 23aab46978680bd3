import { sharedTestConfig } from "../../vitest.shared.js";

// The suite runs from the backend packages (see README.md); this package has no tests of its own.
export default sharedTestConfig(import.meta.dirname, { passWithNoTests: true });
