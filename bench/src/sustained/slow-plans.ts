/** Plans of slow statements, from auto_explain's entries in the server log. */

/** Statements slower than this have their plan logged by auto_explain (`auto_explain.log_min_duration`). */
export const SLOW_STATEMENT_MS = 1000;

/** One logged plan. */
export interface SlowPlan {
  readonly durationMs: number;
  /** The plan as logged (query text first), tab indents removed. */
  readonly text: string;
}

const ENTRY = /\bLOG:\s+duration: ([\d.]+) ms\s+plan:\s*$/;

/**
 * Finds auto_explain entries in a server log: a `LOG:  duration: … ms  plan:` line followed by
 * the plan's lines, each starting with a tab. Returns at most `limit` of them, slowest first.
 */
export function slowPlans(log: string, limit = 10): SlowPlan[] {
  const plans: SlowPlan[] = [];
  const lines = log.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = ENTRY.exec(lines[i]!);
    if (!match) continue;
    const body: string[] = [];
    while (i + 1 < lines.length && lines[i + 1]!.startsWith("\t")) body.push(lines[++i]!.slice(1));
    plans.push({ durationMs: Number(match[1]), text: body.join("\n") });
  }
  return plans.sort((a, b) => b.durationMs - a.durationMs).slice(0, limit);
}
