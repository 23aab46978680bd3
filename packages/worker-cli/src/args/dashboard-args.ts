import { UsageError } from "../run/exit-codes.js";
import { COMMON_FLAGS_HELP, configFlag, integerFlag, last, parseFlags } from "./common.js";

/** Default `--port`. */
export const DEFAULT_DASHBOARD_PORT = 8080;
/** Default `--host`: loopback only, so nothing outside this machine reaches the dashboard unless asked. */
export const DEFAULT_DASHBOARD_HOST = "127.0.0.1";
/** The environment variable holding the dashboard's access token. */
export const DASHBOARD_TOKEN_ENV = "TASKS_DASHBOARD_TOKEN";
/** Shortest token accepted from {@link DASHBOARD_TOKEN_ENV}: a short one could be guessed. */
export const MIN_DASHBOARD_TOKEN_LENGTH = 16;

/** The `tasks dashboard` flags, checked. */
export interface DashboardArgs {
  readonly port: number;
  readonly host: string;
  /** Show tasks but refuse every action (retry, cancel, delete). */
  readonly readOnly: boolean;
  readonly config: string | undefined;
}

/** `tasks dashboard --help`. */
export function dashboardHelp(program: string): string {
  return `Usage: ${program} [flags]

Serves the web dashboard of @tasks/dashboard for the backends of your tasks config: an
overview per backend alias and queue, a task list with filters and search, each task's
arguments, errors and timeline, and retry, cancel and delete actions (each confirmed).
It runs until stopped with Ctrl-C (SIGINT) or SIGTERM.

Every request needs the access token: the ${DASHBOARD_TOKEN_ENV} environment variable
(at least ${MIN_DASHBOARD_TOKEN_LENGTH} characters), or, when it is not set, a random token
made at start and printed once in the URL to open (http://127.0.0.1:8080/?token=...).

Flags:
  --port N                  TCP port to listen on, 0 for any free port (default: ${DEFAULT_DASHBOARD_PORT})
  --host HOST               Address to bind (default: ${DEFAULT_DASHBOARD_HOST}, this machine only);
                            another address lets other machines reach it: keep the token secret
  --read-only               Show tasks but allow no retry, cancel or delete
${COMMON_FLAGS_HELP}

Exit codes: 0 stopped by a signal, 1 a database cannot be used, the port is taken or an
unexpected error, 2 bad flags, config or token.
`;
}

/** Parses and checks `tasks dashboard`'s flags; throws a UsageError naming the first bad flag. */
export function parseDashboardArgs(argv: readonly string[]): DashboardArgs {
  const { values } = parseFlags(argv, {
    port: { type: "string" },
    host: { type: "string" },
    "read-only": { type: "boolean" },
    config: { type: "string" },
  });
  const port = last(values.port);
  return {
    port: port === undefined ? DEFAULT_DASHBOARD_PORT : portFlag(port),
    host: hostFlag(last(values.host)),
    readOnly: values["read-only"] === true,
    config: configFlag(values.config),
  };
}

/**
 * The token from {@link DASHBOARD_TOKEN_ENV}, checked, or `undefined` when it is not set (the
 * command then makes one). Throws a UsageError for a blank or short value.
 */
export function dashboardTokenFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const token = env[DASHBOARD_TOKEN_ENV];
  if (token === undefined || token === "") return undefined;
  if (token.trim() !== token || token.length < MIN_DASHBOARD_TOKEN_LENGTH) {
    throw new UsageError(
      `Invalid ${DASHBOARD_TOKEN_ENV}: the token must be at least ${MIN_DASHBOARD_TOKEN_LENGTH} characters without leading or trailing spaces (got ${token.length}). ` +
        `Make one with: node -e "console.log(require('node:crypto').randomBytes(24).toString('base64url'))", or unset it to get a random token printed at start.`,
      { showHelpHint: false },
    );
  }
  return token;
}

function portFlag(text: string): number {
  const port = integerFlag("port", text, 0);
  if (port > 65_535) throw new UsageError(`Invalid value "${text}" for --port: give a TCP port from 0 (any free port) to 65535.`);
  return port;
}

function hostFlag(text: string | undefined): string {
  if (text === undefined) return DEFAULT_DASHBOARD_HOST;
  if (text.trim() === "" || /\s/.test(text)) {
    throw new UsageError(`Invalid value "${text}" for --host: give an address to bind such as 127.0.0.1, ::1 or 0.0.0.0 (every interface).`);
  }
  return text;
}
