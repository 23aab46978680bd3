import { closestMatch } from "./config/closest.js";
import type { Command, RunOptions } from "./run/command.js";
import { EXIT_OK, EXIT_USAGE } from "./run/exit-codes.js";
import { processIo, wantsHelp, wantsVersion, type CliIo } from "./run/io.js";
import { packageVersion } from "./version.js";

/** The subcommands of `tasks`, each loaded only when run (so `--version` and typos stay fast). */
const COMMANDS = {
  worker: {
    summary: "Run tasks from a database backend until stopped (alias: db-worker)",
    load: async (): Promise<Command> => (await import("./run/worker.js")).workerCommand,
  },
  prune: {
    summary: "Delete finished task rows older than a threshold (alias: prune)",
    load: async (): Promise<Command> => (await import("./run/prune.js")).pruneCommand,
  },
  migrate: {
    summary: "Create or update the task tables (--check: list pending migrations)",
    load: async (): Promise<Command> => (await import("./run/migrate.js")).migrateCommand,
  },
  status: {
    summary: "Show counts by queue and status, running tasks, failures and live workers",
    load: async (): Promise<Command> => (await import("./run/status.js")).statusCommand,
  },
  schedules: {
    summary: "List periodic tasks: next and last occurrence, overdue ones (exit 1)",
    load: async (): Promise<Command> => (await import("./run/schedules.js")).schedulesCommand,
  },
  dashboard: {
    summary: "Serve the web dashboard (@tasks/dashboard) for the config's backends",
    load: async (): Promise<Command> => (await import("./run/dashboard.js")).dashboardCommand,
  },
} as const;

/** A subcommand of `tasks`. */
export type CommandName = keyof typeof COMMANDS;

/** The subcommands, in the order `tasks --help` lists them. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** `tasks --help`. */
export function tasksHelp(): string {
  const rows = [
    ...COMMAND_NAMES.map((name) => [name, COMMANDS[name].summary] as const),
    ["version", "Print the version of @tasks/worker-cli (also --version, -v)"] as const,
    ["help", "Show this help, or a command's (tasks help worker)"] as const,
  ];
  return `Usage: tasks <command> [flags]

Runs workers for, migrates, prunes and inspects the database backends named in your
tasks config (tasks.config.ts), and serves a web dashboard for them.

Commands:
${rows.map(([name, summary]) => `  ${name.padEnd(9)} ${summary}`).join("\n")}

Run "tasks <command> --help" for a command's flags.
In a pnpm project "pnpm prune" is pnpm's own command: run "pnpm tasks prune" or
"pnpm exec prune" instead.
`;
}

/**
 * The `tasks` command: `argv` starts with the subcommand (`worker`, `prune`, `migrate`,
 * `status`, `schedules`, `dashboard`), then its flags. Resolves with the exit code (see README).
 */
export async function runTasks(argv: readonly string[], io: CliIo = processIo(), options: Omit<RunOptions, "program"> = {}): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(tasksHelp());
    return EXIT_USAGE;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? rest[0] : undefined;
    if (topic !== undefined && isCommandName(topic)) return runCommand(topic, ["--help"], io);
    io.stdout.write(tasksHelp());
    return EXIT_OK;
  }
  if (first === "--version" || first === "-v" || first === "version") {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  if (isCommandName(first)) return runCommand(first, rest, io, options);
  const commands = COMMAND_NAMES.join(", ");
  if (first.startsWith("-")) {
    io.stderr.write(`tasks: "${first}" is a flag, but the command comes first: tasks <command> [flags], where the command is one of ${commands}.\nRun "tasks --help" for more.\n`);
    return EXIT_USAGE;
  }
  const suggestion = closestMatch(first, [...COMMAND_NAMES, "version", "help"]);
  io.stderr.write(`tasks: unknown command "${first}".${suggestion ? ` Did you mean "${suggestion}"?` : ""} The commands are ${commands}.\nRun "tasks --help" for more.\n`);
  return EXIT_USAGE;
}

/**
 * Runs one subcommand, as `tasks <name>` and the `db-worker` and `prune` aliases do:
 * `--help` prints its help and `--version` the package version; otherwise the command runs.
 * `options.program` names it in messages (default `tasks <name>`).
 */
export async function runCommand(name: CommandName, argv: readonly string[], io: CliIo = processIo(), options: Partial<RunOptions> = {}): Promise<number> {
  const program = options.program ?? `tasks ${name}`;
  const command = await COMMANDS[name].load();
  if (wantsHelp(argv)) {
    io.stdout.write(command.help(program));
    return EXIT_OK;
  }
  if (wantsVersion(argv)) {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  return command.run(argv, io, { ...options, program });
}

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}
