import { ALL_STATUSES, type TaskHealthReport } from "@tasks/core";
import { formatMs } from "../args/durations.js";
import { renderTable } from "./table.js";
import { instantText, spanText } from "./times.js";

/** Longest error message shown in the failures table; the rest is cut. */
const MAX_ERROR_LENGTH = 100;

/**
 * `tasks status` as readable text: counts by queue and status with each queue's oldest READY age, the oldest READY task's age,
 * then running tasks, recent failures, live workers and READY tasks no live worker can run,
 * and overdue schedules, each as a table (or one line saying there are none). `now` turns
 * timestamps into ages; `schedulesChecked: false` says the task modules did not load, so no
 * schedule could be checked.
 */
export function formatHealthReport(report: TaskHealthReport, heading: string, now: number, options: { readonly schedulesChecked?: boolean } = {}): string {
  const ago = (date: Date | null) => (date === null ? "-" : `${formatMs(Math.max(0, now - date.getTime()))} ago`);
  const until = (date: Date | null) => (date === null ? "-" : date.getTime() >= now ? `in ${formatMs(date.getTime() - now)}` : `${formatMs(now - date.getTime())} ago`);
  const lines: string[] = [heading, ""];

  const queues = Object.entries(report.queues).sort(([a], [b]) => a.localeCompare(b));
  if (queues.length === 0) lines.push("Tasks: none stored.");
  else {
    lines.push("Tasks by queue and status:");
    const readyAge = (queue: string) => {
      const age = report.readyAgeByQueue[queue];
      return age === undefined ? "-" : formatMs(age);
    };
    lines.push(
      ...renderTable(
        ["QUEUE", ...ALL_STATUSES, "OLDEST READY"],
        queues.map(([queue, counts]) => [queue, ...ALL_STATUSES.map((status) => String(counts[status])), readyAge(queue)]),
        ["left", ...ALL_STATUSES.map(() => "right" as const), "right"],
      ),
    );
  }
  lines.push("", `Oldest READY task: ${report.oldestReadyAgeMs === null ? "none runnable now" : `waiting ${formatMs(report.oldestReadyAgeMs)}`}.`);

  section(lines, "Running tasks", report.running.length, () =>
    renderTable(["ID", "TASK", "QUEUE", "WORKER", "STARTED", "LEASE EXPIRES"], report.running.map((task) => [task.id, task.taskName, task.queueName, task.workerId ?? "-", ago(task.startedAt), until(task.leaseExpiresAt)])),
  );
  section(lines, "Recent failures", report.recentFailures.length, () =>
    renderTable(["ID", "TASK", "QUEUE", "FINISHED", "ERROR"], report.recentFailures.map((task) => [task.id, task.taskName, task.queueName, ago(task.finishedAt), errorText(task.error)])),
  );
  section(lines, "Live workers", report.workers.length, () =>
    renderTable(["WORKER", "LAST SEEN", "TASK NAMES"], report.workers.map((worker) => [worker.workerId, ago(worker.lastSeenAt), worker.taskNames === null ? "(not reported)" : worker.taskNames.join(", ")])),
  );
  section(lines, "READY tasks no live worker can run", report.unrunnable.length, () =>
    renderTable(["TASK", "QUEUE", "COUNT"], report.unrunnable.map((entry) => [entry.taskName, entry.queueName, String(entry.count)]), ["left", "left", "right"]),
  );
  if (options.schedulesChecked === false) lines.push("", "Overdue schedules: not checked (the task modules did not load).");
  else {
    section(lines, "Overdue schedules", report.overdueSchedules.length, () =>
      renderTable(["SCHEDULE", "TASK", "DUE", "OVERDUE"], report.overdueSchedules.map((entry) => [entry.name, entry.taskName, instantText(entry.dueAt, now), spanText(entry.overdueMs)])),
    );
  }
  return `${lines.join("\n")}\n`;
}

function section(lines: string[], title: string, count: number, table: () => string[]): void {
  lines.push("");
  if (count === 0) lines.push(`${title}: none.`);
  else lines.push(`${title} (${count}):`, ...table());
}

function errorText(error: { className: string; message: string } | null): string {
  if (!error) return "-";
  const text = `${error.className}: ${error.message.split("\n")[0] ?? ""}`;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
