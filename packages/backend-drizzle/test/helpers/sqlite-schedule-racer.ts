/**
 * Child process of sqlite-schedules.test.ts: one process enqueueing a schedule's occurrences
 * into a shared database file, round after round, as a worker's scheduler would (its own task
 * ids for each occurrence). Arguments: database file, backend alias, start time (epoch ms, so
 * every process starts together; round r starts 25 ms × r later), rounds, occurrences per round. Prints, as JSON on stdout,
 * how many tasks its calls stored, how late it started (ms) and how long its calls took.
 */
import { identityHash, newTaskId } from "@tasks/core/backend";
import { sqliteBackend } from "../../src/sqlite/index.js";

const [file, alias, startAt, rounds, perRound] = process.argv.slice(2);
if (!file || !alias || !startAt || !rounds || !perRound) throw new Error("usage: sqlite-schedule-racer.ts <file> <alias> <start ms> <rounds> <per round>");

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const ROUND_MS = 25;
const backend = sqliteBackend({ path: file });
const until = (time: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));
await until(Number(startAt));
let stored = 0;
const began = Date.now();
for (let round = 0; round < Number(rounds); round++) {
  // Every process starts each round at the same moment, so each round is a race.
  await until(Number(startAt) + round * ROUND_MS);
  const occurrences = Array.from({ length: Number(perRound) }, (_, index) => {
    const at = new Date(T0 + (round * Number(perRound) + index) * 1000);
    const args = [at.toISOString()];
    return {
      at,
      task: { id: newTaskId(), taskName: "raced", queueName: "default", priority: 0, args, runAfter: null, maxAttempts: 1, identityHash: identityHash("raced", args), uniqueKey: null, scheduledFor: at, traceContext: null },
    };
  });
  const through = occurrences.at(-1)!.at;
  stored += (await backend.enqueueOccurrences({ backend: alias, now: through, name: "raced", through, occurrences })).enqueued.length;
}
await backend.close();
process.stdout.write(`${JSON.stringify({ stored, late: began - Number(startAt), ms: Date.now() - began })}\n`);
