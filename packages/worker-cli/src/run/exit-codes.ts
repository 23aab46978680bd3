/** Exit codes shared by every command (documented in the package README). */
export const EXIT_OK = 0;
/** A failure: the database cannot be used, migrations are pending (`migrate --check`), a bug. */
export const EXIT_ERROR = 1;
/** Bad usage: an invalid flag value, or a missing or broken config file. */
export const EXIT_USAGE = 2;

/** Exit code after running tasks were aborted by `signal` (the shell convention 128 + number). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === "SIGTERM" ? 143 : 130;
}

/**
 * Bad input the user can fix: the binary prints the message (and, for flags, a pointer to
 * `--help`) to stderr and exits with {@link EXIT_USAGE}.
 */
export class UsageError extends Error {
  /** Whether to print "Run <binary> --help for every flag." after the message. */
  readonly showHelpHint: boolean;

  constructor(message: string, options: { showHelpHint?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UsageError";
    this.showHelpHint = options.showHelpHint ?? true;
  }
}

/**
 * A failure the command explains in one sentence (the database cannot be reached, the task
 * tables are missing): the binary prints the message alone, without a stack, and exits with
 * {@link EXIT_ERROR}.
 */
export class CommandFailure extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CommandFailure";
  }
}
