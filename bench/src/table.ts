import type { LibName } from "./adapters/types.js";
import type { Figure, ResultRow, ResultTable } from "./results.js";

const HEADERS: Record<LibName, string> = { ours: "tasks", graphile: "graphile-worker", pgboss: "pg-boss" };

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function formatFigure(figure: Figure | undefined): string {
  if (!figure) return "–";
  if (figure.failed) return `**FAILED** (${figure.failed})`;
  if (figure.value === null) return figure.note ?? "n/a";
  return figure.note ? `${formatNumber(figure.value)} (${figure.note})` : formatNumber(figure.value);
}

/** How many times better ours is than the peer (>1: ours better), whichever direction is better. */
function advantage(row: ResultRow, peer: LibName): string {
  const ours = row.figures.ours;
  const theirs = row.figures[peer];
  if (!ours || !theirs || ours.failed || theirs.failed || ours.value === null || theirs.value === null) return "–";
  if (ours.value === 0 || theirs.value === 0) return "–";
  const ratio = row.better === "higher" ? ours.value / theirs.value : theirs.value / ours.value;
  return `${ratio.toFixed(2)}×`;
}

/** The markdown table: one column per library, then ours-vs-peer factors. */
export function markdownTable(table: ResultTable, libs: readonly LibName[]): string {
  const peers = libs.filter((lib) => lib !== "ours");
  const showRatios = libs.includes("ours");
  const head = ["scenario", "unit", ...libs.map((lib) => HEADERS[lib]), ...(showRatios ? peers.map((p) => `tasks vs ${HEADERS[p]}`) : [])];
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`];
  for (const row of table.rows) {
    const cells = [
      row.scenario,
      `${row.unit} (${row.better} is better)`,
      ...libs.map((lib) => formatFigure(row.figures[lib])),
      ...(showRatios ? peers.map((peer) => advantage(row, peer)) : []),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}
