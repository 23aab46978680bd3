/**
 * The browser scenario, run once per database (sqlite.test.ts, pg.test.ts): tasks enqueued
 * and run by a real worker, then the dashboard served on loopback and driven in headless
 * Chromium like a person would: overview counts (finished ones over the last hour) and their
 * links, a filtered list, a failed task's stack, a retry that a worker then runs to success, a
 * cancelled READY task, an argument holding a script element that stays text, and a
 * screenshot of each page.
 */
import { existsSync, statSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { closeTasks, configureTasks, silentLogger, type TaskResult } from "@tasks/core";
import { serveDashboard } from "../../src/index.js";
import { launchChromium } from "./helpers/chromium.js";
import { createDatabase, type BrowserTestDatabase, type DatabaseKind } from "./helpers/databases.js";
import { saveScreenshot } from "./helpers/screenshots.js";
import { echo, greet, heldTask, HELD_QUEUE, INERT_QUEUE, reserveStock, runWorkerUntilIdle } from "./helpers/tasks.js";

/** An argument that would run script if the page put it into the HTML unescaped. */
const SCRIPT_ARGUMENT = `</pre><script>window.__dashboardPwned = true; alert("pwned")</script><img src=x onerror="window.__dashboardPwned = true">`;
const TOKEN = "browser-test-token-0123456789";

/** Registers the scenario's tests for one database kind. */
export function dashboardScenario(kind: DatabaseKind): void {
  describe(`the dashboard in Chromium on ${kind === "pg" ? "Postgres" : "SQLite"}`, () => {
    let database: BrowserTestDatabase;
    let served: { url: string; close(): Promise<void> };
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let failed: TaskResult;
    let held: TaskResult;
    let scripted: TaskResult;
    const dialogs: string[] = [];
    let anyFailed = false;

    /** Opens a dashboard path (such as `/tasks`) in the test's page. */
    const open = async (path: string) => {
      const response = await page.goto(new URL(path, served.url).toString());
      expect(response?.status(), `GET ${path}`).toBe(200);
    };
    const count = (queue: string, status: string) => page.locator(`[data-testid="count"][data-queue="${queue}"][data-status="${status}"]`);

    beforeAll(async () => {
      database = await createDatabase(kind);
      configureTasks({ backends: { default: { backend: database.backend, queues: [] } }, logger: silentLogger });
      await greet.enqueue("ada");
      await greet.enqueue("grace");
      failed = await reserveStock.enqueue("sku-42");
      held = await heldTask.enqueue("waiting for a person");
      scripted = await echo.enqueue(SCRIPT_ARGUMENT);
      const summary = await runWorkerUntilIdle();
      expect([summary.succeeded, summary.failed]).toEqual([2, 1]);
      served = await serveDashboard({ port: 0, token: TOKEN });
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      page = await context.newPage();
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      // Signs in once: the token in the URL, as the standalone server prints it.
      await open(`/?token=${TOKEN}`);
    });

    afterEach((test) => {
      if (test.task.result?.state === "fail") anyFailed = true;
    });

    afterAll(async () => {
      await browser?.close();
      await served?.close();
      await closeTasks();
      await database?.dispose(anyFailed);
    });

    it("shows the overview with each queue's counts by status", async () => {
      await open("/");
      await expect.poll(() => count("default", "SUCCESSFUL").textContent()).toBe("2");
      expect(await count("default", "FAILED").textContent()).toBe("1");
      expect(await count("default", "READY").textContent()).toBe("0");
      expect(await count(HELD_QUEUE, "READY").textContent()).toBe("1");
      expect(await count(INERT_QUEUE, "READY").textContent()).toBe("1");
    });

    it("links a finished count (last hour) to those tasks in finish order, and links all finished tasks", async () => {
      await open("/");
      expect(await page.getByTestId("counts").locator("caption").textContent()).toContain("finished in the last hour");
      await count("default", "FAILED").locator("a").click();
      await page.waitForURL(/order=finished/);
      const url = new URL(page.url());
      expect([url.searchParams.get("queue"), url.searchParams.get("status")]).toEqual(["default", "FAILED"]);
      expect(Date.parse(url.searchParams.get("from") ?? "")).toBeGreaterThan(Date.now() - 61 * 60_000);
      expect(await page.getByTestId("task-row").count()).toBe(1);
      expect(await page.getByTestId("task-row").first().getAttribute("data-task-id")).toBe(failed.id);

      await open("/");
      await page.getByTestId("all-finished").click();
      await page.waitForURL(/order=finished/);
      const statuses = await page.getByTestId("task-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-status")));
      expect(statuses.sort()).toEqual(["FAILED", "SUCCESSFUL", "SUCCESSFUL"]);
    });

    it("filters the task list by status: FAILED gives the one failed task", async () => {
      await page.getByTestId("nav-tasks").click();
      await page.getByTestId("filter-status-FAILED").check();
      await page.getByTestId("filter-submit").click();
      await page.waitForURL(/status=FAILED/);
      const rows = page.getByTestId("task-row");
      expect(await rows.count()).toBe(1);
      expect(await rows.first().getAttribute("data-task-id")).toBe(failed.id);
      expect(await rows.first().getByTestId("task-name").textContent()).toBe("browser.reserveStock");
    });

    it("opens the failed task and shows its error with the stack", async () => {
      await page.getByTestId("task-link").first().click();
      expect(await page.getByTestId("task-id").textContent()).toBe(failed.id);
      const error = page.getByTestId("error").first();
      expect(await error.getByTestId("error-class").textContent()).toBe("WarehouseOfflineError");
      expect(await error.getByTestId("error-message").textContent()).toBe("warehouse offline while reserving sku-42");
      const stack = (await error.getByTestId("error-stack").textContent()) ?? "";
      expect(stack).toContain("WarehouseOfflineError: warehouse offline while reserving sku-42");
      expect(stack).toMatch(/at (Object\.)?reserveStockAttempt .*helpers\/tasks\.ts:\d+/);
    });

    it("retries it after a confirmation, and a worker run then makes it SUCCESSFUL", async () => {
      await page.getByTestId("action-retry").click();
      await page.getByTestId("confirm").click();
      await expect.poll(() => page.getByTestId("action-count").getAttribute("data-count")).toBe("1");
      await open(`/tasks/${failed.id}?backend=default`);
      expect(await page.getByTestId("status").first().textContent()).toBe("READY");

      expect((await runWorkerUntilIdle()).succeeded).toBe(1);
      await page.reload();
      expect(await page.getByTestId("status").first().textContent()).toBe("SUCCESSFUL");
      expect(await page.getByTestId("task-attempts").textContent()).toBe("2 of 2");
      expect(JSON.parse((await page.getByTestId("return-value").textContent()) ?? "null")).toEqual({ reserved: "sku-42", attempt: 2 });
      // The first attempt's error stays in the task's history.
      expect(await page.getByTestId("error").count()).toBe(1);
    });

    it("cancels a READY task after a confirmation", async () => {
      await open(`/tasks?backend=default&queue=${HELD_QUEUE}`);
      const row = page.getByTestId("task-row");
      expect(await row.count()).toBe(1);
      expect(await row.first().getAttribute("data-status")).toBe("READY");
      await row.first().getByTestId("task-link").click();
      await page.getByTestId("action-cancel").click();
      await page.getByTestId("confirm").click();
      await expect.poll(() => page.getByTestId("action-count").getAttribute("data-count")).toBe("1");
      await open(`/tasks/${held.id}?backend=default`);
      expect(await page.getByTestId("status").first().textContent()).toBe("CANCELLED");
      expect((await held.refresh()).status).toBe("CANCELLED");
    });

    it("renders an argument holding a script element as text: no dialog, no script run, no element made from it", async () => {
      for (const path of [`/tasks/${scripted.id}?backend=default`, `/tasks?backend=default&queue=${INERT_QUEUE}`]) {
        await open(path);
        const args = page.getByTestId("task-args").first();
        expect(await args.textContent()).toContain("<script>window.__dashboardPwned = true;");
        // Expressions evaluated in the page (this package compiles without the DOM types).
        expect(await page.evaluate("typeof window.__dashboardPwned")).toBe("undefined");
        expect(await page.evaluate('[...document.scripts].filter((script) => script.textContent.includes("__dashboardPwned")).length')).toBe(0);
        expect(await page.locator('img[src="x"]').count()).toBe(0);
      }
      expect(dialogs).toEqual([]);
    });

    it("takes a full-page screenshot of the overview, list, detail and confirm pages", async () => {
      const paths: string[] = [];
      await open("/");
      paths.push(await saveScreenshot(page, kind, "overview"));
      await open("/tasks?backend=default");
      paths.push(await saveScreenshot(page, kind, "list"));
      await open(`/tasks/${failed.id}?backend=default`);
      paths.push(await saveScreenshot(page, kind, "detail"));
      await page.getByTestId("action-delete").click();
      expect(await page.getByTestId("confirm").count()).toBe(1);
      paths.push(await saveScreenshot(page, kind, "confirm"));
      for (const path of paths) {
        expect(existsSync(path), path).toBe(true);
        expect(statSync(path).size, path).toBeGreaterThan(1_000);
      }
      console.log(`Screenshots of the dashboard on ${kind}:\n${paths.join("\n")}`);
    });
  });
}
