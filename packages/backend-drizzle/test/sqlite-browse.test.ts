/**
 * The browse operations on SQLite, on a real file: lists across both task tables, the
 * argument search, retries announced to this process's listeners (see
 * helpers/browse-scenarios.ts; the shared conformance suite covers the contract), and the
 * query plans: every list reads an index in order, never a whole table, and a health() of scope
 * "live" counts from the queue table only.
 */
import { describe, expect, it } from "vitest";
import type { HealthParams, ListTasksParams, ResultStatus } from "@tasks/core/backend";
import { countQuery, listQuery } from "../src/sqlite/browse.js";
import { healthCountsQuery } from "../src/sqlite/queries.js";
import { browseScenarios } from "./helpers/browse-scenarios.js";
import { migratedFile, openDb, useSqliteFiles } from "./sqlite-helpers.js";

describe("SQLite browse operations", () => {
  const files = useSqliteFiles();
  browseScenarios(async () => {
    const backend = files.open(await migratedFile(files.dir()));
    return { backend, other: backend };
  });

  it("reads every list through an index in its order (no table scan, no sort of the whole table)", async () => {
    const { client } = openDb(await migratedFile(files.dir()));
    try {
      const base: ListTasksParams = { backend: "b", filter: {}, order: "enqueued", direction: "desc", limit: 50 };
      const shapes: [string, ListTasksParams][] = [];
      for (const order of ["enqueued", "finished"] as const) {
        for (const direction of ["asc", "desc"] as const) {
          const cursor = { id: "01900000-0000-7000-8000-000000000000", finishedAt: order === "finished" ? new Date(0) : null };
          const filters = [
            {},
            { statuses: ["FAILED"] as ResultStatus[] },
            { statuses: ["READY", "SUCCESSFUL"] as ResultStatus[] },
            { queues: ["default"], taskNames: ["a", "b"] },
            { from: new Date(0), until: new Date(1e12) },
            { argsValue: "needle" },
          ];
          for (const filter of filters) {
            shapes.push([`${order} ${direction} ${JSON.stringify(filter)}`, { ...base, order, direction, filter }]);
            shapes.push([`${order} ${direction} ${JSON.stringify(filter)} after a cursor`, { ...base, order, direction, filter, after: cursor }]);
          }
        }
      }
      for (const [title, params] of shapes) {
        const query = listQuery(params);
        if (!query) {
          expect(params.order === "finished" && params.filter.statuses?.every((status) => status === "READY"), title).toBe(true);
          continue;
        }
        const plan = (client.prepare(`EXPLAIN QUERY PLAN ${query.text}`).all(...query.values) as { detail: string }[]).map((row) => row.detail).join("\n");
        const reads = plan.split("\n").filter((line) => /^(SCAN|SEARCH) tasks_(queue|results)/.test(line));
        expect(reads.length, `${title}\n${plan}`).toBeGreaterThan(0);
        for (const read of reads) expect(read, `${title}\n${plan}`).toMatch(/USING (COVERING )?INDEX (sqlite_autoindex_tasks_(queue|results)_1|tasks_results_finished_idx)/);
        // A sort of a branch's rows would read the whole table before the LIMIT; only the merge of the branches' pages may sort.
        expect(plan, `${title}\n${plan}`).not.toMatch(/USE TEMP B-TREE FOR ORDER BY\n.*(SCAN|SEARCH) tasks_/);
      }
      const counts = countQuery({ backend: "b", since: new Date(0), until: new Date(3_600_000), bucketMs: 60_000 });
      const plan = (client.prepare(`EXPLAIN QUERY PLAN ${counts.text}`).all(...counts.values) as { detail: string }[]).map((row) => row.detail).join("\n");
      expect(plan.match(/SEARCH tasks_results USING (COVERING )?INDEX tasks_results_finished_idx \(backend=\? AND status=\? AND finished_at>\? AND finished_at<\?\)/g)).toHaveLength(3);
      expect(plan).toMatch(/SEARCH tasks_results USING (COVERING )?INDEX tasks_results_finished_idx \(backend=\? AND status=\? AND finished_at>\? AND finished_at<\?\)/);
      expect(plan).not.toMatch(/SCAN tasks_results/);
    } finally {
      client.close();
    }
  });

  it("counts health's scope \"live\" from the queue table only, and scope \"all\" from both tables", async () => {
    const { client, db } = openDb(await migratedFile(files.dir()));
    try {
      const tablesRead = (scope: HealthParams["scope"]) => {
        const { sql: text, params } = healthCountsQuery(db, { backend: "b", now: new Date(0), recentFailures: 10, scope }).toSQL();
        const plan = (client.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[]).map((row) => row.detail);
        return [...new Set(plan.flatMap((line) => line.match(/^(?:SCAN|SEARCH) (tasks_\w+)/)?.[1] ?? []))].sort();
      };
      expect(tablesRead("live")).toEqual(["tasks_queue"]);
      expect(tablesRead("all")).toEqual(["tasks_queue", "tasks_results"]);
      expect(tablesRead(undefined)).toEqual(["tasks_queue", "tasks_results"]);
    } finally {
      client.close();
    }
  });
});
