/** The README's quick-start commands, and running them in a fresh application. */
import type { CommandResult } from "./exec.js";
import type { FreshApp } from "./app.js";

/** The commands of the root README's "Run it" block and its pnpm sentence, exactly as written there. */
export const README_COMMANDS = {
  migrate: "npx tasks migrate",
  enqueue: "npx tsx src/enqueue.ts",
  worker: "npx tasks worker --queue default,special --batch",
  report: "npx tsx src/report.ts <id> <id>",
  prune: "npx tasks prune --keep-failed 7d",
  pnpmMigrate: "pnpm tasks migrate",
  pnpmWorker: "pnpm db-worker --queue default,special --batch",
  pnpmPrune: "pnpm exec prune --keep-failed 7d",
} as const;

/** Which README command. */
export type ReadmeCommand = keyof typeof README_COMMANDS;

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

/** Runs a README command in `app` (`<id>` placeholders take `ids` in order). */
export function runReadmeCommand(app: FreshApp, name: ReadmeCommand, ids: readonly string[] = []): Promise<CommandResult> {
  const [program, ...args] = README_COMMANDS[name].split(" ");
  let next = 0;
  const argv = args.flatMap((arg) => (arg === "<id>" ? [ids[next++] ?? ""] : [arg]));
  if (program === "npx") return app.npx(argv);
  if (program === "pnpm") return app.pnpm(argv);
  throw new Error(`Unexpected program in ${README_COMMANDS[name]}`);
}

/** The task ids an enqueue script printed. */
export function printedIds(output: string): string[] {
  return output.match(UUID) ?? [];
}
