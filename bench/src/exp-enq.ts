// Temporary experiment harness (not committed).
import postgres from "postgres";
import { configureTasks, closeTasks, silentLogger, task } from "@tasks/core";
import { migrate, PostgresBackend } from "@tasks/backend-drizzle/pg";
const admin = postgres("postgres://postgres@127.0.0.1:5432/test", { max: 1, onnotice: () => {} });
await admin.unsafe("DROP DATABASE IF EXISTS exp_e WITH (FORCE)"); await admin.unsafe("CREATE DATABASE exp_e"); await admin.end();
const url = "postgres://postgres@127.0.0.1:5432/exp_e";
const backend = new PostgresBackend({ url, listen: false });
await migrate(backend.db);
if (process.env.DROP) for (const i of process.env.DROP.split(",")) await backend.db.execute(`DROP INDEX tasks_results_${i}_idx` as any);
configureTasks({ backends: { default: backend }, logger: silentLogger });
const noop = task({ name: "bench.noop" }, (_p: { n: number; t: number }) => {});
let n = 0;
const t0 = performance.now();
for (let b = 0; b < 20; b++) { const batch = []; for (let i = 0; i < 2500; i++) batch.push([{ n: ++n, t: 0 }] as [{ n: number; t: number }]); await noop.enqueueMany(batch); }
const s = (performance.now() - t0) / 1000;
console.log(`enqueueMany ${Math.round(50000 / s)}/s`);
await closeTasks();
