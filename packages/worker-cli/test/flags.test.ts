import { describe, expect, it } from "vitest";
import { run, type Binary } from "./helpers/spawn.js";

/** [binary, args, flag the message must name]. Flags are checked before the config is loaded. */
const INVALID: ReadonlyArray<readonly [Binary, string[], string]> = [
  ["db-worker", ["--concurrency", "0"], "--concurrency"],
  ["db-worker", ["--concurrency", "2.5"], "--concurrency"],
  ["db-worker", ["--concurrency", "ten"], "--concurrency"],
  ["db-worker", ["--interval", "0"], "--interval"],
  ["db-worker", ["--interval", "-1"], "--interval"],
  ["db-worker", ["--interval", "soon"], "--interval"],
  ["db-worker", ["--max-tasks", "0"], "--max-tasks"],
  ["db-worker", ["--max-tasks", "x"], "--max-tasks"],
  ["db-worker", ["--duration", "0"], "--duration"],
  ["db-worker", ["--duration", "1y"], "--duration"],
  ["db-worker", ["--worker-id", ""], "--worker-id"],
  ["db-worker", ["--worker-id", "w".repeat(65)], "--worker-id"],
  ["db-worker", ["--backend", ""], "--backend"],
  ["db-worker", ["--shutdown-timeout", "-5"], "--shutdown-timeout"],
  ["db-worker", ["--log-level", "loud"], "--log-level"],
  ["db-worker", ["--log-format", "xml"], "--log-format"],
  ["db-worker", ["--log-file", ""], "--log-file"],
  ["db-worker", ["--queue", "a,,b"], "--queue"],
  ["db-worker", ["--queue", "*,a"], "--queue"],
  ["db-worker", ["--exclude-queue", "a"], "--exclude-queue"],
  ["db-worker", ["--queue", "*", "--exclude-queue", "*"], "--exclude-queue"],
  ["db-worker", ["--config", ""], "--config"],
  ["db-worker", ["--config", "no-such-file.ts"], "--config"],
  ["db-worker", ["--queue"], "--queue"],
  ["db-worker", ["--batch=yes"], "--batch"],
  ["db-worker", ["--no-such-flag"], "--no-such-flag"],
  ["prune", ["--keep", "7"], "--keep"],
  ["prune", ["--keep", "seven days"], "--keep"],
  ["prune", ["--keep-failed", "-1d"], "--keep-failed"],
  ["prune", ["--batch-size", "0"], "--batch-size"],
  ["prune", ["--queue", ","], "--queue"],
  ["prune", ["--backend", ""], "--backend"],
  ["prune", ["--dry-run=1"], "--dry-run"],
  ["tasks", ["worker", "--concurrency", "-3"], "--concurrency"],
  ["tasks", ["prune", "--keep", "7"], "--keep"],
  ["tasks", ["migrate", "--check=yes"], "--check"],
  ["tasks", ["migrate", "--keep", "7d"], "--keep"],
  ["tasks", ["status", "--failures", "many"], "--failures"],
  ["tasks", ["status", "--json=1"], "--json"],
];

describe("invalid flags", () => {
  it("every invalid flag value exits 2 with a message naming the flag", async () => {
    const failures: string[] = [];
    for (let i = 0; i < INVALID.length; i += 6) {
      await Promise.all(
        INVALID.slice(i, i + 6).map(async ([binary, args, flag]) => {
          const exit = await run(binary, args);
          const named = exit.stderr.includes(flag) || exit.stderr.includes(`'${flag}`);
          const hint = exit.stderr.includes(binary === "tasks" ? `Run "tasks ${args[0] ?? ""} --help"` : `Run "${binary} --help"`);
          if (exit.code !== 2 || !named || !hint) failures.push(`${binary} ${args.join(" ")} → code ${exit.code}, stderr: ${exit.stderr.trim()}`);
        }),
      );
    }
    expect(failures).toEqual([]);
  }, 240_000); // ~40 processes, each starting node and tsx (this repository runs the CLI from its TypeScript sources)
});
