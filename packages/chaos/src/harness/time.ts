import { setTimeout as sleepFor } from "node:timers/promises";

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return sleepFor(ms);
}

/**
 * Polls `check` every `everyMs` until it returns true or `timeoutMs` has passed (at most
 * `timeoutMs / everyMs + 1` calls). Resolves with whether the condition held.
 */
export async function pollUntil(check: () => Promise<boolean> | boolean, options: { readonly timeoutMs: number; readonly everyMs: number }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  const maxRounds = Math.ceil(options.timeoutMs / options.everyMs) + 1;
  for (let round = 0; round < maxRounds; round += 1) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(options.everyMs, Math.max(0, deadline - Date.now())));
  }
  return false;
}

/** Rejects with `message` if `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
