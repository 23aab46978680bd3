/**
 * Milliseconds to wait before the next attempt, given how many attempts have failed so far
 * (1 after the first failure) and the error of the latest one.
 */
export type BackoffFunction = (attempts: number, error: unknown) => number;

/** The default backoff: `attempts⁴ + 5` seconds (6 s, 21 s, 86 s, 261 s, …). */
export const defaultBackoff: BackoffFunction = (attempts) => (attempts ** 4 + 5) * 1000;
