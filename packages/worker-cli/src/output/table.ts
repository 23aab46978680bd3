/** How a column's cells line up. */
export type Alignment = "left" | "right";

/**
 * Lays out `rows` under `headers` as text columns two spaces apart, one string per line
 * (header first). Columns are as wide as their widest cell; trailing spaces are trimmed.
 */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, align: readonly Alignment[] = []): string[] {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) =>
    widths
      .map((width, column) => {
        const cell = cells[column] ?? "";
        return align[column] === "right" ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}
