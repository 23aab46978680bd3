import { describe, expect, it } from "vitest";
import { migrateHelp } from "../src/args/migrate-args.js";
import { pruneHelp } from "../src/args/prune-args.js";
import { schedulesHelp } from "../src/args/schedules-args.js";
import { statusHelp } from "../src/args/status-args.js";
import { workerHelp } from "../src/args/worker-args.js";
import { run, type Binary } from "./helpers/spawn.js";

/**
 * [binary, args, flag the message must name, text the message must also contain]. Flags are
 * checked before the config is loaded, so none of these connects to a database (prune's
 * bad values against a real database: test/prune-bounds.test.ts).
 */
const INVALID: ReadonlyArray<readonly [Binary, string[], string, string?]> = [
  ["db-worker", ["--concurrency", "0"], "--concurrency", "at least 1"],
  ["db-worker", ["--concurrency", "2.5"], "--concurrency"],
  ["db-worker", ["--concurrency", "ten"], "--concurrency"],
  ["db-worker", ["--interval", "0"], "--interval", "above 0 and at most 24h"],
  ["db-worker", ["--interval", "-1"], "--interval"],
  ["db-worker", ["--interval", "soon"], "--interval"],
  ["db-worker", ["--interval", "30d"], "--interval", "above 0 and at most 24h"],
  ["db-worker", ["--interval", "86401"], "--interval", "(got 1d1s)"],
  ["db-worker", ["--max-tasks", "0"], "--max-tasks"],
  ["db-worker", ["--max-tasks", "x"], "--max-tasks"],
  ["db-worker", ["--duration", "0"], "--duration", "above 0 and at most 24d"],
  ["db-worker", ["--duration", "1y"], "--duration"],
  ["db-worker", ["--duration", "30d"], "--duration", 'Invalid value "30d" for --duration: give a time above 0 and at most 24d'],
  ["db-worker", ["--duration", "2592000"], "--duration", "(got 30d)"],
  ["db-worker", ["--worker-id", ""], "--worker-id"],
  ["db-worker", ["--worker-id", "w".repeat(65)], "--worker-id", "at most 64 characters"],
  ["db-worker", ["--backend", ""], "--backend"],
  ["db-worker", ["--shutdown-timeout", "-5"], "--shutdown-timeout"],
  ["db-worker", ["--shutdown-timeout", "30d"], "--shutdown-timeout", "from 0 to 24h"],
  ["db-worker", ["--startup-timeout", "2h"], "--startup-timeout", "from 0 to 1h"],
  ["db-worker", ["--startup-timeout", "later"], "--startup-timeout"],
  ["db-worker", ["--log-level", "loud"], "--log-level", "debug, info, warn, error, silent"],
  ["db-worker", ["--log-format", "xml"], "--log-format", "pretty or json"],
  ["db-worker", ["--log-file", ""], "--log-file"],
  ["db-worker", ["--queue", "a,,b"], "--queue"],
  ["db-worker", ["--queue", "*,a"], "--queue"],
  ["db-worker", ["--queue", "q".repeat(256)], "--queue", "at most 255 characters"],
  ["db-worker", ["--exclude-queue", "a"], "--exclude-queue"],
  ["db-worker", ["--queue", "*", "--exclude-queue", "*"], "--exclude-queue"],
  ["db-worker", ["--config", ""], "--config"],
  ["db-worker", ["--config", "no-such-file.ts"], "--config"],
  ["db-worker", ["--queue"], "--queue"],
  ["db-worker", ["--batch=yes"], "--batch"],
  ["db-worker", ["--no-startup-delay=1"], "--no-startup-delay"],
  ["db-worker", ["--no-schedules=yes"], "--no-schedules"],
  ["db-worker", ["--no-such-flag"], "--no-such-flag"],
  ["prune", ["--keep", "7"], "--keep"],
  ["prune", ["--keep", "seven days"], "--keep"],
  ["prune", ["--keep", "2000000d"], "--keep", "from 0s to 36525d (100 years)"],
  ["prune", ["--keep-failed", "-1d"], "--keep-failed"],
  ["prune", ["--keep-failed", "104400w"], "--keep-failed", "(got 730800d)"],
  ["prune", ["--batch-size", "0"], "--batch-size"],
  ["prune", ["--batch-size", "1.5"], "--batch-size"],
  ["prune", ["--queue", ","], "--queue"],
  ["prune", ["--backend", ""], "--backend"],
  ["prune", ["--config", ""], "--config"],
  ["prune", ["--dry-run=1"], "--dry-run"],
  ["tasks", ["worker", "--concurrency", "-3"], "--concurrency"],
  ["tasks", ["worker", "--duration", "30d"], "--duration", "at most 24d"],
  ["tasks", ["prune", "--keep", "7"], "--keep"],
  ["tasks", ["prune", "--keep", "5000y"], "--keep"],
  ["tasks", ["migrate", "--check=yes"], "--check"],
  ["tasks", ["migrate", "--keep", "7d"], "--keep"],
  ["tasks", ["migrate", "--backend", ""], "--backend"],
  ["tasks", ["migrate", "--config", ""], "--config"],
  ["tasks", ["status", "--failures", "many"], "--failures"],
  ["tasks", ["status", "--failures=-1"], "--failures", "at least 0"],
  ["tasks", ["status", "--failures", "-1"], "--failures", "use '--failures=-XYZ'"],
  ["tasks", ["status", "--json=1"], "--json"],
  ["tasks", ["status", "--backend", ""], "--backend"],
  ["tasks", ["status", "--config", ""], "--config"],
  ["tasks", ["schedules", "--json=1"], "--json"],
  ["tasks", ["schedules", "--backend", ""], "--backend"],
  ["tasks", ["schedules", "--config", ""], "--config"],
  ["tasks", ["schedules", "--failures", "3"], "--failures"],
];

