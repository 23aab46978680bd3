/** What every benchmark child process uses to talk to the main process over its IPC channel. */

/** Sends `message` to the parent; `then` runs once it is written to the channel. */
export function sendToParent<M>(message: M, then?: () => void): void {
  process.send?.(message, undefined, {}, () => then?.());
}

/** Reports a failure to the parent with its stack, sets exit code 1, and disconnects. */
export function failToParent(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.exitCode = 1;
  sendToParent({ type: "failed", message }, () => process.disconnect());
}
