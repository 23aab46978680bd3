/** How often the parent process id is read: a syscall, cheap enough to do every second. */
export const PARENT_CHECK_INTERVAL_MS = 1_000;

/** What a {@link watchParent} needs from the process (replaceable in tests). */
export interface ParentHost {
  readonly ppid: number;
}

/**
 * Calls `onGone(previousPid)` once when this process's parent goes away. A package manager's
 * bin shim (`npx`, `npm exec`, `pnpm exec`) runs the worker as the child of a shell that does
 * not forward signals: a SIGTERM to the shim ends the shim and its shell but not the worker,
 * which is then re-parented (to init or the nearest subreaper), and its parent id changes.
 * Returns a function that stops watching; the timer never keeps the process alive.
 */
export function watchParent(onGone: (previousPid: number) => void, host: ParentHost = process, intervalMs = PARENT_CHECK_INTERVAL_MS): () => void {
  const original = host.ppid;
  const timer = setInterval(() => {
    if (host.ppid === original) return;
    clearInterval(timer);
    onGone(original);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
