import type { LibName } from "../adapters/types.js";
import { startChildren } from "../children.js";
import { describeSpaces, FLOOR_LIB, mb, type MemoryFigures, type MemoryReport } from "../memory.js";
import type { Figure } from "../results.js";
import { errorText, type ScenarioContext } from "./context.js";

type Moment = "atReady" | "atStop" | "afterGc";

/** Rows shown for a worker child, in table order: label, moment, figure. */
const WORKER_ROWS: readonly [string, Moment, (figures: MemoryFigures) => Figure][] = [
  ["worker RSS before the drain (built, not started)", "atReady", (f) => megabytes(f.rss)],
  ["worker RSS after drain", "atStop", (f) => megabytes(f.rss)],
  ["worker RSS after drain, private part", "atStop", (f) => megabytes(f.rssAnon)],
  ["worker V8 heap used after drain", "atStop", (f) => megabytes(f.heapUsed)],
  ["worker V8 heap used after forced GC", "afterGc", (f) => megabytes(f.heapUsed)],
  ["worker V8 heap committed after drain", "atStop", (f) => megabytes(f.heapTotal)],
  ["worker external memory after drain", "atStop", (f) => ({ ...megabytes(f.external), note: `${mb(f.arrayBuffers).toFixed(1)} in array buffers` })],
];

const FLOOR_RSS_ROW = "floor: bare child RSS (node + tsx, nothing imported)";

function megabytes(bytes: number | null): Figure {
  return bytes === null ? { value: null, note: "n/a off Linux" } : { value: mb(bytes) };
}

/** RSS and heap rows of one worker child's report, labelled with `suffix` (e.g. "(tuned)"). */
export function addWorkerMemoryRows(ctx: ScenarioContext, suffix: string, memory: MemoryReport): void {
  for (const [label, moment, figure] of WORKER_ROWS) {
    ctx.table.add(`${label} ${suffix}`, "MB", "lower", ctx.adapter.lib, figure(memory[moment]));
  }
  ctx.log(
    `memory ${suffix} ${ctx.adapter.lib}: RSS after forced GC ${mb(memory.afterGc.rss).toFixed(1)} MB; ` +
      `V8 spaces used/committed MB after GC: ${describeSpaces(memory)}`,
  );
}

/**
 * The floor every library's worker starts from: a child with node and the same loader that
 * imports nothing, started and stopped like a worker (measured in each library's turn).
 */
export async function measureFloor(ctx: ScenarioContext): Promise<void> {
  try {
    // worker-main.ts takes FLOOR_LIB in place of a library name and then loads no worker module.
    const [child] = await startChildren(1, FLOOR_LIB as LibName, "-", {}, ctx.childExecArgv);
    child!.go();
    const { memory } = await child!.stop();
    if (!memory) throw new Error("the floor child sent no memory figures");
    ctx.table.add(FLOOR_RSS_ROW, "MB", "lower", ctx.adapter.lib, megabytes(memory.atStop.rss));
    ctx.table.add("floor: bare child RSS, private part", "MB", "lower", ctx.adapter.lib, megabytes(memory.atStop.rssAnon));
    ctx.table.add("floor: bare child V8 heap used", "MB", "lower", ctx.adapter.lib, megabytes(memory.atStop.heapUsed));
  } catch (error) {
    ctx.table.add(FLOOR_RSS_ROW, "MB", "lower", ctx.adapter.lib, { value: null, failed: errorText(error) });
  }
}
