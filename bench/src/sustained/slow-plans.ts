/** Plans of slow statements, from auto_explain's entries in the server log. */

/** Statements slower than this have their plan logged by auto_explain (`auto_explain.log_min_duration`). */
export const SLOW_STATEMENT_MS = 1000;

/** One logged plan. */
export interface SlowPlan {
  readonly durationMs: number;
  /** The statement, whitespace collapsed, cut to 200 characters. */
  readonly query: string;
  /** The plan's lines as logged (tab indents removed). */
  readonly plan: string;
}

const ENTRY = /\bLOG:\s+duration: ([\d.]+) ms\s+plan:\s*$/;
// auto_explain prints costs by default: the first line with one starts the plan.
const PLAN_LINE = /\(cost=\d/;

/**
 * Finds auto_explain entries in a server log: a `LOG:  duration: … ms  plan:` line followed by
 * lines that each start with a tab, the statement (`Query Text: …`, possibly several lines) and
 * then its plan. Keeps the slowest entry of each distinct statement; returns at most `limit`,
 * slowest first.
 */
export function slowPlans(log: string, limit = 5): SlowPlan[] {
  const byQuery = new Map<string, SlowPlan>();
  const lines = log.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = ENTRY.exec(lines[i]!);
    if (!match) continue;
    const body: string[] = [];
    while (i + 1 < lines.length && lines[i + 1]!.startsWith("\t")) body.push(lines[++i]!.slice(1));
    const planStart = body.findIndex((line) => PLAN_LINE.test(line));
    const queryLines = planStart < 0 ? body : body.slice(0, planStart);
    const query = queryLines.join(" ").replace(/^Query Text:\s*/, "").replace(/\s+/g, " ").trim().slice(0, 200);
    const entry = { durationMs: Number(match[1]), query, plan: planStart < 0 ? "" : body.slice(planStart).join("\n") };
    const seen = byQuery.get(query);
    if (!seen || seen.durationMs < entry.durationMs) byQuery.set(query, entry);
  }
  return [...byQuery.values()].sort((a, b) => b.durationMs - a.durationMs).slice(0, limit);
}
