/** A plain text table with box-drawing borders (one row per line, cells separated by "│"). */

/** Column headers and rows of cells, all strings. */
export interface TableData {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Longest cell text; longer cells end with "…" so each row stays on one line. */
const MAX_CELL = 80;

/** Renders `data` as lines of text. */
export function renderTable(data: TableData): string {
  const clip = (cell: string) => {
    const flat = cell.replace(/\s+/g, " ");
    return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
  };
  const headers = data.headers.map(clip);
  const rows = data.rows.map((row) => row.map(clip));
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (left: string, middle: string, right: string) => `${left}${widths.map((width) => "─".repeat(width + 2)).join(middle)}${right}`;
  const cells = (row: readonly string[]) => `│ ${widths.map((width, column) => (row[column] ?? "").padEnd(width)).join(" │ ")} │`;
  return [line("┌", "┬", "┐"), cells(headers), line("├", "┼", "┤"), ...rows.map(cells), line("└", "┴", "┘")].join("\n");
}
