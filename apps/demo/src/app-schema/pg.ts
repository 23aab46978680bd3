/** The shop's own tables on Postgres (the task tables come from the backend's `migrate`). */
import { sql } from "drizzle-orm";
import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Orders placed in the shop. */
export const orders = pgTable("shop_orders", {
  id: text("id").primaryKey(),
  customerEmail: text("customer_email").notNull(),
  item: text("item").notNull(),
  totalCents: integer("total_cents").notNull(),
  placedAt: timestamp("placed_at", { withTimezone: true, mode: "date" }).notNull(),
});

/** Invoices, written by the atomic `invoices.issue` task in the transaction that completes it. */
export const invoices = pgTable("shop_invoices", {
  number: text("number").primaryKey(),
  orderId: text("order_id").notNull(),
  taskId: text("task_id").notNull(),
  issuedAt: timestamp("issued_at", { withTimezone: true, mode: "date" }).notNull(),
});

/** Drops and creates the shop tables (the demo starts from a clean state on every run). */
export const recreateStatements = [
  sql`DROP TABLE IF EXISTS shop_invoices`,
  sql`DROP TABLE IF EXISTS shop_orders`,
  sql`CREATE TABLE shop_orders (
    id text PRIMARY KEY,
    customer_email text NOT NULL,
    item text NOT NULL,
    total_cents integer NOT NULL,
    placed_at timestamptz NOT NULL
  )`,
  sql`CREATE TABLE shop_invoices (
    number text PRIMARY KEY,
    order_id text NOT NULL REFERENCES shop_orders(id),
    task_id text NOT NULL,
    issued_at timestamptz NOT NULL
  )`,
];
