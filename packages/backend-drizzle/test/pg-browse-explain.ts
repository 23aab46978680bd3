/**
 * Prints the plans (EXPLAIN ANALYZE) and run times of the dashboard's list and search queries
 * on 1,000,000 finished and 100,000 READY rows, and times the dashboard overview's reads as
 * it makes them: `health()` of scope "live" with 10 recent failures, `countFinished` of the
 * last hour in one-minute buckets per queue, and `listSchedules` (health of scope "all" for
 * comparison). Not a test; run it by hand:
 *   pnpm --filter @tasks/backend-drizzle exec tsx test/pg-browse-explain.ts [finished rows] > plans.txt
 * (pg-browse-plans.test.ts checks the same shapes on every test run, at 200,000 rows.)
 */
import { PgDialect } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import type { SQL } from "drizzle-orm";
import type { HealthParams } from "@tasks/core/backend";
import { PostgresBackend } from "../src/pg/index.js";
import { countQuery, listQuery } from "../src/pg/browse.js";
import { healthCountsQuery } from "../src/pg/queries.js";
import { listShapes, loadedAt, loadTasks } from "./helpers/browse-load.js";
import { createTestDatabase } from "./helpers/pg.js";

const FINISHED = Number(process.argv[2] ?? 1_000_000);
const READY = 100_000;
/** The shapes printed with their whole plan; every shape gets a timing line. */
const SHOWN = new Set([
  "enqueued desc, no filter",
  "enqueued desc, no filter, next page",
  "enqueued asc, a 10-minute window",
  "enqueued desc, FAILED",
  "enqueued desc, one task name, next page",
  "finished desc, no filter",
  "finished desc, no filter, next page",
  "finished desc, FAILED",
  "finished desc, FAILED of one task name",
  "finished desc, one queue, next page",
  "finished asc, a 10-minute window",
  "enqueued desc, search a rare value (one SKU)",
  "enqueued desc, search a common value (a user)",
  "finished desc, search a rare value (one SKU)",
  "finished desc, search a common value (a user)",
  "enqueued desc, ids",
]);

const dialect = new PgDialect();
const database = await createTestDatabase();
let failed = false;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function timed<T>(run: () => Promise<T>, times = 5): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    ms.push(performance.now() - start);
  }
  return median(ms);
}

try {
  const { client } = database;
  const loadStart = performance.now();
  await loadTasks(client, "default", FINISHED, READY);
  console.log(`Loaded ${FINISHED.toLocaleString("en-US")} finished and ${READY.toLocaleString("en-US")} READY rows into ${database.name} in ${((performance.now() - loadStart) / 1000).toFixed(0)} s.`);
  const sizes = await client`SELECT indexrelname AS name, pg_size_pretty(pg_relation_size(indexrelid)) AS size FROM pg_stat_user_indexes WHERE relname = 'tasks_results' ORDER BY pg_relation_size(indexrelid) DESC`;
  const [table] = await client`SELECT pg_size_pretty(pg_relation_size('tasks_results')) AS size`;
  console.log(`\ntasks_results: heap ${table!.size}; indexes: ${sizes.map((row) => `${row.name} ${row.size}`).join(", ")}`);

  const explain = async (query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    const rows = await client.unsafe(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, params as never[]);
    return rows.map((row) => String(row["QUERY PLAN"])).join("\n");
  };
  const backend = new PostgresBackend({ url: database.url, listen: false });
  try {
    console.log("\n## Every list shape: median of 5 runs of backend.listTasks (50 per page)\n");
    console.log("| shape | ms | tasks |\n| --- | ---: | ---: |");
    for (const { title, params } of listShapes("default", FINISHED)) {
      const page = await backend.listTasks(params);
      const ms = await timed(() => backend.listTasks(params));
      console.log(`| ${title} | ${ms.toFixed(1)} | ${page.tasks.length} |`);
    }
    for (const { title, params } of listShapes("default", FINISHED)) {
      if (!SHOWN.has(title)) continue;
      const query = listQuery(params);
      if (query) console.log(`\n### ${title}\n\n\`\`\`\n${await explain(query)}\n\`\`\``);
    }

    const until = loadedAt(FINISHED);
    const since = new Date(until.getTime() - 3_600_000);
    const counts = { backend: "default", since, until, bucketMs: 60_000 };
    console.log(`\n### countFinished, last hour in 1-minute buckets (per queue and status)\n\n\`\`\`\n${await explain(countQuery(counts))}\n\`\`\``);
    const live: HealthParams = { backend: "default", now: until, recentFailures: 10, scope: "live" };
    const all: HealthParams = { ...live, scope: "all" };
    const explainText = async (text: string, params: readonly unknown[]) =>
      (await client.unsafe(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, params as never[])).map((row) => String(row["QUERY PLAN"])).join("\n");
    const countsPlan = (params: HealthParams) => {
      const { sql: text, params: values } = healthCountsQuery(drizzle({ client }), params).toSQL();
      return explainText(text, values);
    };
    const schedules = { backend: "default" };
    console.log("\n## The overview: median of 5 runs\n");
    console.log(`- health({ scope: "live", recentFailures: 10 }): ${(await timed(() => backend.health(live))).toFixed(1)} ms`);
    console.log(`- countFinished(last hour, 1-minute buckets): ${(await timed(() => backend.countFinished(counts))).toFixed(1)} ms`);
    console.log(`- listSchedules(): ${(await timed(() => backend.listSchedules(schedules))).toFixed(1)} ms`);
    const overview = () => Promise.all([backend.health(live), backend.countFinished(counts), backend.listSchedules(schedules)]);
    console.log(`- the three, as the overview runs them (in parallel): ${(await timed(overview)).toFixed(1)} ms`);
    console.log(`- for comparison, health() of scope "all" (counts every finished task): ${(await timed(() => backend.health(all))).toFixed(1)} ms`);
    console.log(`\n### health() of scope "live": its count by queue and status\n\n\`\`\`\n${await countsPlan(live)}\n\`\`\``);
    const failuresText = `SELECT id, task_name, queue_name, finished_at, errors FROM tasks_results WHERE backend = $1 AND status = 'FAILED' ORDER BY finished_at DESC, id DESC LIMIT 10`;
    console.log(`\n### health()'s recent failures (same in both scopes)\n\n\`\`\`\n${await explainText(failuresText, ["default"])}\n\`\`\``);
    console.log(`\n### health() of scope "all": its count by queue and status\n\n\`\`\`\n${await countsPlan(all)}\n\`\`\``);
  } finally {
    await backend.close();
  }
} catch (error) {
  failed = true;
  throw error;
} finally {
  await database.drop(failed);
}
