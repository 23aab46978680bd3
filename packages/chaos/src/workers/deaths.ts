import type { WorkerProcess } from "./worker-process.js";

/** A worker that ended in a way the harness did not ask for. */
export interface WorkerDeath {
  readonly workerId: string;
  readonly pid: number | undefined;
  readonly how: string;
  readonly afterMs: number;
  /** The last part of its standard error (the stack of an uncaught error lands here). */
  readonly stderr: string;
  /** The last part of its JSON log. */
  readonly stdout: string;
  readonly logFile: string;
}

/**
 * The death of `worker`, or null when it is alive or ended as asked: killed by the harness,
 * or exit code 0 after SIGTERM.
 */
export function deathOf(worker: WorkerProcess): WorkerDeath | null {
  const exit = worker.exit;
  if (exit === null || exit.expectation === "killed") return null;
  if (exit.expectation === "stopping" && exit.code === 0) return null;
  const how =
    exit.expectation === "run"
      ? `exited by itself (code ${String(exit.code)}, signal ${String(exit.signal)})`
      : exit.signal === "SIGKILL"
        ? "did not exit after SIGTERM within the stop timeout (killed)"
        : `exited with code ${String(exit.code)} (signal ${String(exit.signal)}) after SIGTERM`;
  return {
    workerId: worker.id,
    pid: worker.pid,
    how,
    afterMs: exit.at - worker.startedAt,
    stderr: worker.stderr.text,
    stdout: worker.stdout.text,
    logFile: worker.logFile,
  };
}
