/**
 * Child-process entry: `tsx src/worker-main.ts <lib> <target> <profile-json>`.
 * Builds the library's worker, says "ready", starts on "go", reports on "stop".
 * `<lib>` {@link FLOOR_LIB} imports no library: its report is the memory floor of a child.
 */
import { failToParent, sendToParent } from "./child-ipc.js";
import { FLOOR_LIB, measureMemory, memoryFigures } from "./memory.js";
import type { FromChild, ToChild } from "./protocol.js";
import { wallMs, type Payload } from "./payload.js";
import type { PrepareWorker, PreparedWorker } from "./workers/types.js";

const [lib, target, profileJson] = process.argv.slice(2);
if (!lib || !target || !profileJson || !process.send) {
  console.error("worker-main.ts is started by the benchmark with: <lib> <target> <profile-json>, over an IPC channel.");
  process.exit(2);
}

const send = (message: FromChild, then?: () => void): void => sendToParent(message, then);
const fail = failToParent;

const seen: number[] = [];
const latencies: number[] = [];
let reachAt = Number.POSITIVE_INFINITY;
let reachedSent = false;

// Diagnostic: with BENCH_LATENCY_TRACE=<file>, each task's start time and latency and each GC
// pause of this child are written there at stop, to tell what a slow start waited for.
const traceFile = process.env.BENCH_LATENCY_TRACE;
const traced: string[] = [];
if (traceFile) {
  const { PerformanceObserver, performance } = await import("node:perf_hooks");
  const origin = performance.timeOrigin;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      traced.push(`gc ${(origin + entry.startTime).toFixed(2)} ${entry.duration.toFixed(2)} kind=${kind}`);
    }
  }).observe({ entryTypes: ["gc"] });
}

function onTask(payload: Payload): void {
  if (payload.t > 0) {
    const now = wallMs();
    latencies.push(now - payload.t);
    if (traceFile) traced.push(`task ${payload.n} ${now.toFixed(2)} ${(now - payload.t).toFixed(2)}`);
  }
  seen.push(payload.n);
  if (!reachedSent && seen.length >= reachAt) {
    reachedSent = true;
    send({ type: "reached", at: wallMs() });
  }
}

const idle: PreparedWorker = { start: async () => {}, stop: async () => {} };

async function main(): Promise<void> {
  let worker = idle;
  if (lib !== FLOOR_LIB) {
    const module = (await import(`./workers/${lib}.ts`)) as { prepare: PrepareWorker };
    worker = await module.prepare(target!, JSON.parse(profileJson!), onTask);
  }
  const atReady = memoryFigures();
  process.on("message", (message: ToChild) => {
    if (message.type === "go") {
      reachAt = message.reachAt;
      worker.start().catch(fail);
    } else if (message.type === "stop") {
      measureMemory(lib!, atReady)
        .then(async (memory) => {
          await worker.stop();
          if (traceFile) (await import("node:fs")).writeFileSync(`${traceFile}.${process.pid}`, traced.join("\n") + "\n");
          // Disconnect only once the (large) report has been written to the channel.
          send({ type: "report", seen, latencies, rss: memory.atStop.rss, memory }, () => process.disconnect());
        })
        .catch(fail);
    }
  });
  send({ type: "ready" });
}

main().catch(fail);
