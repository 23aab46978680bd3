import { BACKEND_FLAG_HELP, backendFlag, COMMON_FLAGS_HELP, configFlag, integerFlag, last, parseFlags } from "./common.js";

/** Default `--failures`. */
export const DEFAULT_STATUS_FAILURES = 10;

/** The `tasks status` flags, checked. */
export interface StatusArgs {
  /** Print the health report as JSON instead of tables. */
  readonly json: boolean;
  /** How many recent failures to list. */
  readonly failures: number;
  readonly backend: string | undefined;
  readonly config: string | undefined;
}

/** `tasks status --help`. */
export function statusHelp(program: string): string {
  return `Usage: ${program} [flags]

Shows the health of a database backend: task counts by queue and status, the age of the
oldest READY task, running tasks, recent failures, live workers, READY tasks that no
live worker can run (task names no running worker has registered: work waiting for a deploy),
and overdue schedules (declared in the config's task modules, which it imports; see
"tasks schedules").

Flags:
  --json                    Print the report as one JSON object (dates as ISO 8601 text)
  --failures N              Recent failures to list (default: ${DEFAULT_STATUS_FAILURES})
${BACKEND_FLAG_HELP}
${COMMON_FLAGS_HELP}

Exit codes: 0 shown, 1 the database cannot be used or an unexpected error, 2 bad flags or
config.
`;
}

/** Parses and checks `tasks status`'s flags; throws a UsageError naming the first bad flag. */
export function parseStatusArgs(argv: readonly string[]): StatusArgs {
  const { values } = parseFlags(argv, {
    json: { type: "boolean" },
    failures: { type: "string" },
    backend: { type: "string" },
    config: { type: "string" },
  });
  const failures = last(values.failures);
  return {
    json: values.json === true,
    failures: failures === undefined ? DEFAULT_STATUS_FAILURES : integerFlag("failures", failures, 0),
    backend: backendFlag(values.backend),
    config: configFlag(values.config),
  };
}
