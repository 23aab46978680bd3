import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LibName } from "../adapters/types.js";
import type { ResultTable } from "../results.js";
import type { RunResult } from "./run.js";
import { SLOW_STATEMENT_MS } from "./slow-plans.js";
import { claimQueryId, statementDelta, type TableStats, type XminHolder } from "./stats.js";
import type { RunSummary } from "./summary.js";

/** Markdown sections with each run's figures over time, printed after the main table. */
export const sustainedDetails: string[] = [];

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "–");
const mb = (bytes: number) => bytes / 2 ** 20;
const pct = (value: number) => (Number.isFinite(value) ? value * 100 : Number.NaN);

function tablesNote(summary: RunSummary, pick: (tables: TableStats) => number, digits: number): string {
  return summary.tables.map(({ label, tables }) => `${label} ${fmt(pick(tables), digits)}`).join(" → ");
}

/** Adds a run's rows to the main table (one column per library). */
export function addRows(table: ResultTable, lib: LibName, result: RunResult, summary: RunSummary): void {
  const name = result.plan.scenario;
  if (result.problem) {
    table.add(`${name}: throughput`, "tasks/s", "higher", lib, { value: null, failed: result.problem });
    return;
  }
  const phase = (key: string) => summary.phases.find((p) => p.name === key)!;
  const end = summary.tables[summary.tables.length - 1]!.tables;
  const deadNote = `${tablesNote(summary, (t) => t.deadTuples, 0)}; ${end.autovacuums} autovacuums`;
  const sizeNote = tablesNote(summary, (t) => mb(t.totalBytes), 1);
  if (name === "sustained") {
    const first = phase("first");
    const last = phase("last");
    const span = first.to - first.from;
    table.add(`sustained: throughput, first ${span} s`, "tasks/s", "higher", lib, { value: first.rate, note: `enqueued at ${fmt(result.plan.rate)}/s` });
    table.add(`sustained: throughput, last ${span} s`, "tasks/s", "higher", lib, { value: last.rate });
    table.add(`sustained: last ${span} s / first ${span} s (target ≥ 95%)`, "%", "higher", lib, { value: pct(summary.ratios.lastOverFirst!) });
    table.add("sustained: backlog when the load stopped", "tasks", "lower", lib, { value: result.backlogAtEnd });
    table.add("sustained: tables + indexes at the end", "MB", "lower", lib, { value: mb(end.totalBytes), note: sizeNote });
    table.add("sustained: dead tuples at the end", "tuples", "lower", lib, { value: end.deadTuples, note: deadNote });
    table.add("sustained: claim statement mean time, last span", "ms", "lower", lib, {
      value: last.claim.meanMs,
      note: `first ${fmt(first.claim.meanMs, 2)}; buffers/call ${fmt(first.claim.buffersPerCall, 1)} → ${fmt(last.claim.buffersPerCall, 1)}`,
    });
    return;
  }
  const before = phase("before");
  const held = phase("held");
  const after = phase("after");
  const release = summary.tables.find((t) => t.label === "at release")!.tables;
  table.add("held_xmin: throughput before the snapshot", "tasks/s", "higher", lib, { value: before.rate, note: `enqueued at ${fmt(result.plan.rate)}/s` });
  table.add(`held_xmin: while held (${held.to - held.from} s) / before (target ≥ 80%)`, "%", "higher", lib, { value: pct(summary.ratios.heldOverBefore!) });
  table.add(`held_xmin: ${after.to - after.from} s after release / before (target 100%)`, "%", "higher", lib, { value: pct(summary.ratios.afterOverBefore!) });
  const cleared = summary.backlogClearedAfter;
  table.add("held_xmin: backlog back under 1 s of load, after release", "s", "lower", lib, {
    value: cleared ?? null,
    note: cleared === undefined ? `not within ${result.plan.seconds - held.to} s; ${fmt(result.backlogAtEnd)} tasks behind when the load stopped` : `${fmt(result.backlogAtEnd)} tasks behind when the load stopped`,
  });
  table.add("held_xmin: dead tuples at release", "tuples", "lower", lib, { value: release.deadTuples, note: deadNote });
  table.add("held_xmin: tables + indexes at release", "MB", "lower", lib, { value: mb(release.totalBytes), note: sizeNote });
  table.add("held_xmin: claim statement mean time while held", "ms", "lower", lib, {
    value: held.claim.meanMs,
    note: `before ${fmt(before.claim.meanMs, 2)}, after ${fmt(after.claim.meanMs, 2)}`,
  });
  table.add("held_xmin: claim buffers per call while held", "buffers", "lower", lib, {
    value: held.claim.buffersPerCall,
    note: `before ${fmt(before.claim.buffersPerCall, 1)}, after ${fmt(after.claim.buffersPerCall, 1)}; rows/call ${fmt(before.claim.rowsPerCall, 1)} / ${fmt(held.claim.rowsPerCall, 1)} / ${fmt(after.claim.rowsPerCall, 1)}`,
  });
}

