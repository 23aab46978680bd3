/**
 * CPU and WAL per task of the drain's two statements alone: enqueues 100,000 tasks into a
 * fresh database, then claims and completes them in batches of 500 from one process, and
 * prints Postgres CPU (utime + stime of every postgres process, from /proc), this process's
 * CPU and WAL bytes per task. Run: `pnpm --filter bench exec tsx src/claim-complete-cpu.ts`.
 * Linux only; `BENCH_PG_URL` names the server, as for `pnpm bench`.
 */
import postgres from "postgres";
import { serverCostFrom, serverCostSince } from "./postgres-cpu.js";
import { identityHash, newTaskId } from "@tasks/core/backend";
import { postgresBackend } from "@tasks/backend-drizzle/pg";

const TASKS = 100_000;
const BATCH = 500;
const server = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432";

const database = `bench_cpu_${Math.random().toString(36).slice(2, 10)}`;
const admin = postgres(`${server}/postgres`, { onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE ${database}`);
const client = postgres(`${server}/${database}`, { onnotice: () => {}, max: 1 });
try {
  const backend = postgresBackend({ url: `${server}/${database}`, listen: false });
  await backend.migrate();
  for (let first = 0; first < TASKS; first += 5_000) {
    const tasks = Array.from({ length: 5_000 }, (_, index) => {
      const args = [{ n: first + index, pad: "x".repeat(60) }];
      return { id: newTaskId(), taskName: "t", queueName: "default", priority: 0, args, runAfter: null, maxAttempts: 1, identityHash: identityHash("t", args), uniqueKey: null, scheduledFor: null, traceContext: null };
    });
    await backend.enqueue({ backend: "cpu", now: new Date(), tasks });
  }
  await client`CHECKPOINT`;
  const start = await serverCostFrom(client);
  const own = process.cpuUsage();
  const began = performance.now();
  let done = 0;
  for (;;) {
    const queues = { include: ["default"], exclude: [] };
    const claimed = await backend.claim({ backend: "cpu", now: new Date(), workerId: "cpu", queues, limit: BATCH, leaseMs: 60_000 });
    if (claimed.length === 0) break;
    const completions = claimed.map((record) => ({ id: record.id, attempt: record.attempts, outcome: { status: "SUCCESSFUL" as const, returnValue: { ok: true } } }));
    done += (await backend.complete({ backend: "cpu", now: new Date(), completions })).applied.length;
  }
  const wallMs = performance.now() - began;
  const nodeUs = process.cpuUsage(own);
  const { cpuUs: postgresUs, walBytes } = await serverCostSince(client, start);
  await backend.close();
  console.log(
    `${done} tasks claimed and completed in ${Math.round(wallMs)} ms (${Math.round((done / wallMs) * 1000)}/s): ` +
      `Postgres CPU ${(postgresUs / done).toFixed(1)} µs/task, Node CPU ${((nodeUs.user + nodeUs.system) / done).toFixed(1)} µs/task, ` +
      `WAL ${Math.round(walBytes / done)} B/task`,
  );
} finally {
  await client.end();
  await admin.unsafe(`DROP DATABASE ${database}`);
  await admin.end();
}
