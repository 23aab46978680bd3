/** What every benchmark task carries: its sequence number and, for latency runs, its enqueue time. */
export interface Payload {
  /** 1…N, unique within a run: the worker uses it to detect lost and duplicated tasks. */
  readonly n: number;
  /** Wall-clock milliseconds (fractional) when it was enqueued; 0 when not measured. */
  readonly t: number;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Payloads numbered `from`…`from + count − 1`. */
export function payloads(count: number, from = 1): Payload[] {
  return Array.from({ length: count }, (_, i) => ({ n: from + i, t: 0 }));
}

/** Splits `items` into arrays of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
