/**
 * Rows written by other code (raw SQL, another program, an older version), on Postgres and
 * SQLite: each row sits in the middle of the queue, between tasks enqueued through the backend,
 * and the claims drain the queue. Every such row either runs (with the value stored, or a
 * documented normalization), is set aside as FAILED with an error naming the column, or is left
 * alone; the other tasks all run, and rows the claims do not select never change. The README's
 * "Rows written by other code" section lists the same decisions.
 */
import { describe, expect, it } from "vitest";
import { identityHash, newTaskId, type TaskRecord } from "@tasks/core/backend";
import { at, newAlias, pgAvailable, usePostgresDialect, useSqliteDialect, type RawDialect, type RawValue } from "./helpers/raw-rows.js";

type Outcome =
  | { readonly runs: (claimed: TaskRecord, position: number) => void }
  | {
      /** The problem named, by `get()` before and in the set-aside error after. */
      readonly setAside: RegExp;
      /** What the set-aside error says the value became. */
      readonly fallback: string;
      readonly after?: (record: TaskRecord, row: Record<string, unknown>) => void;
    }
  | { readonly leftAlone: RegExp };

interface Case {
  readonly title: string;
  readonly only?: RawDialect["name"];
  readonly values: Record<string, RawValue>;
  readonly outcome: Outcome;
}

