/** Keeps the last `limit` characters written to it. */
export class OutputTail {
  #text = "";
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  append(chunk: string): void {
    this.#text = (this.#text + chunk).slice(-this.#limit);
  }

  get text(): string {
    return this.#text;
  }
}
