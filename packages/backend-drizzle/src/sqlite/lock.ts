/** A first-in, first-out async lock. */
export class AsyncLock {
  #tail: Promise<void> = Promise.resolve();

  /** Waits for every earlier holder to release; resolves with this holder's release function. */
  async acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => released);
    await previous;
    return release;
  }
}
