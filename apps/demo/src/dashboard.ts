/**
 * `--dashboard`: serves `@tasks/dashboard` on the demo's database while the demo runs, and
 * keeps it (and a worker, so a retry from the dashboard runs) until Ctrl-C.
 */
import { randomBytes } from "node:crypto";

/** The port when `DEMO_DASHBOARD_PORT` is not set. */
export const DEFAULT_DEMO_DASHBOARD_PORT = 8080;

/** The running dashboard. */
export interface DemoDashboard {
  /** The address to open, with the token in it. */
  readonly url: string;
  close(): Promise<void>;
}

/** Whether this run should serve the dashboard: `--dashboard` among `argv`. */
export function dashboardRequested(argv: readonly string[] = process.argv.slice(2)): boolean {
  return argv.includes("--dashboard");
}

/**
 * The port from `DEMO_DASHBOARD_PORT` (0 picks a free one), else 8080; throws naming the
 * variable when it is not a port.
 */
export function demoDashboardPort(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.DEMO_DASHBOARD_PORT;
  if (text === undefined || text === "") return DEFAULT_DEMO_DASHBOARD_PORT;
  const port = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isInteger(port) || port > 65_535) throw new Error(`DEMO_DASHBOARD_PORT must be a TCP port from 0 (any free port) to 65535 (got "${text}").`);
  return port;
}

/**
 * Serves the dashboard for the configured backends on 127.0.0.1 with the token of
 * `TASKS_DASHBOARD_TOKEN` or a random one, and returns the URL to open (token included).
 */
export async function startDemoDashboard(env: NodeJS.ProcessEnv = process.env): Promise<DemoDashboard> {
  const port = demoDashboardPort(env);
  const token = env.TASKS_DASHBOARD_TOKEN || randomBytes(18).toString("base64url");
  // Loaded only for --dashboard, so the plain demo starts as before.
  const { serveDashboard } = await import("@tasks/dashboard");
  let served: Awaited<ReturnType<typeof serveDashboard>>;
  try {
    served = await serveDashboard({ port, host: "127.0.0.1", token });
  } catch (error) {
    if ((error as { code?: unknown }).code === "EADDRINUSE") {
      throw new Error(`Port ${port} is already in use: set DEMO_DASHBOARD_PORT to another port (0 picks a free one).`, { cause: error });
    }
    throw error;
  }
  const url = new URL(served.url);
  url.searchParams.set("token", token);
  return { url: url.toString(), close: () => served.close() };
}

/** Resolves with the first SIGINT or SIGTERM (Ctrl-C); a second one exits at once. */
export function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      process.once("SIGINT", () => process.exit(130));
      process.once("SIGTERM", () => process.exit(143));
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
