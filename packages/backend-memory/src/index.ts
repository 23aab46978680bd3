/**
 * @tasks/backend-memory — task storage in process memory, with the full semantics of
 * `@tasks/core`, plus DEP 0014's dummy and immediate modes.
 */
export { MemoryBackend } from "./backend.js";
export type { MemoryBackendOptions } from "./backend.js";
export type { MemoryMode } from "./modes.js";
export { memoryBackend, dummyBackend, immediateBackend } from "./factories.js";
