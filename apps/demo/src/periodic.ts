/**
 * The shop's periodic task: a heartbeat every minute, declared with `schedule()`. Only the
 * `db-worker` imports this module (`tasks.config.ts` lists it): every worker started with that
 * config enqueues the minute's occurrence, and the database makes it one task however many
 * run. The demo script's in-process worker does not import it, so its runs stay the same.
 */
import { schedule, task } from "@tasks/core";

/** Name of the heartbeat task (and of its schedule). */
export const HEARTBEAT_TASK_NAME = "reports.heartbeat";

/** Reports which minute it stands for and how long after that minute it ran. */
export const shopHeartbeat = task({ name: HEARTBEAT_TASK_NAME, takesContext: true }, async (context, shop: string) => {
  const scheduledFor = context.taskResult.scheduledFor;
  return { shop, scheduledFor: scheduledFor?.toISOString() ?? null, lateMs: scheduledFor ? Date.now() - scheduledFor.getTime() : null };
});

schedule(shopHeartbeat, { cron: "* * * * *", args: ["demo shop"] });
