import type { ScheduleOverview } from "@tasks/core";
import { renderTable } from "./table.js";
import { instantText, spanText } from "./times.js";

/** The STATE cell of a schedule no code in this process declares. */
export const NOT_DECLARED = "not declared in this code";

/**
 * `tasks schedules` as readable text: one row per schedule (name, task, cron expression and
 * time zone, missed-run policy, next occurrence, last occurrence enqueued and its task's
 * status, state: OVERDUE, due, on time, not started or not declared), then a sentence for each kind of row that needs acting on. `now` turns
 * instants into distances.
 */
export function formatSchedules(overviews: readonly ScheduleOverview[], heading: string, now: number): string {
  const lines: string[] = [heading, ""];
  if (overviews.length === 0) {
    lines.push("Schedules: none declared in the task modules and none stored.");
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    ...renderTable(
      ["NAME", "TASK", "CRON", "MISSED", "NEXT OCCURRENCE", "LAST ENQUEUED FOR", "LAST STATUS", "STATE"],
      overviews.map((entry) => [
        entry.name,
        entry.taskName ?? "-",
        entry.cron === null ? "-" : `${entry.cron} (${entry.timeZone ?? "UTC"})`,
        entry.missed ?? "-",
        instantText(entry.nextOccurrence, now),
        instantText(entry.lastEnqueuedFor, now),
        lastStatusText(entry),
        stateText(entry, now),
      ]),
    ),
  );
  const overdue = overviews.filter((entry) => entry.overdueMs !== null).length;
  const notStarted = overviews.filter((entry) => entry.declared && entry.settledThrough === null).length;
  const undeclared = overviews.filter((entry) => !entry.declared).length;
  if (overdue > 0) {
    lines.push(
      "",
      `${overdue} overdue: no worker has enqueued the next occurrence within the grace period. Run "tasks worker" (without --no-schedules) with the task modules that declare ${overdue === 1 ? "it" : "them"}.`,
    );
  }
  if (notStarted > 0) lines.push("", `${notStarted} not started: declared here, but no worker with ${notStarted === 1 ? "it" : "them"} declared has run yet.`);
  if (undeclared > 0) {
    lines.push(
      "",
      `${undeclared} ${NOT_DECLARED}: state stored by workers of other code (an earlier deploy, or a renamed schedule). Nothing enqueues ${undeclared === 1 ? "it" : "them"} until a schedule of that name is declared again.`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function lastStatusText(entry: ScheduleOverview): string {
  if (entry.lastTaskId === null) return "-";
  // The schedule remembers its last task's id, but prune may have deleted the row since.
  return entry.lastStatus ?? "(pruned)";
}

function stateText(entry: ScheduleOverview, now: number): string {
  if (entry.overdueMs !== null) return `OVERDUE ${spanText(entry.overdueMs)}`;
  if (!entry.declared) return NOT_DECLARED;
  if (entry.settledThrough === null) return "not started";
  // Due but still within the grace period: a worker is about to enqueue it, or none runs.
  if (entry.nextOccurrence !== null && entry.nextOccurrence.getTime() <= now) return "due";
  return "on time";
}
