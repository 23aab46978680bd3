import { memoryBackend } from "@tasks/backend-memory";
import { describe, expectTypeOf, it } from "vitest";
import { defineConfig, type WorkerCliConfig } from "../src/index.js";

describe("defineConfig", () => {
  it("accepts a valid config and returns it as a WorkerCliConfig", () => {
    const config = defineConfig({
      backends: { default: { backend: memoryBackend(), queues: ["default", "emails"], maxAttempts: 3 } },
      tasks: ["./src/tasks.ts"],
      logLevel: "info",
    });
    expectTypeOf(config).toEqualTypeOf<WorkerCliConfig>();
  });

  it("rejects a misspelt top-level key at compile time", () => {
    defineConfig({
      backends: { default: memoryBackend() },
      // @ts-expect-error "task" is not a config key ("tasks" is).
      task: ["./src/tasks.ts"],
    });
  });

  it("rejects a misspelt key in a backend alias's settings at compile time", () => {
    defineConfig({
      // @ts-expect-error "queue" is not a backend setting ("queues" is).
      backends: { default: { backend: memoryBackend(), queue: ["default"] } },
      tasks: ["./src/tasks.ts"],
    });
  });

  it("rejects a log level that does not exist", () => {
    // @ts-expect-error "loud" is not a LogLevel.
    defineConfig({ backends: { default: memoryBackend() }, tasks: [], logLevel: "loud" });
  });
});
