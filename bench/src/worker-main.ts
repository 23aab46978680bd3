/**
 * Child-process entry: `tsx src/worker-main.ts <lib> <target> <profile-json>`.
 * Builds the library's worker, says "ready", starts on "go", reports on "stop".
 */
import type { FromChild, ToChild } from "./protocol.js";
import { wallMs, type Payload } from "./payload.js";
import type { PrepareWorker, PreparedWorker } from "./workers/types.js";

const [lib, target, profileJson] = process.argv.slice(2);
if (!lib || !target || !profileJson || !process.send) {
  console.error("worker-main.ts is started by the benchmark with: <lib> <target> <profile-json>, over an IPC channel.");
  process.exit(2);
}

function send(message: FromChild, then?: () => void): void {
  process.send?.(message, undefined, {}, () => then?.());
}

const seen: number[] = [];
const latencies: number[] = [];
let reachAt = Number.POSITIVE_INFINITY;
let reachedSent = false;

function onTask(payload: Payload): void {
  if (payload.t > 0) latencies.push(wallMs() - payload.t);
  seen.push(payload.n);
  if (!reachedSent && seen.length >= reachAt) {
    reachedSent = true;
    send({ type: "reached", at: wallMs() });
  }
}

async function main(): Promise<void> {
  const module = (await import(`./workers/${lib}.ts`)) as { prepare: PrepareWorker };
  const worker: PreparedWorker = await module.prepare(target!, JSON.parse(profileJson!), onTask);
  process.on("message", (message: ToChild) => {
    if (message.type === "go") {
      reachAt = message.reachAt;
      worker.start().catch(fail);
    } else if (message.type === "stop") {
      const rss = process.memoryUsage().rss;
      worker
        .stop()
        .then(() => {
          // Disconnect only once the (large) report has been written to the channel.
          send({ type: "report", seen, latencies, rss }, () => process.disconnect());
        })
        .catch(fail);
    }
  });
  send({ type: "ready" });
}

function fail(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.exitCode = 1;
  send({ type: "failed", message }, () => process.disconnect());
}

main().catch(fail);
