import { taskHealth } from "@tasks/core";
import { parseStatusArgs, statusHelp } from "../args/status-args.js";
import { importTaskModulesIfListed } from "../config/load.js";
import { formatHealthReport } from "../output/health-report.js";
import type { Command, RunOptions } from "./command.js";
import { EXIT_OK } from "./exit-codes.js";
import { reportFailure, type CliIo } from "./io.js";
import { closeBackends, openBackend } from "./session.js";
import type { TelemetrySession } from "./telemetry.js";
import { verifyStorage } from "./verify.js";

/** `tasks status`. */
export const statusCommand: Command = {
  help: statusHelp,
  run: runStatusCommand,
};

/**
 * Prints core's `taskHealth()` report for one backend, as tables or (`--json`) as JSON. Imports
 * the config's task modules first, so overdue schedules are known; when one cannot be
 * loaded the report is still shown, with a warning that schedules were not checked.
 */
async function runStatusCommand(argv: readonly string[], io: CliIo, options: RunOptions): Promise<number> {
  const { program } = options;
  let configured: TelemetrySession | undefined;
  try {
    const args = parseStatusArgs(argv);
    const { loaded, resolved } = await openBackend(program, io, args, (session) => (configured = session));
    await verifyStorage(resolved);
    const notLoaded = await importTaskModulesIfListed(loaded);
    if (notLoaded !== null) io.stderr.write(`${program}: overdue schedules not checked, since the task modules did not load: ${notLoaded}\n`);
    const report = await taskHealth({ backend: resolved.alias, recentFailures: args.failures });
    if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout.write(formatHealthReport(report, `Backend "${resolved.alias}" (${resolved.backend.kind}) at ${new Date().toISOString()}`, Date.now(), { schedulesChecked: notLoaded === null }));
    return EXIT_OK;
  } catch (error) {
    return reportFailure(program, io, error);
  } finally {
    if (configured) await closeBackends(program, io, configured);
  }
}
