/**
 * Where the time of a bulk enqueue and of a saturated drain goes, per task, in one process:
 * enqueues 50,000 tasks with `enqueueMany` in chunks of 2,500 (as `enqueue_bulk` does), then
 * drains them with a `Worker` of concurrency 400 (the `tuned` profile of `drain`), and prints
 * for each phase the wall time, this process's CPU (`process.cpuUsage()`), the CPU of every
 * postgres process (utime + stime from /proc, so the WAL writer and checkpointer count too),
 * WAL bytes, and the statements and bytes the phase sent. On 2 cores, wall ≈ Node + Postgres
 * for the enqueue (one statement at a time) and ≈ (Node + Postgres) / 2 at best for the drain.
 *
 * Run: `pnpm --filter bench exec tsx src/worker-cpu.ts [rounds]` (default 3 rounds, each on a
 * fresh database). Linux only; `BENCH_PG_URL` names the server, as for `pnpm bench`. To see
 * what an index costs, `BENCH_DROP_INDEXES=name[,name…]` drops those indexes after migrating.
 */
import net from "node:net";
import type postgres from "postgres";
import { withFreshDatabase } from "./db.js";
import { chunks, payloads, type Payload } from "./payload.js";
import { serverCostFrom, serverCostSince } from "./postgres-cpu.js";
import { closeTasks, configureTasks, silentLogger, task, unregisterTasks, Worker } from "@tasks/core";
import { postgresBackend } from "@tasks/backend-drizzle/pg";

const TASKS = 50_000;
const CHUNK = 2_500;
const CONCURRENCY = 400;
const rounds = Number(process.argv[2] ?? 3);

// Counts what this process writes to its sockets (all of them talk to Postgres here).
const sent = { writes: 0, bytes: 0 };
const socketWrite = net.Socket.prototype.write;
net.Socket.prototype.write = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
  sent.writes++;
  sent.bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : (chunk as Uint8Array).length;
  return (socketWrite as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
} as typeof socketWrite;

/** Measures one phase: per-task wall, Node and Postgres CPU, WAL, and what was sent. */
async function measure(client: postgres.Sql, phase: () => Promise<void>): Promise<string> {
  const start = await serverCostFrom(client);
  const own = process.cpuUsage();
  const writes = { ...sent };
  const began = performance.now();
  await phase();
  const wallUs = (performance.now() - began) * 1000;
  const nodeUs = process.cpuUsage(own);
  const { cpuUs: postgresUs, walBytes } = await serverCostSince(client, start);
  const per = (value: number) => (value / TASKS).toFixed(1);
  return (
    `${Math.round((TASKS / wallUs) * 1e6)}/s; per task: wall ${per(wallUs)} µs, Node CPU ${per(nodeUs.user + nodeUs.system)} µs ` +
    `(user ${per(nodeUs.user)}, system ${per(nodeUs.system)}), Postgres CPU ${per(postgresUs)} µs, WAL ${Math.round(walBytes / TASKS)} B; ` +
    `${sent.writes - writes.writes} socket writes, ${Math.round((sent.bytes - writes.bytes) / TASKS)} B sent per task`
  );
}

for (let round = 1; round <= rounds; round++) {
  await withFreshDatabase("wcpu", async ({ url, sql: client }) => {
    const backend = postgresBackend({ url, listen: false });
    await backend.migrate();
    for (const name of (process.env.BENCH_DROP_INDEXES ?? "").split(",").filter(Boolean)) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`BENCH_DROP_INDEXES: "${name}" is not an index name.`);
      await client.unsafe(`DROP INDEX ${name}`);
    }
    configureTasks({ backends: { default: backend }, logger: silentLogger });
    let ran = 0;
    let allRan!: () => void;
    const drained = new Promise<void>((resolve) => (allRan = resolve));
    const noop = task({ name: "bench.cpu" }, (_payload: Payload) => {
      if (++ran === TASKS) allRan();
    });
    // The payloads and chunks of `enqueue_bulk`; the first call prepares the statement outside the timing.
    const batches = chunks(payloads(TASKS).map((payload) => [payload] as [Payload]), CHUNK);
    await noop.enqueueMany([[{ n: 0, t: 0 }]]);
    await client`DELETE FROM tasks_queue`;
    await client`CHECKPOINT`;
    const enqueue = await measure(client, async () => {
      for (const batch of batches) await noop.enqueueMany(batch);
    });
    await client`CHECKPOINT`;
    const worker = new Worker({ logger: silentLogger, concurrency: CONCURRENCY });
    let running: Promise<unknown> | undefined;
    const drain = await measure(client, async () => {
      running = worker.run();
      await drained;
    });
    worker.stop();
    await running;
    console.log(`round ${round}\n  enqueueMany: ${enqueue}\n  drain:       ${drain}`);
    unregisterTasks("bench.cpu");
    await closeTasks();
  });
}