/** The markdown section of one run: settings, checks, and one line per sample window. */
export function detailsSection(lib: string, label: string, result: RunResult, summary: RunSummary): string {
  const { plan } = result;
  const lines = [
    `### ${plan.scenario} — ${label}`,
    "",
    `Enqueued ${fmt(result.enqueued)} tasks at ${fmt(plan.rate)}/s for ${plan.seconds} s` +
      (plan.hold ? `, snapshot held from ${plan.hold.from} s to ${plan.hold.to} s (xmin age at release: ${result.heldXminAge ?? "?"} transactions)` : "") +
      `. Cleanup: ${result.cleanup.description} (${result.cleanup.summary}). ` +
      `Enqueuer at most ${fmt(result.enqueueMaxBehind)} tasks behind schedule; backlog when the load stopped ${fmt(result.backlogAtEnd)}; ` +
      (result.drainedAfter === undefined ? `not drained within ${plan.drainSeconds} s` : `drained ${fmt(result.drainedAfter, 1)} s after`) +
      `. Worker RSS ${fmt(result.rssMb)} MB. Check: ${result.problem ?? "every task ran exactly once"}.`,
    "",
    `Claim statement (the most-called one with SKIP LOCKED): \`${summary.claimQuery ?? "none found"}\``,
    "",
    "| t (s) | starts/s | backlog | claims/s | rows/claim | ms/claim | buffers/claim | dead tuples | tables+indexes MB | autovacuums | oldest xmin: age, holder | vacuum/analyze running |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const queryId = claimQueryId(result.samples[result.samples.length - 1]);
  for (let i = 1; i < result.samples.length; i++) {
    const a = result.samples[i - 1]!;
    const b = result.samples[i]!;
    const span = b.at - a.at;
    if (span <= 0) continue;
    const claim = statementDelta(a, b, queryId);
    const mark = b.drain ? " (drain)" : plan.hold && Math.round(b.at) > plan.hold.from && Math.round(a.at) < plan.hold.to ? " (held)" : "";
    lines.push(
      `| ${fmt(a.at)}–${fmt(b.at, b.drain ? 1 : 0)}${mark} | ${fmt((b.started - a.started) / span)} | ${fmt(b.enqueued - b.started)} | ${fmt(claim.calls / span)} | ` +
        `${fmt(claim.rowsPerCall, 1)} | ${fmt(claim.meanMs, 2)} | ${fmt(claim.buffersPerCall, 1)} | ${fmt(b.tables.deadTuples)} | ${fmt(mb(b.tables.totalBytes), 1)} | ` +
        `${b.tables.autovacuums} | ${xminCell(b.oldestXmin)} | ${b.maintenance.join("; ") || "–"} |`,
    );
  }
  for (const slow of result.slowPlans) {
    lines.push(
      "",
      `auto_explain, slowest run of a statement over ${SLOW_STATEMENT_MS} ms: ${fmt(slow.durationMs)} ms, \`${slow.query.slice(0, 120)}\``,
      "",
      "```",
      ...slow.plan.split("\n").slice(0, 20),
      "```",
    );
  }
  if (summary.trend) {
    const t = summary.trend;
    lines.push(
      "",
      `While held, claim buffers per call rose by ${fmt(t.buffersPer100k ?? Number.NaN, 1)} per 100,000 tasks processed under the snapshot (r² ${fmt(t.buffersR2 ?? Number.NaN, 2)}), ` +
        `and the claim's mean time by ${fmt(t.msPer100k ?? Number.NaN, 3)} ms per 100,000 (r² ${fmt(t.msR2 ?? Number.NaN, 2)}).`,
    );
  }
  return lines.join("\n");
}

// Short ages are the benchmark's own statements in flight; only holders worth a look are named.
function xminCell(xmin: XminHolder | null): string {
  if (!xmin) return "–";
  return xmin.age < 100 ? String(xmin.age) : `${xmin.age}, ${xmin.holder.replaceAll("|", "/")}`;
}

/** Writes the run's raw figures as JSON under the system's temporary folder; returns the path. */
export function keepJson(lib: string, result: RunResult, summary: RunSummary): string {
  const dir = path.join(tmpdir(), "tasks-bench-sustained");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.plan.scenario}-${lib}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ lib, ...result, summary }, null, 1));
  return file;
}
