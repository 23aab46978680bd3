/** The final table and the evidence behind it, read back from the database. */
import { eq } from "drizzle-orm";
import { getTaskResult, ResultStatus, type TaskResult } from "@tasks/core";
import * as pgShop from "./app-schema/pg.js";
import * as sqliteShop from "./app-schema/sqlite.js";
import type { DemoDatabase } from "./database.js";
import type { PlannedTask } from "./scenario.js";
import { renderTable } from "./table.js";

/** Column headers of the final table (the smoke test parses the table by them). */
export const TABLE_HEADERS = ["task", "queue", "status", "attempts", "duration", "return value or error"] as const;

/** The status shown for a task whose transaction rolled back. */
export const NOT_STORED = "NOT STORED";

/** The final table: one row per planned task, from its stored state. */
export async function finalTable(planned: readonly PlannedTask[]): Promise<string> {
  const rows = await Promise.all(planned.map(async (entry) => (entry.stored ? storedRow(await getTaskResult(entry.id)) : notStoredRow(entry))));
  return renderTable({ headers: TABLE_HEADERS, rows });
}

function storedRow(result: TaskResult): string[] {
  const duration = result.startedAt && result.finishedAt ? formatMs(result.finishedAt.getTime() - result.startedAt.getTime()) : "-";
  return [result.taskName, result.queueName, result.status, String(result.attempts), duration, outcome(result)];
}

function notStoredRow(entry: PlannedTask): string[] {
  return [entry.taskName, entry.queueName, NOT_STORED, "-", "-", "rolled back with its order transaction"];
}

function outcome(result: TaskResult): string {
  if (result.status === ResultStatus.SUCCESSFUL) return JSON.stringify(result.returnValue);
  const error = result.errors.at(-1);
  if (result.status === ResultStatus.FAILED && error) return `${error.className}: ${error.message}`;
  return result.isFinished ? result.status : `(not finished: ${result.status})`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A few lines showing, from the database, what the table cannot: stacks, the invoice, the missing order. */
export async function evidence(database: DemoDatabase, planned: readonly PlannedTask[]): Promise<string[]> {
  const lines: string[] = [];
  for (const entry of planned) {
    if (!entry.stored) {
      const order = await findOrder(database, "order-1002");
      lines.push(`• ${entry.taskName}: no task row with id ${entry.id}, and order-1002 is ${order ? "PRESENT (unexpected)" : "absent"}: the rollback took both.`);
      continue;
    }
    const result = await getTaskResult(entry.id);
    if (result.taskName === "crm.importLegacyCustomer") {
      const error = result.errors.at(-1);
      const frame = error?.stack.split("\n").find((text) => text.trim().startsWith("at "))?.trim() ?? "(no stack)";
      lines.push(`• ${result.taskName}: stored error ${error?.className ?? "?"} with its stack, first frame ${frame}`);
    } else if (result.taskName === "payments.capture") {
      lines.push(`• ${result.taskName}: ${result.errors.length} failed attempts kept: ${result.errors.map((error) => error.className).join(", ")}`);
    } else if (result.taskName === "emails.sendCartReminder" && result.runAfter && result.startedAt) {
      const margin = result.startedAt.getTime() - result.runAfter.getTime();
      lines.push(`• ${result.taskName}: runAfter ${result.runAfter.toISOString()}, started ${result.startedAt.toISOString()} (${margin} ms after)`);
    } else if (result.taskName === "invoices.issue") {
      const invoice = await findInvoice(database, result.id);
      lines.push(`• ${result.taskName}: shop_invoices row ${invoice ? `${invoice.number} for ${invoice.orderId}` : "MISSING (unexpected)"}, committed with the task's completion`);
    }
  }
  return lines;
}

async function findOrder(database: DemoDatabase, id: string): Promise<{ id: string } | undefined> {
  if (database.dialect === "sqlite") return database.db.select({ id: sqliteShop.orders.id }).from(sqliteShop.orders).where(eq(sqliteShop.orders.id, id)).get();
  const [row] = await database.db.select({ id: pgShop.orders.id }).from(pgShop.orders).where(eq(pgShop.orders.id, id));
  return row;
}

async function findInvoice(database: DemoDatabase, taskId: string): Promise<{ number: string; orderId: string } | undefined> {
  if (database.dialect === "sqlite") {
    return database.db.select({ number: sqliteShop.invoices.number, orderId: sqliteShop.invoices.orderId }).from(sqliteShop.invoices).where(eq(sqliteShop.invoices.taskId, taskId)).get();
  }
  const [row] = await database.db.select({ number: pgShop.invoices.number, orderId: pgShop.invoices.orderId }).from(pgShop.invoices).where(eq(pgShop.invoices.taskId, taskId));
  return row;
}
