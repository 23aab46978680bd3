/**
 * Sustained-load worker child: `tsx src/sustained/child-main.ts <lib> <target> <profile-json>`.
 * Builds the library's worker with the same `workers/<lib>.ts` module as every other scenario,
 * says "ready", starts on "go", counts task starts per second, answers "count" requests, and
 * reports on "stop". Unlike worker-main.ts it keeps a bit set rather than a list of numbers, so a
 * 10-minute run stays small.
 */
import { failToParent, sendToParent } from "../child-ipc.js";
import { wallMs, type Payload } from "../payload.js";
import type { PrepareWorker, PreparedWorker } from "../workers/types.js";
import type { FromSustainedChild, ToSustainedChild } from "./protocol.js";
import { SeenSet } from "./seen-set.js";

const [lib, target, profileJson] = process.argv.slice(2);
if (!lib || !target || !profileJson || !process.send) {
  console.error("sustained/child-main.ts is started by the benchmark with: <lib> <target> <profile-json>, over an IPC channel.");
  process.exit(2);
}

const send = (message: FromSustainedChild, then?: () => void): void => sendToParent(message, then);
const fail = failToParent;

const seen = new SeenSet();
const perSecond: number[] = [];
let started = 0;
let goAt = 0;

function onTask(payload: Payload): void {
  started++;
  seen.add(payload.n);
  const second = Math.max(0, Math.floor((wallMs() - goAt) / 1000));
  perSecond[second] = (perSecond[second] ?? 0) + 1;
}

async function main(): Promise<void> {
  const module = (await import(`../workers/${lib}.ts`)) as { prepare: PrepareWorker };
  const worker: PreparedWorker = await module.prepare(target!, JSON.parse(profileJson!), onTask);
  process.on("message", (message: ToSustainedChild) => {
    if (message.type === "go") {
      goAt = message.goAt;
      worker.start().catch(fail);
    } else if (message.type === "count") {
      send({ type: "count", id: message.id, started });
    } else if (message.type === "stop") {
      const rss = process.memoryUsage().rss;
      worker
        .stop()
        .then(() => {
          const filled = Array.from(perSecond, (count) => count ?? 0);
          const report = { perSecond: filled, seen: seen.toBase64(), duplicates: seen.duplicates, outside: seen.outside, rss };
          send({ type: "report", ...report }, () => process.disconnect());
        })
        .catch(fail);
    }
  });
  send({ type: "ready" });
}

main().catch(fail);