const CASES: Case[] = [
  { title: 'args stored as the JSON string "hello" is returned as that string', values: { args: '"hello"' }, outcome: { runs: (claimed) => expect(claimed.args).toBe("hello") } },
  { title: "args stored as a JSON string that looks like JSON stays a string", values: { args: '"[1,2]"' }, outcome: { runs: (claimed) => expect(claimed.args).toBe("[1,2]") } },
  { title: "args stored as a JSON object is returned as that object", values: { args: '{"to":"a@example.com"}' }, outcome: { runs: (claimed) => expect(claimed.args).toEqual({ to: "a@example.com" }) } },
  { title: "args stored as JSON null is returned as null", values: { args: "null" }, outcome: { runs: (claimed) => expect(claimed.args).toBeNull() } },
  { title: "max_attempts 0 runs once, reported as stored", values: { max_attempts: 0 }, outcome: { runs: (claimed) => expect([claimed.attempts, claimed.maxAttempts]).toEqual([1, 0]) } },
  { title: "negative max_attempts runs once, reported as stored", values: { max_attempts: -3 }, outcome: { runs: (claimed) => expect([claimed.attempts, claimed.maxAttempts]).toEqual([1, -3]) } },
  { title: "a negative attempts count counts as 0", values: { attempts: -5 }, outcome: { runs: (claimed) => expect(claimed.attempts).toBe(1) } },
  {
    title: "priority above 100 runs first, reported as stored",
    values: { priority: 500 },
    outcome: { runs: (claimed, position) => expect([claimed.priority, position]).toEqual([500, 0]) },
  },
  {
    title: "priority below -100 runs last, reported as stored",
    values: { priority: -1000 },
    outcome: { runs: (claimed, position) => expect([claimed.priority, position]).toEqual([-1000, 4]) },
  },
  { title: "attempts stored as text counts as 0", only: "sqlite", values: { attempts: "x" }, outcome: { runs: (claimed) => expect(claimed.attempts).toBe(1) } },
  {
    title: "args that are not JSON are set aside, the text kept as a JSON string",
    only: "sqlite",
    values: { args: "{oops" },
    outcome: { setAside: /column "args" is not valid JSON \(it holds the text "\{oops"\)/, fallback: "kept as a JSON string", after: (record, row) => expect([record.args, row.args]).toEqual(["{oops", '"{oops"']) },
  },
  {
    title: "errors that are not JSON are set aside, the errors replaced by the set-aside error",
    only: "sqlite",
    values: { errors: "[{" },
    outcome: { setAside: /column "errors" is not valid JSON/, fallback: "set to []", after: (record) => expect(record.errors).toHaveLength(1) },
  },
  {
    title: "worker_ids that are not JSON (the claim's own UPDATE fails on them) are set aside",
    only: "sqlite",
    values: { worker_ids: "nope" },
    outcome: { setAside: /column "worker_ids" is not valid JSON/, fallback: "set to []", after: (record, row) => expect([record.workerIds, row.worker_ids]).toEqual([[], "[]"]) },
  },
  {
    title: "a return_value that is not JSON is set aside",
    only: "sqlite",
    values: { return_value: "<html>" },
    outcome: { setAside: /column "return_value" is not valid JSON/, fallback: "kept as a JSON string", after: (record) => expect(record.returnValue).toBe("<html>") },
  },
  {
    title: "priority stored as text is set aside (it sorts first on SQLite), the priority set to 0",
    only: "sqlite",
    values: { priority: "high" },
    outcome: { setAside: /column "priority" holds the text "high", not a whole number/, fallback: "set to 0", after: (record) => expect(record.priority).toBe(0) },
  },
  { title: "a fractional priority is set aside", only: "sqlite", values: { priority: 2.5 }, outcome: { setAside: /column "priority" holds the number 2\.5, not a whole number/, fallback: "set to 0" } },
  {
    title: "max_attempts stored as text is set aside, set to 1",
    only: "sqlite",
    values: { max_attempts: "x" },
    outcome: { setAside: /column "max_attempts" holds the text "x", not a whole number/, fallback: "set to 1", after: (record) => expect(record.maxAttempts).toBe(1) },
  },
  { title: "an enqueued_at that is not a time is set aside", only: "sqlite", values: { enqueued_at: "yesterday" }, outcome: { setAside: /column "enqueued_at" holds the text "yesterday", not a point in time/, fallback: "set to 1970-01-01" } },
  {
    title: "a run_after of -infinity is set aside, run_after set to NULL",
    only: "postgres",
    values: { run_after: "-infinity" },
    outcome: { setAside: /column "run_after" holds the text "-infinity", not a point in time/, fallback: "set to NULL", after: (record) => expect(record.runAfter).toBeNull() },
  },
  { title: "a scheduled_for is carried to the queue table and read back", values: { scheduled_for: at(1) }, outcome: { runs: (claimed) => expect(claimed.scheduledFor).toEqual(at(1)) } },
  {
    title: "a scheduled_for that is not a time is set aside, set to NULL",
    only: "sqlite",
    values: { scheduled_for: "tomorrow" },
    outcome: { setAside: /column "scheduled_for" holds the text "tomorrow", not a point in time/, fallback: "set to NULL", after: (record, row) => expect([record.scheduledFor, row.scheduled_for]).toEqual([null, null]) },
  },
  {
    title: "a scheduled_for of infinity is set aside, set to NULL",
    only: "postgres",
    values: { scheduled_for: "infinity" },
    outcome: { setAside: /column "scheduled_for" holds the text "infinity", not a point in time/, fallback: "set to NULL", after: (record, row) => expect([record.scheduledFor, row.scheduled_for]).toEqual([null, null]) },
  },
  {
    title: "a trace_context is carried to the queue table and read back",
    values: { trace_context: '{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","tracestate":"vendor=x"}' },
    outcome: { runs: (claimed) => expect(claimed.traceContext).toEqual({ traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "vendor=x" }) },
  },
  // Tracing must never stop work: a trace context that is not an object of strings reads as none, and the task runs.
  { title: "a trace_context holding a value that is not a string reads as null, and the task runs", values: { trace_context: '{"traceparent":1}' }, outcome: { runs: (claimed) => expect(claimed.traceContext).toBeNull() } },
  { title: "a trace_context holding a JSON array reads as null, and the task runs", values: { trace_context: '["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"]' }, outcome: { runs: (claimed) => expect(claimed.traceContext).toBeNull() } },
  { title: "a trace_context holding a JSON string reads as null, and the task runs", values: { trace_context: '"traceparent"' }, outcome: { runs: (claimed) => expect(claimed.traceContext).toBeNull() } },
  { title: "a trace_context that is not JSON reads as null, and the task runs", only: "sqlite", values: { trace_context: "{oops" }, outcome: { runs: (claimed) => expect(claimed.traceContext).toBeNull() } },
  { title: "a status that is not ours is never claimed and left as it is", values: { status: "PENDING" }, outcome: { leftAlone: /column "status" holds the text "PENDING", which is not a task status/ } },
];

/** Enqueues one plain task per second in `seconds` (runnable then) through the backend. */
async function enqueueAt(d: RawDialect, alias: string, seconds: number[], queueName = "default"): Promise<string[]> {
  const ids: string[] = [];
  for (const second of seconds) {
    const now = at(second);
    const args = [second, queueName];
    const task = { id: newTaskId(now.getTime()), taskName: "good.task", queueName, priority: 0, args, runAfter: null, maxAttempts: 1, identityHash: identityHash("good.task", args), uniqueKey: null, scheduledFor: null, traceContext: null };
    const [outcome] = await d.backend.enqueue({ backend: alias, now, tasks: [task] });
    ids.push(outcome!.record.id);
  }
  return ids;
}

