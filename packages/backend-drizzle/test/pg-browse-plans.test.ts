/**
 * Every list the dashboard sends reads the task tables through indexes, on 200,000 finished
 * and 20,000 READY rows: both orders and directions, first and later pages, each filter and
 * the argument search (through the GIN index among failed and cancelled tasks, a walk of an
 * order index when successes are searched too). Never a sequential scan of tasks_results; on
 * tasks_queue only the argument search and a time window may read the backlog. countFinished reads a
 * range of an index too. A health() of scope "live" counts from the queue table only and, without
 * recent failures, answers while tasks_results is locked. (pg-browse-explain.ts prints the same
 * plans, with timings, at 1M rows.)
 */
import { PgDialect } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import type { SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { HealthParams } from "@tasks/core/backend";
import { countQuery, listQuery } from "../src/pg/browse.js";
import { PostgresBackend } from "../src/pg/index.js";
import { healthCountsQuery } from "../src/pg/queries.js";
import { listShapes, loadedAt, loadTasks } from "./helpers/browse-load.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";

const available = await postgresAvailable();
const FINISHED = 200_000;
const dialect = new PgDialect();

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan, depth first. */
function nodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodes)];
}

describe.skipIf(!available)("Postgres browse plans", () => {
  const database = useTestDatabase();

  beforeAll(async () => {
    await loadTasks(database().client, "plan", FINISHED, 20_000);
  }, 300_000);

  async function planOf(query: SQL): Promise<PlanNode> {
    const { sql: text, params } = dialect.sqlToQuery(query);
    const [row] = await database().client.unsafe(`EXPLAIN (FORMAT JSON) ${text}`, params as never[]);
    return (row!["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan;
  }

  it("reads tasks_results through an index for every list shape, and tasks_queue too unless searching arguments or ending a time window", async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { title, params } of listShapes("plan", FINISHED)) {
      const query = listQuery(params);
      if (!query) continue;
      checked++;
      const plan = await planOf(query);
      const scans = nodes(plan).filter((node) => node["Relation Name"] === "tasks_results" || node["Relation Name"] === "tasks_queue");
      if (scans.length === 0) problems.push(`${title}: reads no task table`);
      for (const scan of scans) {
        const table = scan["Relation Name"];
        // The queue table holds only the backlog: no index serves an argument search there, and
        // a time window's end bounds no id (see firstIdAt), so the planner may read it whole.
        const queueMayScan = params.filter.argsValue !== undefined || params.filter.until !== undefined;
        if (scan["Node Type"] === "Seq Scan" && (table === "tasks_results" || !queueMayScan)) {
          problems.push(`${title}: Seq Scan on ${table}\n${JSON.stringify(plan)}`);
        }
      }
      const indexes = nodes(plan).flatMap((node) => (node["Index Name"] ? [node["Index Name"]] : []));
      if (params.filter.argsValue !== undefined && params.order === "finished" && !indexes.some((name) => name.startsWith("tasks_results_"))) {
        problems.push(`${title}: uses no index of tasks_results (${indexes.join(", ")})`);
      }
    }
    expect(checked).toBeGreaterThan(80);
    expect(problems).toEqual([]);
  });

  it("searches failed and cancelled tasks through the GIN index, and walks an order index for a search that includes successes", async () => {
    const planOfShape = async (title: string) => {
      const [shape] = listShapes("plan", FINISHED).filter((candidate) => candidate.title === title);
      return nodes(await planOf(listQuery(shape!.params)!));
    };
    for (const title of ["finished desc, FAILED, search a rare value (one SKU)", "enqueued desc, FAILED or CANCELLED, search a common value (a user)"]) {
      expect((await planOfShape(title)).map((node) => node["Index Name"]), title).toContain("tasks_results_unsuccessful_args_idx");
    }
    // Successful tasks are not in the GIN index (0009): their search is a filter on the walk of
    // the list's order, which stops when the page is full or after SEARCH_WALK_ROWS rows.
    const everySearch = await planOfShape("finished desc, search a rare value (one SKU)");
    expect(everySearch.map((node) => node["Index Name"])).not.toContain("tasks_results_unsuccessful_args_idx");
    expect(everySearch.find((node) => node["Relation Name"] === "tasks_results")).toMatchObject({ "Node Type": "Index Scan", "Index Name": "tasks_results_finished_order_idx" });
    const plainPlan = await planOfShape("finished desc, no filter, next page");
    expect(plainPlan.find((node) => node["Relation Name"] === "tasks_results")).toMatchObject({ "Node Type": "Index Scan", "Index Name": "tasks_results_finished_order_idx" });
    expect(plainPlan.map((node) => node["Node Type"])).not.toContain("Sort");
  });

  it("counts the last hour's finished tasks from a range of an index", async () => {
    const until = loadedAt(FINISHED);
    const plan = nodes(await planOf(countQuery({ backend: "plan", since: new Date(until.getTime() - 3_600_000), until, bucketMs: 60_000 })));
    // 6,000 of the 200,000 rows finished in that hour.
    const scans = plan.filter((node) => node["Relation Name"] === "tasks_results");
    expect(scans.length).toBe(1);
    expect(scans[0]!["Node Type"]).not.toBe("Seq Scan");
  });

  it("counts health's scope \"live\" from the queue table only, and scope \"all\" from both tables", async () => {
    const db = drizzle({ client: database().client });
    const tablesRead = async (scope: HealthParams["scope"]) => {
      const { sql: text, params } = healthCountsQuery(db, { backend: "plan", now: loadedAt(FINISHED), recentFailures: 10, scope }).toSQL();
      const [row] = await database().client.unsafe(`EXPLAIN (FORMAT JSON) ${text}`, params as never[]);
      const plan = (row!["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan;
      return [...new Set(nodes(plan).flatMap((node) => (node["Relation Name"] ? [node["Relation Name"]] : [])))].sort();
    };
    expect(await tablesRead("live")).toEqual(["tasks_queue"]);
    expect(await tablesRead("all")).toEqual(["tasks_queue", "tasks_results"]);
    expect(await tablesRead(undefined)).toEqual(["tasks_queue", "tasks_results"]);
  });

  it("answers a health() of scope \"live\" without recent failures while tasks_results is locked, and counts the backlog", async () => {
    const backend = new PostgresBackend({ url: database().url, listen: false });
    const health = (scope: HealthParams["scope"]) => backend.health({ backend: "plan", now: loadedAt(FINISHED + 20_000), recentFailures: 0, scope });
    // A 5-second wait tells "blocked on the lock" apart from "answered" (an unblocked health takes milliseconds).
    const withinFiveSeconds = <T>(promise: Promise<T>) =>
      Promise.race([promise, new Promise<"still waiting">((resolve) => setTimeout(() => resolve("still waiting"), 5_000))]);
    try {
      const before = await health("all");
      let blockedAll: Promise<unknown> | undefined;
      await database().client.begin(async (tx) => {
        await tx`LOCK TABLE tasks_results IN ACCESS EXCLUSIVE MODE`;
        const live = await withinFiveSeconds(health("live"));
        expect(live).not.toBe("still waiting");
        const report = live as Awaited<ReturnType<typeof health>>;
        expect(report.queues).toEqual(
          Object.fromEntries(Object.entries(before.queues).map(([queue, counts]) => [queue, { ...counts, SUCCESSFUL: 0, FAILED: 0, CANCELLED: 0 }])),
        );
        expect(Object.values(report.queues).reduce((sum, counts) => sum + counts.READY, 0)).toBe(20_000);
        // The check can fail: a health() of every scope reads tasks_results and waits for the lock.
        blockedAll = health("all");
        expect(await withinFiveSeconds(blockedAll)).toBe("still waiting");
      });
      expect(await blockedAll).toEqual(before);
    } finally {
      await backend.close();
    }
  }, 30_000);
});
