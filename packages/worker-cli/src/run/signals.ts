import { takeEarlySignals } from "./early-signals.js";
import { signalExitCode } from "./exit-codes.js";

/** Signals the binaries handle. */
const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

/** What the process needs from a {@link ShutdownSignals} owner (replaceable in tests). */
export interface SignalHost {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): never;
}

/**
 * Turns SIGINT/SIGTERM into the two abort signals core's `Worker` takes: the first signal
 * aborts {@link graceful} (stop claiming, let running tasks finish), the second aborts
 * {@link force} (abort running tasks and hand them back). A third exits at once, for a
 * hand-back that hangs. The library never installs handlers; only the binaries do.
 */
export class ShutdownSignals {
  /** Aborted by the first signal. */
  readonly graceful = new AbortController();
  /** Aborted by the second signal. */
  readonly force = new AbortController();
  #received: NodeJS.Signals[] = [];
  readonly #host: SignalHost;
  readonly #listener = (signal: NodeJS.Signals) => this.#handle(signal);
  #onSignal: (signal: NodeJS.Signals, count: number, cause: string | undefined) => void = () => {};

  /**
   * While true (a worker that has claimed nothing yet), a second signal exits at once with
   * 130/143 instead of aborting running tasks: there are none to hand back. A worker sets it
   * for its start-up and clears it just before its first claim.
   */
  startingUp = false;

  constructor(host: SignalHost = process as unknown as SignalHost) {
    this.#host = host;
  }

  /**
   * Starts listening; `onSignal` is told about each signal (to log it), with the `cause` given
   * to {@link trigger} when the signal did not come from outside. On the real process, it then
   * takes over the signals the launcher caught while the binary was loading (see
   * `takeEarlySignals`) and acts on them as if they arrived now.
   */
  install(onSignal?: (signal: NodeJS.Signals, count: number, cause: string | undefined) => void): void {
    if (onSignal) this.#onSignal = onSignal;
    for (const signal of SIGNALS) this.#host.on(signal, this.#listener);
    if (this.#host === (process as unknown)) for (const signal of takeEarlySignals()) this.#handle(signal);
  }

  /** Stops listening (the process's default handling comes back). */
  uninstall(): void {
    for (const signal of SIGNALS) this.#host.off(signal, this.#listener);
  }

  /**
   * Acts as if `signal` had arrived: for stops that come from somewhere other than a signal
   * (the parent process went away), so they follow the same two-step shutdown.
   */
  trigger(signal: NodeJS.Signals, cause: string): void {
    this.#handle(signal, cause);
  }

  /** The most recent signal received, if any. */
  get lastSignal(): NodeJS.Signals | undefined {
    return this.#received[this.#received.length - 1];
  }

  #handle(signal: NodeJS.Signals, cause?: string): void {
    this.#received.push(signal);
    const count = this.#received.length;
    this.#onSignal(signal, count, cause);
    if (count === 1) this.graceful.abort(signal);
    else if (count === 2 && !this.startingUp) this.force.abort(signal);
    else this.#host.exit(signalExitCode(signal));
  }
}
