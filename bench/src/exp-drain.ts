// Temporary experiment harness (not committed).
import postgres from "postgres";
import { configureTasks, closeTasks, silentLogger, task, Worker, getBackend } from "@tasks/core";
import { migrate, PostgresBackend } from "@tasks/backend-drizzle/pg";
const C = Number(process.env.C ?? 200);
const N = Number(process.env.N ?? 50000);
const admin = postgres("postgres://postgres@127.0.0.1:5432/test", { max: 1, onnotice: () => {} });
await admin.unsafe("DROP DATABASE IF EXISTS exp_w WITH (FORCE)"); await admin.unsafe("CREATE DATABASE exp_w"); await admin.end();
const url = "postgres://postgres@127.0.0.1:5432/exp_w";
const backend = new PostgresBackend({ url });
await migrate(backend.db);
const sql = postgres(url, { max: 1, onnotice: () => {} });
await sql.unsafe(`INSERT INTO tasks_results (id, backend, task_name, queue_name, priority, args, status, runnable_at, enqueued_at, attempts, max_attempts, worker_ids, errors, identity_hash)
 SELECT gen_random_uuid(), 'default', 'bench.noop', 'default', 0, jsonb_build_array(jsonb_build_object('n', g, 't', 0)), 'READY', now() - interval '1 day' + g * interval '1 ms', now(), 0, 1, '[]', '[]', md5(g::text) FROM generate_series(1, ${N}) g`);
await sql.unsafe("VACUUM ANALYZE tasks_results");
configureTasks({ backends: { default: backend }, logger: silentLogger });
let ran = 0;
task({ name: "bench.noop" }, () => { ran++; });
const b = getBackend().backend as any;
const stats = { claim: 0, claimed: 0, complete: 0, completed: 0 };
const oc = b.claim.bind(b), ocomp = b.complete.bind(b);
b.claim = async (p: any) => { stats.claim++; const r = await oc(p); stats.claimed += r.length; return r; };
b.complete = async (p: any) => { stats.complete++; stats.completed += p.completions.length; return ocomp(p); };
import { readdirSync, readFileSync } from "node:fs";
function pgTicks(): number { let t = 0; for (const d of readdirSync("/proc")) { if (!/^\d+$/.test(d)) continue; try { const st = readFileSync(`/proc/${d}/stat`, "utf8"); if (!st.includes("(postgres)")) continue; const f = st.slice(st.lastIndexOf(")") + 2).split(" "); t += Number(f[11]) + Number(f[12]); } catch {} } return t; }
const pg0 = pgTicks(); const cpu0 = process.cpuUsage();
const worker = new Worker({ logger: silentLogger, concurrency: C, batch: true });
const t0 = performance.now();
await worker.run();
const s = (performance.now() - t0) / 1000; const cpu = process.cpuUsage(cpu0); const pgMs = (pgTicks() - pg0) * 10;
console.log(`C=${C} ran=${ran} ${Math.round(ran / s)}/s node ${((cpu.user + cpu.system) / 1000 / ran * 1000).toFixed(1)}us/task pg ${(pgMs / ran * 1000).toFixed(1)}us/task`, stats, `avg claim ${(stats.claimed / stats.claim).toFixed(1)} avg complete ${(stats.completed / stats.complete).toFixed(1)}`, "rss", Math.round(process.memoryUsage().rss / 2 ** 20));
await sql.end(); await closeTasks();
