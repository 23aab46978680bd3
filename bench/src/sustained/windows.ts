/** Throughput over time from task starts counted per second since "go". */

/** One window of a throughput series. */
export interface Window {
  /** Seconds since "go", start inclusive, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** Task starts in the window. */
  readonly count: number;
  /** Starts per second. */
  readonly rate: number;
}

/** Adds `from` element-wise into `into` (growing it), for per-second counts of several children. */
export function addPerSecond(into: number[], from: readonly number[]): void {
  for (let i = 0; i < from.length; i++) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
}

/** Task starts in the seconds [fromS, toS). */
export function countBetween(perSecond: readonly number[], fromS: number, toS: number): number {
  let count = 0;
  for (let s = Math.max(0, Math.floor(fromS)); s < Math.ceil(toS) && s < perSecond.length; s++) count += perSecond[s] ?? 0;
  return count;
}

/** Starts per second over [fromS, toS); NaN for an empty span. */
export function rateBetween(perSecond: readonly number[], fromS: number, toS: number): number {
  const span = Math.ceil(toS) - Math.max(0, Math.floor(fromS));
  return span > 0 ? countBetween(perSecond, fromS, toS) / span : Number.NaN;
}

/** Consecutive windows of `windowS` seconds covering [0, totalS); the last one may be shorter. */
export function windowRates(perSecond: readonly number[], windowS: number, totalS: number): Window[] {
  if (!Number.isInteger(windowS) || windowS < 1) throw new Error(`windowRates: window must be a whole number of seconds ≥ 1 (got ${windowS}).`);
  const out: Window[] = [];
  for (let start = 0; start < totalS; start += windowS) {
    const end = Math.min(totalS, start + windowS);
    const count = countBetween(perSecond, start, end);
    out.push({ start, end, count, rate: count / (end - start) });
  }
  return out;
}

/** `part / whole`, or NaN when either is not a positive finite number. */
export function ratio(part: number, whole: number): number {
  return Number.isFinite(part) && Number.isFinite(whole) && whole > 0 && part >= 0 ? part / whole : Number.NaN;
}

/** Least-squares line through points, with r² (1 = on a line); undefined for fewer than 3 points or no spread in x. */
export function linearFit(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number; r2: number } | undefined {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return undefined;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}
