/**
 * The note a task list shows when an argument search stopped before filling the page (a
 * backend may bound the tasks one page reads, see TaskPage in the backend contract): it says
 * where in the list the search stopped, from the cursor, and only then.
 */
import { describe, expect, it } from "vitest";
import { newTaskId } from "@tasks/core/backend";
import { taskListPage } from "../src/pages/tasks.js";
import { parseListQuery } from "../src/query.js";

const context = { base: "", user: { name: "test" }, csrf: "token", readOnly: true, title: "Tasks" };
const backends = [{ alias: "default", browsable: true }] as never;

function render(search: string, next: { id: string; finishedAt: Date | null } | null, searchStopped: boolean): string {
  const query = parseListQuery(new URLSearchParams(search));
  return String(taskListPage(context as never, { backend: "default", backends, query, tasks: [], next, searchStopped }));
}

describe("the task list's note on a stopped search", () => {
  it("names the finish time of the cursor in finish order, and the id's enqueue time in enqueue order", () => {
    const finishedAt = new Date("2031-01-05T06:07:08.000Z");
    const finished = render("arg=sku-1&order=finished", { id: newTaskId(Date.parse("2031-01-01T00:00:00Z")), finishedAt }, true);
    expect(finished).toMatch(/data-testid="search-stopped"[^>]*>[^<]*finished <time datetime="2031-01-05T06:07:08.000Z">/);
    const enqueued = render("arg=sku-1", { id: newTaskId(Date.parse("2031-02-03T04:05:06.789Z")), finishedAt: null }, true);
    expect(enqueued).toMatch(/data-testid="search-stopped"[^>]*>[^<]*enqueued <time datetime="2031-02-03T04:05:06.789Z">/);
    expect(enqueued).toContain('data-testid="next-page"');
  });

  it("shows no note on a page the search filled, or on the last page", () => {
    const next = { id: newTaskId(), finishedAt: null };
    expect(render("arg=sku-1", next, false)).not.toContain("search-stopped");
    expect(render("arg=sku-1", null, true)).not.toContain("search-stopped");
  });
});
