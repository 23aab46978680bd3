import { BACKEND_FLAG_HELP, backendFlag, COMMON_FLAGS_HELP, configFlag, parseFlags } from "./common.js";

/** The `tasks migrate` flags, checked. */
export interface MigrateArgs {
  /** List pending migrations and exit 1 if there are any, applying nothing. */
  readonly check: boolean;
  readonly backend: string | undefined;
  readonly config: string | undefined;
}

/** `tasks migrate --help`. */
export function migrateHelp(program: string): string {
  return `Usage: ${program} [flags]

Creates or updates the task tables of a database backend by applying the migrations bundled
with the backend package, oldest first. Prints the names it applied, or one line saying the
tables are up to date. Safe to run on every deploy.

Flags:
  --check                   Apply nothing: list the pending migrations and exit 1 if there
                            are any (0 when up to date)
${BACKEND_FLAG_HELP}
${COMMON_FLAGS_HELP}

Exit codes: 0 applied or up to date, 1 migrations pending (--check), the database cannot be
reached or an unexpected error, 2 bad flags or config, or a backend without migrations
(such as an in-process memory backend).
`;
}

/** Parses and checks `tasks migrate`'s flags; throws a UsageError naming the first bad flag. */
export function parseMigrateArgs(argv: readonly string[]): MigrateArgs {
  const { values } = parseFlags(argv, {
    check: { type: "boolean" },
    backend: { type: "string" },
    config: { type: "string" },
  });
  return { check: values.check === true, backend: backendFlag(values.backend), config: configFlag(values.config) };
}
