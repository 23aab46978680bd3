/** Exit codes shared by both binaries (documented in the package README). */
export const EXIT_OK = 0;
/** An unexpected error: the database went away, a bug, a task module threw while loading. */
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
