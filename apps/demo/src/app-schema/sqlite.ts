/** The shop's own tables on SQLite (the task tables come from the backend's `migrate`). */
import { sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Orders placed in the shop. */
export const orders = sqliteTable("shop_orders", {
  id: text("id").primaryKey(),
  customerEmail: text("customer_email").notNull(),
  item: text("item").notNull(),
  totalCents: integer("total_cents").notNull(),
  placedAt: integer("placed_at", { mode: "timestamp_ms" }).notNull(),
});

/** Invoices, written by the atomic `invoices.issue` task in the transaction that completes it. */
export const invoices = sqliteTable("shop_invoices", {
  number: text("number").primaryKey(),
  orderId: text("order_id").notNull(),
  taskId: text("task_id").notNull(),
  issuedAt: integer("issued_at", { mode: "timestamp_ms" }).notNull(),
});

/** Drops and creates the shop tables (the demo starts from a clean state on every run). */
export const recreateStatements = [
  sql`DROP TABLE IF EXISTS shop_invoices`,
  sql`DROP TABLE IF EXISTS shop_orders`,
  sql`CREATE TABLE shop_orders (
    id TEXT PRIMARY KEY,
    customer_email TEXT NOT NULL,
    item TEXT NOT NULL,
    total_cents INTEGER NOT NULL,
    placed_at INTEGER NOT NULL
  )`,
  sql`CREATE TABLE shop_invoices (
    number TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES shop_orders(id),
    task_id TEXT NOT NULL,
    issued_at INTEGER NOT NULL
  )`,
];
