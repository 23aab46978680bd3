/**
 * `--dashboard`: the demo serves the web dashboard on its database from just after the
 * enqueue, keeps it (and its worker) after the final table until SIGINT, then exits 0.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const appDir = fileURLToPath(new URL("..", import.meta.url));

/** Resolves with the first match of `pattern` in `read()`; fails if `exited()` or after `timeoutMs`. */
async function waitFor(read: () => string, exited: () => boolean, pattern: RegExp, timeoutMs = 45_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (exited() || Date.now() > deadline) throw new Error(`The demo never printed ${pattern}. Its output was:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("demo --dashboard (SQLite)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "tasks-demo-dashboard-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("serves the overview and the demo's failed task with the printed URL's token, keeps running after the table, and stops on SIGINT", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--dashboard"], {
      cwd: appDir,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DEMO_DATA_DIR: dataDir, DEMO_DASHBOARD_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const exit = new Promise<number | null>((resolve) => child.on("close", resolve));
    const exited = () => child.exitCode !== null || child.signalCode !== null;
    try {
      const [, printed] = await waitFor(() => output, exited, /^Dashboard: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m);
      const url = new URL(printed!);
      const token = url.searchParams.get("token")!;
      await waitFor(() => output, exited, /The dashboard keeps running at /);

      // The printed URL signs a browser in (a cookie with the token) and sends it to the overview.
      const signIn = await fetch(url, { redirect: "manual" });
      expect(signIn.status).toBe(303);
      const auth = { authorization: `Bearer ${token}` };
      const overview = await fetch(new URL("/", url), { headers: auth });
      expect(overview.status).toBe(200);
      expect(await overview.text()).toMatch(/data-testid="count" data-backend="default" data-queue="default" data-status="FAILED"><a [^>]*>1</);
      const failed = await fetch(new URL("/tasks?backend=default&status=FAILED", url), { headers: auth });
      expect(failed.status).toBe(200);
      expect(await failed.text()).toContain("crm.importLegacyCustomer");
      expect((await fetch(new URL("/", url))).status).toBe(401);
      expect(exited()).toBe(false);

      child.kill("SIGINT");
      expect(await exit, output).toBe(0);
      await expect(fetch(new URL("/", url), { headers: auth })).rejects.toThrow();
    } finally {
      if (!exited()) child.kill("SIGKILL");
    }
  });
});