/** Claims two at a time from the default queue until nothing is left, completing each claim; returns the claims in order. */
async function drain(d: RawDialect, alias: string): Promise<TaskRecord[]> {
  const claimed: TaskRecord[] = [];
  for (let round = 0; round < 10; round++) {
    const batch = await d.backend.claim({ backend: alias, now: at(10), workerId: "w", queues: { include: ["default"], exclude: [] }, limit: 2, leaseMs: 60_000 });
    if (batch.length === 0) return claimed;
    claimed.push(...batch);
    const completions = batch.map((record) => ({ id: record.id, attempt: record.attempts, outcome: { status: "SUCCESSFUL" as const, returnValue: null } }));
    expect((await d.backend.complete({ backend: alias, now: at(11), completions })).applied).toHaveLength(batch.length);
  }
  throw new Error("the queue never drained");
}

function describeDialect(name: RawDialect["name"], dialect: () => RawDialect): void {
  for (const entry of CASES.filter((candidate) => candidate.only === undefined || candidate.only === name)) {
    it(entry.title, async () => {
      const d = dialect();
      const alias = newAlias();
      const good = await enqueueAt(d, alias, [0, 1]);
      const raw = await d.insert(alias, { id: newTaskId(at(2).getTime()), runnable_at: at(2), enqueued_at: at(2), ...entry.values });
      good.push(...(await enqueueAt(d, alias, [3, 4])));
      await enqueueAt(d, alias, [0, 5], "bystander");
      const bystanders = await d.rows(alias, "bystander");
      const { outcome } = entry;
      const health = () => d.backend.health({ backend: alias, now: at(12), recentFailures: 10 });

      if (!("runs" in outcome)) {
        const unreadable = "setAside" in outcome ? outcome.setAside : outcome.leftAlone;
        await expect(d.backend.get({ backend: alias, id: raw })).rejects.toThrow(unreadable);
        await expect(d.backend.get({ backend: alias, id: raw })).rejects.toThrow(/cannot be read: .*written by something other than @tasks/);
        await health();
      }
      const claimed = await drain(d, alias);
      const claimedIds = claimed.map((record) => record.id);
      for (const id of good) expect((await d.backend.get({ backend: alias, id }))?.status).toBe("SUCCESSFUL");
      expect(await d.rows(alias, "bystander")).toEqual(bystanders);
      const report = await health();

      if ("runs" in outcome) {
        expect(claimedIds.filter((id) => id !== raw).sort()).toEqual([...good].sort());
        const position = claimedIds.indexOf(raw);
        expect(position).toBeGreaterThanOrEqual(0);
        outcome.runs(claimed[position]!, position);
        expect((await d.backend.get({ backend: alias, id: raw }))?.status).toBe("SUCCESSFUL");
      } else if ("setAside" in outcome) {
        expect(claimedIds.sort()).toEqual([...good].sort());
        const record = await d.backend.get({ backend: alias, id: raw });
        expect(record?.status).toBe("FAILED");
        const error = record!.errors.at(-1)!;
        expect(error.className).toBe("UnreadableTaskRowError");
        expect(error.message).toMatch(outcome.setAside);
        expect(error.message).toContain(`(${outcome.fallback})`);
        expect(error.message).toMatch(/^This task was set aside as FAILED without running because its stored row cannot be read: /);
        expect(report.recentFailures.map((failure) => [failure.id, failure.error?.className])).toEqual([[raw, "UnreadableTaskRowError"]]);
        outcome.after?.(record!, await d.row(raw));
      } else {
        expect(claimedIds.sort()).toEqual([...good].sort());
        expect((await d.row(raw)).status).toBe("PENDING");
        expect(report.queues.default?.SUCCESSFUL).toBe(4);
        expect(Object.values(report.queues.default ?? {}).reduce((sum, count) => sum + count, 0)).toBe(4);
      }
    });
  }
}

const WORKER_LOST = { className: "WorkerLostError", message: "worker lost", stack: "WorkerLostError: worker lost" };

