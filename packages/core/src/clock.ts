/** The source of time and sleeps for the worker; inject {@link TestClock} in tests. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Real time. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep(ms, signal) {
    return new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

interface Sleeper {
  readonly wakeAt: number;
  readonly resolve: () => void;
}

/**
 * A clock that only moves when told to. Sleepers wake when {@link TestClock.advance} passes
 * their wake time, so tests of backoff, leases and timeouts never wait for real time.
 */
export class TestClock implements Clock {
  #nowMs: number;
  #sleepers: Sleeper[] = [];

  constructor(start: Date | number = Date.UTC(2030, 0, 1)) {
    this.#nowMs = typeof start === "number" ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.#nowMs);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        wakeAt: this.#nowMs + ms,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          this.#sleepers = this.#sleepers.filter((other) => other !== sleeper);
          resolve();
        },
      };
      const onAbort = () => sleeper.resolve();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** How many sleeps are pending. */
  get sleepers(): number {
    return this.#sleepers.length;
  }

  /** Moves time forward by `ms`, waking every sleeper due by then (and letting them run). */
  async advance(ms: number): Promise<void> {
    const target = this.#nowMs + ms;
    for (;;) {
      const due = this.#sleepers.filter((sleeper) => sleeper.wakeAt <= target).sort((a, b) => a.wakeAt - b.wakeAt)[0];
      if (!due) break;
      this.#nowMs = Math.max(this.#nowMs, due.wakeAt);
      due.resolve();
      await settle();
    }
    this.#nowMs = target;
    await settle();
  }
}

/** Lets pending promise callbacks and I/O callbacks run. */
async function settle(): Promise<void> {
  for (let round = 0; round < 5; round++) await new Promise<void>((resolve) => setImmediate(resolve));
}
