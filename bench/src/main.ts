/** `pnpm bench`: every scenario against every library, then a markdown table on stdout. */
import os from "node:os";
import path from "node:path";
import { graphileAdapter } from "./adapters/graphile.js";
import { pgBossAdapter } from "./adapters/pgboss.js";
import type { LibAdapter, LibName } from "./adapters/types.js";
import { parseBenchArgs, type ScenarioName } from "./args.js";
import { serverSettings } from "./db.js";
import { ResultTable } from "./results.js";
import { backlog } from "./scenarios/backlog.js";
import type { Scenario } from "./scenarios/context.js";
import { drain, drain2proc } from "./scenarios/drain.js";
import { enqueueBulk, enqueueSingle } from "./scenarios/enqueue.js";
import { latency } from "./scenarios/latency.js";
import { heldXmin, sustained, useSustainedSettings } from "./scenarios/sustained.js";
import { sustainedDetails } from "./sustained/render.js";
import { loadOursAdapter } from "./adapters/ours-loader.js";
import { markdownTable } from "./table.js";

const scenarios: Record<ScenarioName, { run: Scenario; libs: "all" | "ours" }> = {
  enqueue_single: { run: enqueueSingle, libs: "all" },
  enqueue_bulk: { run: enqueueBulk, libs: "all" },
  drain: { run: drain, libs: "all" },
  drain_2proc: { run: drain2proc, libs: "all" },
  latency: { run: latency, libs: "all" },
  backlog: { run: backlog, libs: "all" },
  sqlite_drain: { run: async (ctx) => (await import("./scenarios/sqlite.js")).sqliteDrain(ctx), libs: "ours" },
  sustained: { run: sustained, libs: "all" },
  held_xmin: { run: heldXmin, libs: "all" },
};

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  useSustainedSettings(args.sustained);
  const adapters = new Map<LibName, LibAdapter>();
  for (const lib of args.libs) {
    if (lib === "graphile") adapters.set(lib, graphileAdapter);
    if (lib === "pgboss") adapters.set(lib, pgBossAdapter);
    if (lib === "ours") adapters.set(lib, await loadOursAdapter());
  }
  const table = new ResultTable();
  const log = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
  const childExecArgv = args.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(args.cpuProfDir)}`] : [];
  const started = performance.now();
  for (const name of args.only) {
    const scenario = scenarios[name];
    for (const [lib, adapter] of adapters) {
      if (scenario.libs === "ours" && lib !== "ours") continue;
      log(`${name}: ${adapter.label}`);
      await scenario.run({ adapter, table, log, childExecArgv });
    }
  }
  const settings = await serverSettings();
  const libs = [...adapters.keys()];
  console.log(`\n${markdownTable(table, libs)}\n`);
  if (sustainedDetails.length > 0) {
    console.log("Sustained load over time (private Postgres cluster, default settings; one line per sample):\n");
    console.log(`${sustainedDetails.join("\n\n")}\n`);
  }
  console.log(
    `Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
      `PostgreSQL ${settings.server_version}, synchronous_commit=${settings.synchronous_commit}, ` +
      `shared_buffers=${settings.shared_buffers}, fsync=${settings.fsync}. ` +
      `Libraries: ${[...adapters.values()].map((a) => a.label).join(", ")}. Took ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  );
  if (table.anyFailed) {
    console.log("\nAt least one run FAILED (lost or duplicated tasks, or crashed): see the table.");
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
