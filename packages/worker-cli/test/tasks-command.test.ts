import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "./helpers/spawn.js";

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

describe("the tasks command", () => {
  it("--help lists every subcommand and the pnpm note, and exits 0", async () => {
    for (const flag of ["--help", "-h", "help"]) {
      const exit = await run("tasks", [flag]);
      expect(exit.code, flag).toBe(0);
      for (const command of ["worker", "prune", "migrate", "status", "schedules", "dashboard", "version"]) expect(exit.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
      expect(exit.stdout).toContain('"pnpm tasks prune"');
    }
  });

  it("without a command prints the help to stderr and exits 2", async () => {
    const exit = await run("tasks", []);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain("Usage: tasks <command> [flags]");
    expect(exit.stdout).toBe("");
  });

  it("prints the package version for --version, -v and version, on every command and alias", async () => {
    const cases: Array<[Parameters<typeof run>[0], string[]]> = [
      ["tasks", ["--version"]],
      ["tasks", ["-v"]],
      ["tasks", ["version"]],
      ["tasks", ["worker", "--version"]],
      ["tasks", ["prune", "-v"]],
      ["tasks", ["migrate", "--version"]],
      ["tasks", ["status", "-v"]],
      ["tasks", ["schedules", "--version"]],
      ["db-worker", ["--version"]],
      ["prune", ["-v"]],
    ];
    const exits = await Promise.all(cases.map(([binary, args]) => run(binary, args, { cwd: "/" })));
    for (const [index, exit] of exits.entries()) {
      expect(exit.code, cases[index]?.join(" ")).toBe(0);
      expect(exit.stdout).toBe(`${VERSION}\n`);
    }
  });

  it("names an unknown command, suggests the closest one and exits 2", async () => {
    const exit = await run("tasks", ["wroker"]);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('unknown command "wroker". Did you mean "worker"?');
  });

  it("says the command comes before its flags", async () => {
    const exit = await run("tasks", ["--queue", "default", "worker"]);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain("the command comes first");
  });

  it("every subcommand has its own --help, and the aliases print the same flags under their own name", async () => {
    const flags: Record<string, string[]> = {
      worker: ["--queue", "--exclude-queue", "--concurrency", "--interval", "--batch", "--max-tasks", "--duration", "--worker-id", "--backend", "--no-startup-delay", "--no-schedules", "--shutdown-timeout", "--log-level", "--log-format", "--log-file", "--config", "--version"],
      prune: ["--keep", "--keep-failed", "--queue", "--backend", "--dry-run", "--batch-size", "--config", "--version"],
      migrate: ["--check", "--backend", "--config", "--version"],
      status: ["--json", "--failures", "--backend", "--config", "--version"],
      schedules: ["--json", "--backend", "--config", "--version", "Exit codes: 0 shown and none overdue, 1 a schedule is overdue"],
    };
    for (const [command, expected] of Object.entries(flags)) {
      const exit = await run("tasks", [command, "--help"]);
      expect(exit.code, command).toBe(0);
      expect(exit.stdout).toContain(`Usage: tasks ${command} [flags]`);
      for (const flag of expected) expect(exit.stdout, `${command} ${flag}`).toContain(flag);
    }
    const alias = await run("db-worker", ["-h"]);
    const main = await run("tasks", ["worker", "-h"]);
    expect(alias.stdout).toBe(main.stdout.replace("Usage: tasks worker", "Usage: db-worker"));
    const pruneAlias = await run("prune", ["--help"]);
    expect(pruneAlias.stdout).toContain("Usage: prune [flags]");
    expect(await run("tasks", ["help", "status"])).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: tasks status [flags]") });
  });
});
