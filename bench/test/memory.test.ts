import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LibAdapter } from "../src/adapters/types.js";
import { HEAP_SNAPSHOT_DIR_ENV, measureMemory, memoryFigures, type MemoryFigures } from "../src/memory.js";
import { ResultTable } from "../src/results.js";
import type { ScenarioContext } from "../src/scenarios/context.js";
import { addWorkerMemoryRows, measureFloor } from "../src/scenarios/worker-memory.js";

function contextFor(table: ResultTable): ScenarioContext {
  const adapter = { lib: "ours", label: "tasks", bulkChunk: 1, profiles: { defaults: {} } } as unknown as LibAdapter;
  return { adapter, table, log: () => {}, childExecArgv: [] };
}

const MB = 2 ** 20;

describe("measureMemory", () => {
  afterEach(() => {
    delete process.env[HEAP_SNAPSHOT_DIR_ENV];
  });

  it("forces a collection without --expose-gc, so garbage is gone from the second figure", async () => {
    let garbage: unknown[] | null = Array.from({ length: 200_000 }, (_, i) => ({ i, text: `item ${i}` }));
    expect(garbage.length).toBe(200_000);
    garbage = null;
    const report = await measureMemory("test", memoryFigures());
    expect(report.afterGc.heapUsed).toBeLessThan(report.atStop.heapUsed);
    expect(Object.keys(report.spaces)).toEqual(expect.arrayContaining(["new_space", "old_space", "code_space"]));
    if (process.platform === "linux") {
      expect(report.atStop.rssAnon).toBeGreaterThan(0);
      expect(report.atStop.rssAnon!).toBeLessThanOrEqual(report.atStop.rss);
    }
  });

  it("writes a heap snapshot into the folder named by the environment", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-heap-"));
    try {
      process.env[HEAP_SNAPSHOT_DIR_ENV] = dir;
      await measureMemory("snap", memoryFigures());
      const files = readdirSync(dir);
      expect(files).toEqual([`snap-${process.pid}.heapsnapshot`]);
      expect(statSync(join(dir, files[0]!)).size).toBeGreaterThan(100_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("memory rows", () => {
  const figures = (rss: number): MemoryFigures => ({ rss, heapUsed: 10 * MB, heapTotal: 40 * MB, external: 3 * MB, arrayBuffers: MB, rssAnon: rss / 2 });

  it("adds RSS before and after the drain, its private part, heap and external memory in MB", () => {
    const table = new ResultTable();
    addWorkerMemoryRows(contextFor(table), "(tuned)", { atReady: figures(90 * MB), atStop: figures(130 * MB), afterGc: figures(128 * MB), spaces: {} });
    expect(table.rows.map((row) => [row.scenario, row.figures.ours?.value])).toEqual([
      ["worker RSS before the drain (built, not started) (tuned)", 90],
      ["worker RSS after drain (tuned)", 130],
      ["worker RSS after drain, private part (tuned)", 65],
      ["worker V8 heap used after drain (tuned)", 10],
      ["worker V8 heap used after forced GC (tuned)", 10],
      ["worker V8 heap committed after drain (tuned)", 40],
      ["worker external memory after drain (tuned)", 3],
    ]);
    expect(table.rows.at(-1)?.figures.ours?.note).toBe("1.0 in array buffers");
  });

  it("measures the floor with a worker child that loads no library", async () => {
    const table = new ResultTable();
    await measureFloor(contextFor(table));
    const value = (name: string) => table.rows.find((row) => row.scenario.startsWith(name))?.figures.ours;
    const rss = value("floor: bare child RSS (node");
    expect(rss?.failed).toBeUndefined();
    expect(rss?.value).toBeGreaterThan(10);
    expect(value("floor: bare child V8 heap used")?.value).toBeGreaterThan(1);
    if (process.platform === "linux") expect(value("floor: bare child RSS, private part")?.value).toBeLessThan(rss!.value!);
  });
});
