/**
 * Writes an invoice through whatever transaction an atomic task receives: a Drizzle Postgres
 * transaction, or on SQLite the Drizzle database of the connection whose transaction is open.
 */
import { count, is } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { PgDatabase } from "drizzle-orm/pg-core";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import * as pgShop from "./app-schema/pg.js";
import * as sqliteShop from "./app-schema/sqlite.js";

/** What the invoice records. */
export interface NewInvoice {
  readonly orderId: string;
  readonly taskId: string;
  readonly issuedAt: Date;
}

/** Inserts the next invoice (numbered from the count in the same transaction); returns its number. */
export async function insertInvoice(transaction: unknown, invoice: NewInvoice): Promise<string> {
  if (is(transaction, PgDatabase)) {
    const tx = transaction as PostgresJsDatabase<any>;
    const [row] = await tx.select({ issued: count() }).from(pgShop.invoices);
    const number = invoiceNumber(invoice.issuedAt, row?.issued ?? 0);
    await tx.insert(pgShop.invoices).values({ number, ...invoice });
    return number;
  }
  if (is(transaction, BaseSQLiteDatabase)) {
    const tx = transaction as BetterSQLite3Database<any>;
    const [row] = await tx.select({ issued: count() }).from(sqliteShop.invoices);
    const number = invoiceNumber(invoice.issuedAt, row?.issued ?? 0);
    await tx.insert(sqliteShop.invoices).values({ number, ...invoice });
    return number;
  }
  throw new Error("insertInvoice() needs the Drizzle transaction of an atomic task (context.transaction); got something else.");
}

function invoiceNumber(issuedAt: Date, issuedBefore: number): string {
  return `INV-${issuedAt.getUTCFullYear()}-${String(issuedBefore + 1).padStart(4, "0")}`;
}
