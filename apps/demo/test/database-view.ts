/** Reads what the demo stored, straight from SQLite or Postgres (not through @tasks). */
import Database from "better-sqlite3";
import postgres from "postgres";

/** A task row (from `tasks_queue` or `tasks_results`), normalised across dialects. */
export interface StoredTask {
  readonly id: string;
  readonly taskName: string;
  readonly queueName: string;
  readonly priority: number;
  readonly status: string;
  readonly attempts: number;
  readonly enqueuedAt: number;
  readonly runAfter: number | null;
  readonly startedAt: number | null;
  readonly errors: { className: string; message: string; stack: string }[];
  readonly returnValue: unknown;
}

/** What the checks read. */
export interface DatabaseView {
  tasks(): Promise<StoredTask[]>;
  orderIds(): Promise<string[]>;
  invoices(): Promise<{ number: string; orderId: string; taskId: string }[]>;
  close(): Promise<void>;
}

const ms = (value: unknown): number | null => (value === null || value === undefined ? null : value instanceof Date ? value.getTime() : Number(value));

/** A read-only view of the demo's SQLite file. */
export function sqliteView(path: string): DatabaseView {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  return {
    async tasks() {
      const rows = db
        .prepare(
          "SELECT id, task_name, queue_name, priority, status, attempts, enqueued_at, run_after, started_at, errors, return_value FROM tasks_queue UNION ALL SELECT id, task_name, queue_name, priority, status, attempts, enqueued_at, run_after, started_at, errors, return_value FROM tasks_results",
        )
        .all() as Record<string, unknown>[];
      return rows.map((row) => normalise(row, true));
    },
    async orderIds() {
      return (db.prepare("SELECT id FROM shop_orders ORDER BY id").all() as { id: string }[]).map((row) => row.id);
    },
    async invoices() {
      return db.prepare("SELECT number, order_id AS orderId, task_id AS taskId FROM shop_invoices").all() as { number: string; orderId: string; taskId: string }[];
    },
    async close() {
      db.close();
    },
  };
}

/** A view of the demo's Postgres database. */
export function postgresView(url: string): DatabaseView {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  return {
    async tasks() {
      const rows = await sql`SELECT id::text, task_name, queue_name, priority, status, attempts, enqueued_at, run_after, started_at, errors, return_value FROM tasks_queue
        UNION ALL SELECT id::text, task_name, queue_name, priority, status, attempts, enqueued_at, run_after, started_at, errors, return_value FROM tasks_results`;
      return rows.map((row) => normalise(row as Record<string, unknown>, false));
    },
    async orderIds() {
      return (await sql`SELECT id FROM shop_orders ORDER BY id`).map((row) => String(row.id));
    },
    async invoices() {
      const rows = await sql`SELECT number, order_id, task_id FROM shop_invoices`;
      return rows.map((row) => ({ number: String(row.number), orderId: String(row.order_id), taskId: String(row.task_id) }));
    },
    async close() {
      await sql.end({ timeout: 1 });
    },
  };
}

/** `parseJson`: SQLite stores JSON as text; postgres.js has already parsed jsonb. */
function normalise(row: Record<string, unknown>, parseJson: boolean): StoredTask {
  const json = (value: unknown): unknown => (parseJson && typeof value === "string" ? JSON.parse(value) : value);
  return {
    id: String(row.id),
    taskName: String(row.task_name),
    queueName: String(row.queue_name),
    priority: Number(row.priority),
    status: String(row.status),
    attempts: Number(row.attempts),
    enqueuedAt: ms(row.enqueued_at) ?? Number.NaN,
    runAfter: ms(row.run_after),
    startedAt: ms(row.started_at),
    errors: json(row.errors) as StoredTask["errors"],
    returnValue: json(row.return_value),
  };
}
