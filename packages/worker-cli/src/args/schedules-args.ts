import { BACKEND_FLAG_HELP, backendFlag, COMMON_FLAGS_HELP, configFlag, parseFlags } from "./common.js";

/** The `tasks schedules` flags, checked. */
export interface SchedulesArgs {
  /** Print the schedules as a JSON array instead of a table. */
  readonly json: boolean;
  readonly backend: string | undefined;
  readonly config: string | undefined;
}

/** `tasks schedules --help`. */
export function schedulesHelp(program: string): string {
  return `Usage: ${program} [flags]

Lists the periodic tasks of a database backend: the schedules the config's task modules
declare (with schedule()), joined with what workers stored for each (how far its
occurrences are enqueued), and stored schedules this code no longer declares. For each:
the task, the cron expression and time zone, the missed-run policy, the next occurrence,
the last occurrence enqueued and its task's status, and OVERDUE with how long when no
worker has enqueued the next occurrence within the schedule's grace period (no worker
runs, or none declares the schedule or all run with --no-schedules).

Flags:
  --json                    Print the schedules as one JSON array (dates as ISO 8601 text)
${BACKEND_FLAG_HELP}
${COMMON_FLAGS_HELP}

Exit codes: 0 shown and none overdue, 1 a schedule is overdue (so a cron job or probe
can alert on it), the database cannot be used or an unexpected error, 2 bad flags or
config, or a task module that cannot be loaded.
`;
}

/** Parses and checks `tasks schedules`'s flags; throws a UsageError naming the first bad flag. */
export function parseSchedulesArgs(argv: readonly string[]): SchedulesArgs {
  const { values } = parseFlags(argv, {
    json: { type: "boolean" },
    backend: { type: "string" },
    config: { type: "string" },
  });
  return {
    json: values.json === true,
    backend: backendFlag(values.backend),
    config: configFlag(values.config),
  };
}
