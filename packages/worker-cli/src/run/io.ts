import { TasksError } from "@tasks/core";
import { describeError } from "../config/describe-error.js";
import { CommandFailure, EXIT_ERROR, EXIT_USAGE, UsageError } from "./exit-codes.js";
import { describeStorageError, storageErrorHint } from "./storage-error.js";

/** The process surroundings a command uses; tests and embedders may pass their own. */
export interface CliIo {
  readonly cwd: string;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

/** The real process's cwd and streams. */
export function processIo(): CliIo {
  return { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
}

/**
 * Prints the error that ended a command to stderr, prefixed with `program` (`tasks prune`,
 * `db-worker`), and returns its exit code: 2 for usage errors, else 1. Usage errors, the
 * command's own failures, storage errors and this library's errors are one line each; only
 * an unexpected error (a bug) prints its stack.
 */
export function reportFailure(program: string, io: CliIo, error: unknown): number {
  if (error instanceof UsageError) {
    io.stderr.write(`${program}: ${error.message}\n`);
    if (error.showHelpHint) io.stderr.write(`Run "${program} --help" to see every flag.\n`);
    return EXIT_USAGE;
  }
  if (error instanceof CommandFailure) {
    io.stderr.write(`${program}: ${error.message}\n`);
    return EXIT_ERROR;
  }
  const storage = describeStorageError(error);
  if (storage !== null) {
    io.stderr.write(`${program}: a storage call failed: ${storage}. ${storageErrorHint(error)}\n`);
    return EXIT_ERROR;
  }
  const detail = error instanceof TasksError || !(error instanceof Error) ? describeError(error) : (error.stack ?? describeError(error));
  io.stderr.write(`${program}: unexpected error: ${detail}\n`);
  return EXIT_ERROR;
}

/** Whether `argv` asks for help (checked before any other flag, so `--help` always works). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/** Whether `argv` asks for the version (`--version` or `-v`, anywhere among the flags). */
export function wantsVersion(argv: readonly string[]): boolean {
  return argv.includes("--version") || argv.includes("-v");
}
