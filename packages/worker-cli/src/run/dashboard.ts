import { randomBytes } from "node:crypto";
import { configuredAliases, getBackend, type Logger } from "@tasks/core";
import { dashboardHelp, dashboardTokenFromEnv, parseDashboardArgs, type DashboardArgs } from "../args/dashboard-args.js";
import { isInProcess } from "../config/backend.js";
import { configureFromConfig, importTaskModulesIfListed, loadConfig } from "../config/load.js";
import { createCliLogger } from "../output/logger.js";
import { streamSink } from "../output/sink.js";
import type { Command, RunOptions } from "./command.js";
import { CommandFailure, EXIT_OK } from "./exit-codes.js";
import { reportFailure, type CliIo } from "./io.js";
import { closeBackends } from "./session.js";
import { ShutdownSignals } from "./signals.js";
import { configTelemetry, type TelemetrySession } from "./telemetry.js";
import { verifyStorage } from "./verify.js";

/** `tasks dashboard`. */
export const dashboardCommand: Command = {
  help: dashboardHelp,
  run: runDashboardCommand,
};

/** What `serveDashboard` resolves with (the part this command uses). */
interface ServedDashboard {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Loads the tasks config, configures core with it (actions are logged at info, with who did
 * them), checks every database backend it names, imports its task modules when it lists any
 * (so the overview knows the declared schedules), then serves `@tasks/dashboard` on
 * `--host`:`--port` with the token of `TASKS_DASHBOARD_TOKEN` or a random one printed once
 * in the URL. Runs until SIGINT or SIGTERM, then closes the server and the backends.
 */
async function runDashboardCommand(argv: readonly string[], io: CliIo, options: RunOptions): Promise<number> {
  const { program } = options;
  const signals = options.signals ?? new ShutdownSignals();
  let logger: Logger | undefined;
  signals.install((signal, count) => {
    const say = (line: string) => (logger ? logger.warn(line) : io.stderr.write(`${program}: ${line}\n`));
    if (count === 1) say(`Received ${signal}: stopping the dashboard.`);
    else say(`Received ${signal} again: exiting at once.`);
  });
  let telemetry: TelemetrySession | undefined;
  let served: ServedDashboard | undefined;
  try {
    const args = parseDashboardArgs(argv);
    const envToken = dashboardTokenFromEnv(process.env);
    const loaded = await loadConfig(io.cwd, args.config);
    const cliLogger = createCliLogger({ level: loaded.config.logLevel ?? "info", format: "pretty", sink: streamSink(io.stdout) });
    logger = cliLogger;
    telemetry = configTelemetry(loaded, cliLogger);
    configureFromConfig(loaded, cliLogger, telemetry.telemetry);
    await checkBackends(cliLogger, program);
    const notLoaded = await importTaskModulesIfListed(loaded);
    if (notLoaded !== null) cliLogger.warn(`Overdue schedules are not shown, since the task modules did not load: ${notLoaded}`);
    if (signals.graceful.signal.aborted) return EXIT_OK;
    const token = envToken ?? randomBytes(24).toString("base64url");
    served = await serve(args, token);
    const address = new URL(served.url);
    if (envToken === undefined) address.searchParams.set("token", token);
    io.stdout.write(
      `Dashboard${args.readOnly ? " (read-only)" : ""} for backend${configuredAliases().length === 1 ? "" : "s"} ${configuredAliases().join(", ")}: ${address.toString()}\n` +
        (envToken === undefined ? "The token in this URL was made for this run and is printed only here; set TASKS_DASHBOARD_TOKEN to choose one.\n" : "Open it with ?token= and the token of TASKS_DASHBOARD_TOKEN.\n") +
        "Press Ctrl-C to stop.\n",
    );
    if (!isLoopback(args.host)) cliLogger.warn(`Listening on ${args.host}: other machines can reach the dashboard; anyone with the token can retry, cancel and delete tasks${args.readOnly ? " (read-only: no actions)" : ""}.`);
    await aborted(signals.graceful.signal);
    await Promise.race([served.close(), aborted(signals.force.signal)]);
    served = undefined;
    return EXIT_OK;
  } catch (error) {
    return reportFailure(program, io, error);
  } finally {
    signals.uninstall();
    await served?.close().catch(() => {});
    if (telemetry) await closeBackends(program, io, telemetry);
  }
}

/**
 * Checks the storage of every configured database backend (`verify()`: reachable, tables
 * migrated), so a wrong URL fails at start instead of on the first page; warns about
 * in-process backends, whose tasks live in other processes and never show here.
 */
async function checkBackends(logger: Logger, program: string): Promise<void> {
  const aliases = configuredAliases();
  const inProcess = aliases.filter((alias) => isInProcess(getBackend(alias).backend));
  if (inProcess.length === aliases.length) {
    throw new CommandFailure(
      `every backend of the tasks config is in-process (${aliases.map((alias) => `${alias}: ${getBackend(alias).backend.kind}`).join(", ")}): their tasks exist only inside the process that enqueued them, so ${program} would show nothing. Configure a database backend (sqliteBackend or postgresBackend from @tasks/backend-drizzle).`,
    );
  }
  for (const alias of inProcess) {
    logger.warn(`Backend "${alias}" is a ${getBackend(alias).backend.kind} backend: its tasks exist only inside the process that enqueued them, so the dashboard shows none of them.`);
  }
  for (const alias of aliases) if (!inProcess.includes(alias)) await verifyStorage(getBackend(alias));
}

/** Starts `@tasks/dashboard`'s server (loaded only for this command, so other commands start as fast as before). */
async function serve(args: DashboardArgs, token: string): Promise<ServedDashboard> {
  const { serveDashboard } = await import("@tasks/dashboard");
  try {
    return await serveDashboard({ port: args.port, host: args.host, token, readOnly: args.readOnly });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EADDRINUSE") throw new CommandFailure(`port ${args.port} on ${args.host} is already in use; pass another with --port (0 picks a free one).`, { cause: error });
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new CommandFailure(`cannot listen on --host ${args.host}: no interface of this machine has that address; use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).`, { cause: error });
    if (code === "EACCES") throw new CommandFailure(`not allowed to listen on port ${args.port}: ports below 1024 need extra privileges; pick one above 1023 with --port.`, { cause: error });
    throw error;
  }
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

/** Resolves once `signal` is aborted. */
function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
