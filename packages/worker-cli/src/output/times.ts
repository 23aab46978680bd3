/** Instants and long spans as the report commands print them. */
import { formatMs } from "../args/durations.js";

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
];

/**
 * A span to the precision a person reads at a glance: `{@link formatMs}` under a minute
 * (`350ms`, `4.20s`), else its two largest units (`2m05s`, `3h07m`, `1d02h`).
 */
export function spanText(ms: number): string {
  if (ms < 60_000) return formatMs(ms);
  const index = UNITS.findIndex(([, size]) => ms >= size);
  const [unit, size] = UNITS[index]!;
  const [smallUnit, smallSize] = UNITS[index + 1]!;
  const whole = Math.floor(ms / size);
  const rest = Math.floor((ms - whole * size) / smallSize);
  return `${whole}${unit}${String(rest).padStart(2, "0")}${smallUnit}`;
}

/** An instant in UTC to the second, with how far it is from `now`: `2026-05-01 03:00:00Z (in 4h12m)`. */
export function instantText(date: Date | null, now: number): string {
  if (date === null) return "-";
  const utc = `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
  const delta = date.getTime() - now;
  return `${utc} (${delta >= 0 ? `in ${spanText(delta)}` : `${spanText(-delta)} ago`})`;
}
