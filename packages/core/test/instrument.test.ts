import { describe, expect, it } from "vitest";
import { instrumentBackend } from "../src/instrument.js";
import { unreachableBackend } from "./helpers.js";
import type { Logger } from "../src/logger.js";

describe("instrumented backend calls", () => {
  it("logs each call with its duration, and failures with the error, then rethrows", async () => {
    const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
    const logger: Logger = {
      debug: (message, fields) => void lines.push(["debug", message, fields]),
      info: (message, fields) => void lines.push(["info", message, fields]),
      warn: (message, fields) => void lines.push(["warn", message, fields]),
      error: (message, fields) => void lines.push(["error", message, fields]),
    };
    const backend = instrumentBackend(unreachableBackend(), "primary", () => logger);
    await expect(backend.get({ backend: "primary", id: "x" })).rejects.toThrow("storage must not be reached");
    await backend.close();
    expect(lines.map(([level, message]) => `${level}: ${message}`)).toEqual(["debug: Storage call get failed.", "debug: Storage call close."]);
    expect(lines[0]?.[2]).toMatchObject({ backend: "primary", kind: "unreachable", error: "Error: storage must not be reached" });
    expect(typeof lines[1]?.[2]?.ms).toBe("number");
    expect(backend.capabilities).toEqual(unreachableBackend().capabilities);
  });
});
