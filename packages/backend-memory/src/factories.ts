import { MemoryBackend } from "./backend.js";

/** A memory backend where workers claim and run tasks (full semantics). */
export function memoryBackend(): MemoryBackend {
  return new MemoryBackend({ mode: "worker" });
}

/** DEP 0014's dummy backend: stores tasks (deferral included), never runs them; see `results`. */
export function dummyBackend(): MemoryBackend {
  return new MemoryBackend({ mode: "dummy" });
}

/** DEP 0014's immediate backend: each task runs inside `enqueue`; `runAfter` is not supported. */
export function immediateBackend(): MemoryBackend {
  return new MemoryBackend({ mode: "immediate" });
}
