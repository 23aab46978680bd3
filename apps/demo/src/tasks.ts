/**
 * The shop's background tasks. Each one shows one behaviour of @tasks; the worker (the demo
 * script or `db-worker`) imports this module, so every task is registered under its name.
 */
import { task } from "@tasks/core";
import { insertInvoice } from "./invoices.js";
import { GatewayTimeoutError, LegacyRecordError, simulateLatency } from "./work.js";

/** Succeeds and returns a value. */
export const sendWelcomeEmail = task({ name: "emails.sendWelcome" }, async (email: string) => {
  await simulateLatency(80);
  return { messageId: `msg-${email.split("@")[0]}-001`, to: email };
});

/** The gateway times out twice, then the capture succeeds: retried after a 500 ms backoff each time. */
export const capturePayment = task(
  { name: "payments.capture", takesContext: true, maxAttempts: 5, backoff: () => 500 },
  async (context, orderId: string, amountCents: number) => {
    await simulateLatency(60, context.signal);
    if (context.attempt < 3) {
      throw new GatewayTimeoutError(`Payment gateway timed out capturing ${amountCents} cents for order ${orderId} (attempt ${context.attempt}).`);
    }
    return { captureId: `cap-${orderId}`, amountCents };
  },
);

/** Fails for good: the error's class, message and stack are kept on the task. */
export const importLegacyCustomer = task({ name: "crm.importLegacyCustomer" }, async (legacyId: number) => {
  await simulateLatency(40);
  return readLegacyRecord(legacyId);
});

function readLegacyRecord(legacyId: number): never {
  throw new LegacyRecordError(`Legacy customer ${legacyId} has no email address to import.`);
}

/** Enqueued with `runAfter` a couple of seconds ahead; never starts before then. */
export const sendCartReminder = task({ name: "emails.sendCartReminder" }, async (email: string, item: string) => {
  await simulateLatency(50);
  return { remindedAbout: item, to: email };
});

/** High priority on its own queue: enqueued last, claimed first. */
export const reviewOrderForFraud = task({ name: "fraud.reviewOrder", queueName: "urgent", priority: 90 }, async (orderId: string) => {
  await simulateLatency(70);
  return { orderId, verdict: "clear" };
});

/**
 * Atomic: writes the invoice through the task's transaction, which also marks the task
 * SUCCESSFUL, so the invoice exists exactly when the task succeeded.
 */
export const issueInvoice = task({ name: "invoices.issue", atomic: true, takesContext: true }, async (context, orderId: string) => {
  const number = await insertInvoice(context.transaction, { orderId, taskId: context.taskResult.id, issuedAt: new Date() });
  return { invoiceNumber: number };
});

/** Enqueued inside an order's transaction that rolls back, so it is never stored or run. */
export const sendOrderConfirmation = task({ name: "emails.sendOrderConfirmation" }, async (orderId: string) => {
  await simulateLatency(50);
  return { confirmed: orderId };
});

/** Every task of the demo. */
export const demoTasks = [
  sendWelcomeEmail,
  capturePayment,
  importLegacyCustomer,
  sendCartReminder,
  reviewOrderForFraud,
  issueInvoice,
  sendOrderConfirmation,
] as const;