/** A RUNNING row claimed at `at(1)` by a worker that is gone, as other code (or an older version) left it. */
function runningRow(values: Record<string, RawValue>): Record<string, RawValue> {
  return { id: newTaskId(at(0).getTime()), status: "RUNNING", runnable_at: at(0), enqueued_at: at(0), started_at: at(1), last_attempted_at: at(1), attempts: 1, worker_ids: '["gone"]', ...values };
}

function describeRescue(name: RawDialect["name"], dialect: () => RawDialect): void {
  const rescue = (d: RawDialect, alias: string) => d.backend.rescueExpired({ backend: alias, now: at(10), limit: 10, error: WORKER_LOST });

  it("a RUNNING row with no lease expiry is rescued: READY again when attempts remain, in its place in claim order", async () => {
    const d = dialect();
    const alias = newAlias();
    const raw = await d.insert(alias, runningRow({ max_attempts: 2, lease_expires_at: null }));
    const [later] = await enqueueAt(d, alias, [3]);
    const rescued = await rescue(d, alias);
    expect(rescued.map((record) => [record.id, record.status, record.runAfter, record.errors])).toEqual([[raw, "READY", null, [WORKER_LOST]]]);
    const claimed = await d.backend.claim({ backend: alias, now: at(11), workerId: "w", queues: { include: "*", exclude: [] }, limit: 2, leaseMs: 5_000 });
    expect(claimed.map((record) => [record.id, record.attempts])).toEqual([[raw, 2], [later, 1]]);
  });

  it("a RUNNING row with no lease expiry and no attempts left is rescued as FAILED", async () => {
    const d = dialect();
    const alias = newAlias();
    const raw = await d.insert(alias, runningRow({ max_attempts: 1, lease_expires_at: null }));
    expect((await rescue(d, alias)).map((record) => [record.id, record.status, record.finishedAt])).toEqual([[raw, "FAILED", at(10)]]);
  });

  it("max_attempts of 0 or below counts as 1: a rescued row is FAILED, never READY again", async () => {
    const d = dialect();
    const alias = newAlias();
    const zero = await d.insert(alias, runningRow({ max_attempts: 0, lease_expires_at: at(5) }));
    const negative = await d.insert(alias, runningRow({ id: newTaskId(at(0).getTime()), max_attempts: -3, lease_expires_at: at(5) }));
    const rescued = await rescue(d, alias);
    expect(rescued.map((record) => [record.id, record.status]).sort()).toEqual([[zero, "FAILED"], [negative, "FAILED"]].sort());
  });

  it("a rescued row that cannot be read is set aside as FAILED; the other expired rows are rescued", async () => {
    const d = dialect();
    const alias = newAlias();
    const unreadable: Record<string, RawValue> = name === "sqlite" ? { args: "{oops", errors: "[{" } : { started_at: "-infinity" };
    const raw = await d.insert(alias, runningRow({ max_attempts: 3, lease_expires_at: at(5), ...unreadable }));
    const good = await d.insert(alias, runningRow({ id: newTaskId(at(0).getTime()), max_attempts: 3, lease_expires_at: at(6), args: "[1]" }));
    const other = newAlias();
    const elsewhere = await d.insert(other, runningRow({ lease_expires_at: at(5), max_attempts: 3 }));
    const untouched = await d.row(elsewhere);
    expect((await rescue(d, alias)).map((record) => [record.id, record.status])).toEqual([[good, "READY"]]);
    const record = await d.backend.get({ backend: alias, id: raw });
    expect(record?.status).toBe("FAILED");
    // On SQLite the stored errors were not JSON, so they are replaced; on Postgres the rescue's error stays.
    expect(record?.errors.map((error) => error.className)).toEqual(name === "sqlite" ? ["UnreadableTaskRowError"] : ["WorkerLostError", "UnreadableTaskRowError"]);
    expect(record?.errors.at(-1)?.message).toMatch(name === "sqlite" ? /column "args" is not valid JSON.*; column "errors" is not valid JSON/ : /column "started_at" holds the text "-infinity"/);
    expect(await d.row(elsewhere)).toEqual(untouched);
  });
}

describe("rows written by other code: sqlite", () => {
  const dialect = useSqliteDialect();
  describeDialect("sqlite", dialect);
  describeRescue("sqlite", dialect);
});

describe.skipIf(!pgAvailable)("rows written by other code: postgres", () => {
  const dialect = usePostgresDialect();
  describeDialect("postgres", dialect);
  describeRescue("postgres", dialect);
});
