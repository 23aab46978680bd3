/** Enqueues the demo's tasks: one per behaviour, in the order a shop might produce them. */
import type { TaskResult } from "@tasks/core";
import type { DemoDatabase } from "./database.js";
import { placeOrder } from "./orders.js";
import {
  capturePayment,
  importLegacyCustomer,
  issueInvoice,
  reviewOrderForFraud,
  sendCartReminder,
  sendOrderConfirmation,
  sendWelcomeEmail,
} from "./tasks.js";

/** How far ahead the cart reminder is deferred. */
export const REMINDER_DELAY_MS = 2_000;

/** One enqueued task and what it demonstrates. */
export interface PlannedTask {
  readonly id: string;
  readonly taskName: string;
  readonly queueName: string;
  /** One line on what this task shows. */
  readonly shows: string;
  /** False for the task whose transaction rolled back: it was never stored. */
  readonly stored: boolean;
}

/** Enqueues every demo task; returns them in enqueue order. */
export async function enqueueScenario(database: DemoDatabase): Promise<PlannedTask[]> {
  const planned: PlannedTask[] = [];
  const add = (result: TaskResult<unknown>, shows: string, stored = true) =>
    planned.push({ id: result.id, taskName: result.taskName, queueName: result.queueName, shows, stored });

  add(await sendWelcomeEmail.enqueue("ada@example.com"), "succeeds and returns a value");
  add(await capturePayment.enqueue("order-1001", 4_990), "fails twice, retried with a 500 ms backoff, then succeeds");
  add(await importLegacyCustomer.enqueue(4711), "fails for good; its error and stack are stored");
  const remindAt = new Date(Date.now() + REMINDER_DELAY_MS);
  add(await sendCartReminder.using({ runAfter: remindAt }).enqueue("grace@example.com", "mechanical keyboard"), `deferred: runAfter ${REMINDER_DELAY_MS / 1000} s from enqueue`);

  const paid = await placeOrder(
    database,
    { id: "order-1001", customerEmail: "ada@example.com", item: "espresso machine", totalCents: 4_990, inStock: true },
    issueInvoice,
  );
  add(paid.followUp, "atomic: writes shop_invoices in the transaction that completes it (enqueued in the order's transaction)");

  const soldOut = await placeOrder(
    database,
    { id: "order-1002", customerEmail: "alan@example.com", item: "limited-edition grinder", totalCents: 12_900, inStock: false },
    sendOrderConfirmation,
  );
  add(soldOut.followUp, "enqueued in an order transaction that rolled back: never stored, never runs", soldOut.committed);

  add(await reviewOrderForFraud.enqueue("order-1001"), 'priority 90 on queue "urgent": enqueued last, runs first');
  return planned;
}
