import type { LibName } from "./adapters/types.js";

/** One library's figure in one table row. */
export interface Figure {
  /** null when the run failed or the scenario does not apply. */
  readonly value: number | null;
  /** Shown next to the value, e.g. "capped: 812/50000 in 20 s". */
  readonly note?: string;
  /** Set when the run lost or duplicated a task or crashed: the row shows FAILED. */
  readonly failed?: string;
}

/** One line of the final table. */
export interface ResultRow {
  readonly scenario: string;
  readonly unit: string;
  readonly better: "higher" | "lower";
  readonly figures: Partial<Record<LibName, Figure>>;
}

/** Collects rows in the order scenarios produce them; a row name seen again is merged. */
export class ResultTable {
  readonly rows: ResultRow[] = [];

  /** Records `figure` for `lib` in the row `scenario`. */
  add(scenario: string, unit: string, better: "higher" | "lower", lib: LibName, figure: Figure): void {
    let row = this.rows.find((r) => r.scenario === scenario);
    if (!row) {
      row = { scenario, unit, better, figures: {} };
      this.rows.push(row);
    }
    row.figures[lib] = figure;
  }

  /** Whether any figure is FAILED. */
  get anyFailed(): boolean {
    return this.rows.some((row) => Object.values(row.figures).some((figure) => figure?.failed));
  }
}

/** The p-th percentile (0–100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
