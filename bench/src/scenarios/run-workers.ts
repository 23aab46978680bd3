import type { LibSession, Progress, WorkerProfile } from "../adapters/types.js";
import { startChildren } from "../children.js";
import { wallMs } from "../payload.js";
import type { ChildReport } from "../protocol.js";
import { sleep, type ScenarioContext } from "./context.js";

/** A run whose projected duration exceeds its deadline after this long is capped early. */
const EARLY_CAP_AFTER_MS = 10_000;
/** Longest and shortest wait between two progress polls of a drain. */
const MAX_POLL_MS = 200;
const MIN_POLL_MS = 10;

/**
 * The wait before the next progress poll: a quarter of the time the rest of the drain should
 * take at the rate so far, within [MIN_POLL_MS, MAX_POLL_MS]. Polls are rare while the end is
 * far (each one is a count over the library's table) and close together near it, so a drain
 * of ~1.3 s is timed to within a few percent instead of the ±15% of a fixed 200 ms.
 */
export function nextPollMs(elapsedMs: number, done: number, total: number): number {
  if (done <= 0) return MAX_POLL_MS;
  const remainingMs = ((total - done) * elapsedMs) / done;
  return Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, Math.round(remainingMs / 4)));
}

/** How one worker run is driven and when it is considered done. */
export interface WorkerRunOptions {
  readonly session: LibSession;
  /** Where the workers connect: a Postgres URL or, for ours on SQLite, a file path. */
  readonly target: string;
  readonly profile: WorkerProfile;
  readonly procs: number;
  /** Tasks numbered 1…total are queued. */
  readonly total: number;
  /** Give up (and report a capped rate) after this long, or earlier once clearly too slow. */
  readonly deadlineMs: number;
  /**
   * `all`: done when the database shows every task finished (polled every 10–200 ms, closer together near the end).
   * `reached`: done when the (single) worker has started `reachAt` tasks; the database is
   * not polled during the run, so a large table is not scanned while being measured.
   */
  readonly until: "all" | "reached";
  /** The task count at which a child reports the time (default 20,000, for first-20k rates). */
  readonly reachAt?: number;
}

/** What happened in one worker run. */
export interface WorkerRunOutcome {
  /** Seconds from "go" to done (or to the deadline when capped). */
  readonly seconds: number;
  readonly capped: boolean;
  /** Seconds from "go" until the first child had started `reachAt` tasks, if it got there. */
  readonly reachedSeconds: number | undefined;
  /** Database state right after done (before stopping the workers). */
  readonly progress: Progress;
  readonly reports: ChildReport[];
  /** Why the run must be reported FAILED, if it must. */
  readonly problem: string | undefined;
}

/** Starts the worker children, times them and checks that every task ran exactly once. */
export async function runWorkers(ctx: ScenarioContext, options: WorkerRunOptions): Promise<WorkerRunOutcome> {
  const { session, total } = options;
  const reachAt = options.reachAt ?? 20_000;
  const children = await startChildren(options.procs, ctx.adapter.lib, options.target, options.profile, ctx.childExecArgv);
  let reports: ChildReport[] = [];
  try {
    const reachedAt = Promise.race(children.map((child) => child.reached(options.deadlineMs + 5_000))).catch(() => undefined);
    const goAt = wallMs();
    const start = performance.now();
    for (const child of children) child.go(reachAt);
    let capped = false;
    let progress: Progress;
    if (options.until === "reached") {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), options.deadlineMs)));
      const at = await Promise.race([reachedAt, deadline]);
      clearTimeout(timer);
      capped = at === undefined;
      progress = await session.progress(total);
    } else {
      for (;;) {
        progress = await session.progress(total);
        if (progress.succeeded + progress.failed >= total) break;
        const elapsed = performance.now() - start;
        // A run that clearly cannot finish in time is cut short: its rate is already known.
        const projected = elapsed >= EARLY_CAP_AFTER_MS ? (elapsed * total) / Math.max(1, progress.succeeded) : 0;
        if (elapsed > options.deadlineMs || projected > options.deadlineMs) {
          capped = true;
          break;
        }
        await sleep(nextPollMs(elapsed, progress.succeeded + progress.failed, total));
      }
    }
    const seconds = (options.until === "reached" && capped ? options.deadlineMs : performance.now() - start) / 1000;
    const at = await Promise.race([reachedAt, Promise.resolve(undefined)]);
    reports = await Promise.all(children.map((child) => child.stop()));
    const settled = await session.progress(total);
    const problem = checkExactlyOnce(reports, total, settled, options.until === "all" && !capped);
    return { seconds, capped, reachedSeconds: at === undefined ? undefined : (at - goAt) / 1000, progress, reports, problem };
  } finally {
    // Children that reported exit by themselves (and may still be writing a CPU profile).
    if (reports.length === 0) for (const child of children) child.kill();
  }
}

/**
 * Every task number seen by the workers at most once, none outside 1…total; when the run
 * was to finish everything, every number seen and the database agreeing.
 */
export function checkExactlyOnce(reports: readonly ChildReport[], total: number, progress: Progress, complete: boolean): string | undefined {
  const counts = new Uint8Array(total + 1);
  let duplicates = 0;
  let outside = 0;
  let unique = 0;
  for (const report of reports) {
    for (const n of report.seen) {
      if (!Number.isInteger(n) || n < 1 || n > total) {
        outside++;
        continue;
      }
      if (counts[n]! > 0) duplicates++;
      else unique++;
      counts[n] = 1;
    }
  }
  if (duplicates > 0) return `${duplicates} tasks ran more than once`;
  if (outside > 0) return `${outside} tasks with unknown numbers ran`;
  if (progress.failed > 0) return `${progress.failed} tasks FAILED in the database`;
  if (progress.succeeded + progress.failed + progress.pending !== total) {
    return `the database holds ${progress.succeeded + progress.failed + progress.pending} of ${total} tasks`;
  }
  if (unique < progress.succeeded) return `the database shows ${progress.succeeded} finished but only ${unique} ran`;
  if (complete) {
    if (unique !== total) return `${total - unique} tasks never ran`;
    if (progress.succeeded !== total) return `the database shows ${progress.succeeded} of ${total} finished`;
  }
  return undefined;
}
