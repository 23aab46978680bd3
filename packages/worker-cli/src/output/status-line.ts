/** Counters the live status line shows. */
export interface StatusCounts {
  readonly running: number;
  readonly done: number;
  readonly failed: number;
}

/**
 * A one-line live status on a terminal (`running 3 · done 12/s (340) · failed 0/s (2)`),
 * redrawn every second. Log lines written to the same terminal call {@link clear} before and
 * {@link draw} after, so the status always stays the last line.
 */
export class StatusLine {
  readonly #stream: NodeJS.WriteStream;
  readonly #read: () => StatusCounts;
  #timer: NodeJS.Timeout | null = null;
  #previous: StatusCounts = { running: 0, done: 0, failed: 0 };
  #text = "";
  #shown = false;

  constructor(stream: NodeJS.WriteStream, read: () => StatusCounts) {
    this.#stream = stream;
    this.#read = read;
  }

  /** Starts redrawing every second. */
  start(): void {
    if (this.#timer) return;
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), 1_000);
    this.#timer.unref();
  }

  /** Stops and erases the line. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.clear();
    this.#text = "";
  }

  /** Erases the line (before a log line is written). */
  clear(): void {
    if (!this.#shown) return;
    this.#stream.write("\r\x1b[2K");
    this.#shown = false;
  }

  /** Draws the current text again (after a log line was written). */
  draw(): void {
    if (this.#text === "" || this.#shown) return;
    this.#stream.write(this.#text.slice(0, Math.max(20, (this.#stream.columns || 80) - 1)));
    this.#shown = true;
  }

  #tick(): void {
    const now = this.#read();
    const doneRate = now.done - this.#previous.done;
    const failedRate = now.failed - this.#previous.failed;
    this.#previous = now;
    this.#text = `running ${now.running} · done ${doneRate}/s (${now.done}) · failed ${failedRate}/s (${now.failed})`;
    this.clear();
    this.draw();
  }
}
