import { scheduleOverview } from "@tasks/core";
import { parseSchedulesArgs, schedulesHelp } from "../args/schedules-args.js";
import { importTaskModules } from "../config/load.js";
import { formatSchedules } from "../output/schedules-table.js";
import type { Command, RunOptions } from "./command.js";
import { EXIT_ERROR, EXIT_OK } from "./exit-codes.js";
import { reportFailure, type CliIo } from "./io.js";
import { closeBackends, openBackend } from "./session.js";
import type { TelemetrySession } from "./telemetry.js";
import { verifyStorage } from "./verify.js";

/** `tasks schedules`. */
export const schedulesCommand: Command = {
  help: schedulesHelp,
  run: runSchedulesCommand,
};

/**
 * Imports the config's task modules (so their schedules are declared), then prints core's
 * `scheduleOverview()` for one backend as a table or (`--json`) as JSON. Exits 1 when a
 * schedule is overdue, so the command can serve as an alert.
 */
async function runSchedulesCommand(argv: readonly string[], io: CliIo, options: RunOptions): Promise<number> {
  const { program } = options;
  let configured: TelemetrySession | undefined;
  try {
    const args = parseSchedulesArgs(argv);
    const { loaded, resolved } = await openBackend(program, io, args, (session) => (configured = session));
    await verifyStorage(resolved);
    await importTaskModules(loaded);
    const overviews = await scheduleOverview({ backend: resolved.alias });
    if (args.json) io.stdout.write(`${JSON.stringify(overviews, null, 2)}\n`);
    else io.stdout.write(formatSchedules(overviews, `Schedules of backend "${resolved.alias}" (${resolved.backend.kind}) at ${new Date().toISOString()}`, Date.now()));
    if (!resolved.backend.capabilities.supportsSchedules) {
      io.stderr.write(`${program}: backend "${resolved.alias}" (${resolved.backend.kind}) cannot store schedules, so it has none.\n`);
    }
    return overviews.some((entry) => entry.overdueMs !== null) ? EXIT_ERROR : EXIT_OK;
  } catch (error) {
    return reportFailure(program, io, error);
  } finally {
    if (configured) await closeBackends(program, io, configured);
  }
}