/** The command an INVALID row runs. */
function commandOf(binary: Binary, args: readonly string[]): string {
  if (binary === "db-worker") return "worker";
  if (binary === "prune") return "prune";
  return args[0] as string;
}

/** The flags a command's help lists (not --help and --version). */
function flagsInHelp(help: string): string[] {
  const flags = [...help.matchAll(/^\s+(?:-\w, )?--([a-z-]+)/gm)].map((match) => `--${match[1] as string}`);
  return flags.filter((flag) => flag !== "--help" && flag !== "--version");
}

describe("invalid flags", () => {
  it("covers every flag of every command", () => {
    const helps = { worker: workerHelp("tasks worker"), prune: pruneHelp("tasks prune"), migrate: migrateHelp("tasks migrate"), status: statusHelp("tasks status"), schedules: schedulesHelp("tasks schedules") };
    const missing: string[] = [];
    for (const [command, help] of Object.entries(helps)) {
      const covered = new Set(INVALID.filter(([binary, args]) => commandOf(binary, args) === command).map(([, , flag]) => flag));
      for (const flag of flagsInHelp(help)) if (!covered.has(flag)) missing.push(`${command} ${flag}`);
    }
    expect(missing).toEqual([]);
  });

  it("every invalid flag value exits 2 with a message naming the flag (and its allowed range)", async () => {
    const failures: string[] = [];
    for (let i = 0; i < INVALID.length; i += 6) {
      await Promise.all(
        INVALID.slice(i, i + 6).map(async ([binary, args, flag, text]) => {
          const exit = await run(binary, args);
          const named = exit.stderr.includes(flag) || exit.stderr.includes(`'${flag}`);
          const hint = exit.stderr.includes(binary === "tasks" ? `Run "tasks ${args[0] ?? ""} --help"` : `Run "${binary} --help"`);
          const explained = text === undefined || exit.stderr.includes(text);
          const quiet = exit.stdout === "" && !/\n\s+at /.test(exit.stderr);
          if (exit.code !== 2 || !named || !hint || !explained || !quiet) failures.push(`${binary} ${args.join(" ")} → code ${exit.code}, stderr: ${exit.stderr.trim()}`);
        }),
      );
    }
    expect(failures).toEqual([]);
  }, 480_000); // ~60 processes, each starting node and tsx (this repository runs the CLI from its TypeScript sources)
});
