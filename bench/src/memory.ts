/**
 * Memory of a worker child when a drain is over, measured the same way for every library
 * (in `worker-main.ts`, so the peers' worker modules need nothing for it).
 */
import { readFileSync } from "node:fs";

/** `process.memoryUsage()` figures, in bytes. */
export interface MemoryFigures {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  /** C++ memory bound to JS objects; includes `arrayBuffers` (Buffers, typed arrays). */
  readonly external: number;
  readonly arrayBuffers: number;
  /**
   * The private (anonymous) part of `rss`, from `/proc/self/status` (null off Linux). The rest
   * is file-backed, mostly the pages of the node binary that every node process shares.
   */
  readonly rssAnon: number | null;
}

/** A worker child's memory at the end of its run. */
export interface MemoryReport {
  /** When the worker was built (modules loaded, connections opened), before the drain. */
  readonly atReady: MemoryFigures;
  /** When the stop request arrived, before anything else (the figure the table has always shown). */
  readonly atStop: MemoryFigures;
  /** Right after a forced full garbage collection: what is really held. */
  readonly afterGc: MemoryFigures;
  /** Bytes used and committed by each V8 heap space after the forced collection. */
  readonly spaces: Readonly<Record<string, { readonly used: number; readonly committed: number }>>;
}

/** The `<lib>` argument of a worker child that loads no library: node and the loader only. */
export const FLOOR_LIB = "floor";

/** Environment variable naming a folder: each worker child writes a V8 heap snapshot there after its drain. */
export const HEAP_SNAPSHOT_DIR_ENV = "BENCH_HEAP_SNAPSHOT_DIR";

/** This process's memory now. */
export function memoryFigures(): MemoryFigures {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external, arrayBuffers, rssAnon: anonymousRss() };
}

function anonymousRss(): number | null {
  try {
    const kb = /^RssAnon:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/**
 * Measures this process, forces a full collection and measures again. Children run without
 * `--expose-gc` (that flag would be one more difference from production), so the collector is
 * reached through V8's flag at measurement time (the vm context that lends `gc` adds ~0.3 MB
 * to the heap after GC, the same for every library). With {@link HEAP_SNAPSHOT_DIR_ENV} set, a heap
 * snapshot named `<label>-<pid>.heapsnapshot` is written after the measurement.
 */
export async function measureMemory(label: string, atReady: MemoryFigures): Promise<MemoryReport> {
  const atStop = memoryFigures();
  const v8 = await import("node:v8");
  let gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") {
    v8.setFlagsFromString("--expose-gc");
    gc = (await import("node:vm")).runInNewContext("gc") as () => void;
  }
  gc();
  const afterGc = memoryFigures();
  const spaces: Record<string, { used: number; committed: number }> = {};
  for (const space of v8.getHeapSpaceStatistics()) {
    spaces[space.space_name] = { used: space.space_used_size, committed: space.physical_space_size };
  }
  const dir = process.env[HEAP_SNAPSHOT_DIR_ENV];
  if (dir) v8.writeHeapSnapshot((await import("node:path")).join(dir, `${label}-${process.pid}.heapsnapshot`));
  return { atReady, atStop, afterGc, spaces };
}

/** Megabytes (MiB) from bytes. */
export function mb(bytes: number): number {
  return bytes / 2 ** 20;
}

/** One log line: the V8 heap spaces of a report, used/committed MB. */
export function describeSpaces(report: MemoryReport): string {
  return Object.entries(report.spaces)
    .filter(([, space]) => space.committed > 0)
    .map(([name, space]) => `${name.replace(/_space$/, "")} ${mb(space.used).toFixed(1)}/${mb(space.committed).toFixed(1)}`)
    .join(", ");
}
