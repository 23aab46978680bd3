/**
 * Placing an order: the order row and its follow-up task are written by one application
 * transaction, so the task exists if and only if the order does.
 */
import type { TaskOverrides, TaskResult } from "@tasks/core";
import * as pgShop from "./app-schema/pg.js";
import * as sqliteShop from "./app-schema/sqlite.js";
import type { DemoDatabase } from "./database.js";
import { OutOfStockError } from "./work.js";

/** An order as the shop receives it. */
export interface Order {
  readonly id: string;
  readonly customerEmail: string;
  readonly item: string;
  readonly totalCents: number;
  /** When false, the stock check fails after the order row and its task were written. */
  readonly inStock: boolean;
}

/** A task that takes an order id (enqueued in the order's transaction). */
export interface OrderFollowUp {
  using(overrides: TaskOverrides): { enqueue(orderId: string): Promise<TaskResult<unknown>> };
}

/** What placing an order did. */
export interface PlacedOrder {
  /** False when the transaction rolled back (out of stock). */
  readonly committed: boolean;
  /** The follow-up task as enqueue returned it; stored only if `committed`. */
  readonly followUp: TaskResult<unknown>;
}

/**
 * Inserts the order and enqueues `followUp` in one transaction, then checks stock: when the
 * item is out of stock the transaction rolls back, taking the order row and the task with it.
 */
export async function placeOrder(database: DemoDatabase, order: Order, followUp: OrderFollowUp): Promise<PlacedOrder> {
  const row = { id: order.id, customerEmail: order.customerEmail, item: order.item, totalCents: order.totalCents, placedAt: new Date() };
  let enqueued: Promise<TaskResult<unknown>> | undefined;
  let committed = true;
  try {
    if (database.dialect === "sqlite") {
      // better-sqlite3 transactions are synchronous: enqueue writes its row before it returns
      // its promise, so it is called (not awaited) inside the callback.
      database.db.transaction((tx) => {
        tx.insert(sqliteShop.orders).values(row).run();
        enqueued = followUp.using({ transaction: tx }).enqueue(order.id);
        checkStock(order);
      });
    } else {
      await database.db.transaction(async (tx) => {
        await tx.insert(pgShop.orders).values(row);
        enqueued = followUp.using({ transaction: tx }).enqueue(order.id);
        await enqueued;
        checkStock(order);
      });
    }
  } catch (error) {
    if (!(error instanceof OutOfStockError)) {
      enqueued?.catch(() => {}); // the transaction's error is the one to report
      throw error;
    }
    committed = false;
  }
  if (!enqueued) throw new Error(`Order ${order.id}: the follow-up task was not enqueued.`);
  return { committed, followUp: await enqueued };
}

function checkStock(order: Order): void {
  if (!order.inStock) throw new OutOfStockError(`"${order.item}" is out of stock; order ${order.id} was not placed.`);
}
