/**
 * Signals that arrived while the binary was still starting: `bin/launch.mjs` catches SIGINT
 * and SIGTERM as its first act for `tasks worker` (loading tsx, the CLI, the config and the
 * backend takes most of a second), and hands what it caught to the command's
 * {@link ShutdownSignals} when that installs. Without it, a signal in the first moments killed
 * the process by the signal instead of the documented clean exit 0.
 */

/** Where `bin/launch.mjs` leaves its early catcher (a global, since it is plain JavaScript loaded before the CLI). */
const EARLY_SIGNALS = Symbol.for("@tasks/worker-cli/early-signals");

/** What `bin/launch.mjs` stores under {@link EARLY_SIGNALS}. */
interface EarlyCatcher {
  /** Signals caught so far, oldest first. */
  readonly received: readonly NodeJS.Signals[];
  /** Removes the early listeners. */
  release(): void;
}

/**
 * Takes over from the launcher's early catcher, once: removes its listeners and returns the
 * signals it caught (none when the command was not started by the launcher, such as an
 * embedding application calling `runCommand`). Call it after installing the new listeners,
 * so no signal falls between the two.
 */
export function takeEarlySignals(): NodeJS.Signals[] {
  const holder = globalThis as { [EARLY_SIGNALS]?: EarlyCatcher };
  const catcher = holder[EARLY_SIGNALS];
  if (!catcher) return [];
  delete holder[EARLY_SIGNALS];
  catcher.release();
  return [...catcher.received];
}
