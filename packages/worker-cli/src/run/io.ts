import { TasksError } from "@tasks/core";
import { describeError } from "../config/load.js";
import { EXIT_ERROR, EXIT_USAGE, UsageError } from "./exit-codes.js";

/** The process surroundings a binary uses; tests and embedders may pass their own. */
export interface CliIo {
  readonly cwd: string;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

/** The real process's cwd and streams. */
export function processIo(): CliIo {
  return { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
}

/** Prints an error that ended a binary to stderr and returns its exit code (2 for usage errors, else 1). */
export function reportFailure(binary: string, io: CliIo, error: unknown): number {
  if (error instanceof UsageError) {
    io.stderr.write(`${binary}: ${error.message}\n`);
    if (error.showHelpHint) io.stderr.write(`Run "${binary} --help" to see every flag.\n`);
    return EXIT_USAGE;
  }
  // Our own errors carry full sentences; a stack helps only for the unexpected ones.
  const detail = error instanceof TasksError || !(error instanceof Error) ? describeError(error) : (error.stack ?? describeError(error));
  io.stderr.write(`${binary}: unexpected error: ${detail}\n`);
  return EXIT_ERROR;
}

/** Whether `argv` asks for help (checked before any other flag, so `--help` always works). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}
