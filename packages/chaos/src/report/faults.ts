/** One fault the harness injected. */
export interface Fault {
  readonly kind: string;
  /** When it began (ms since the epoch). */
  readonly at: number;
  /** When it was lifted: the same as `at` for instant faults (a kill, a terminated backend). */
  readonly clearedAt: number;
  /** The worker a kill hit. */
  readonly workerId?: string;
}

/** The faults of one scenario, in order. */
export class FaultLog {
  readonly faults: Fault[] = [];

  /** Records an instant fault. */
  instant(kind: string, workerId?: string): Fault {
    const now = Date.now();
    const fault: Fault = workerId === undefined ? { kind, at: now, clearedAt: now } : { kind, at: now, clearedAt: now, workerId };
    this.faults.push(fault);
    return fault;
  }

  /** Records a fault that lasted from `at` until now. */
  window(kind: string, at: number): Fault {
    const fault: Fault = { kind, at, clearedAt: Date.now() };
    this.faults.push(fault);
    return fault;
  }
}
