/** Stand-ins for real side effects (mail servers, payment gateways), so the demo needs no network. */

/** Waits `ms` like a network call would; rejects with the signal's reason when it aborts. */
export function simulateLatency(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The payment gateway times out; worth retrying. */
export class GatewayTimeoutError extends Error {
  override readonly name = "GatewayTimeoutError";
}

/** A legacy record that can never be imported; retrying cannot help. */
export class LegacyRecordError extends Error {
  override readonly name = "LegacyRecordError";
}

/** An order's item is out of stock; placing the order rolls back. */
export class OutOfStockError extends Error {
  override readonly name = "OutOfStockError";
}
