import { addRows, detailsSection, keepJson, sustainedDetails } from "../sustained/render.js";
import { runSustained, type RunPlan } from "../sustained/run.js";
import { DEFAULT_SUSTAINED, resolveRate, type SustainedSettings } from "../sustained/settings.js";
import { summarize } from "../sustained/summary.js";
import { errorText, type Scenario, type ScenarioContext } from "./context.js";

let settings: SustainedSettings = DEFAULT_SUSTAINED;
let chosenRate: { rate: number; source: string } | undefined;

/** Sets the durations and rate for this process's `sustained` and `held_xmin` runs (from the command line). */
export function useSustainedSettings(next: SustainedSettings): void {
  settings = next;
  chosenRate = undefined;
}

// One rate for every library of the run, fixed the first time it is needed (after drain ran).
function rateFor(ctx: ScenarioContext): number {
  if (!chosenRate) {
    const figure = ctx.table.rows.find((row) => row.scenario === "drain (tuned)")?.figures.ours;
    chosenRate = resolveRate(settings, figure && !figure.failed && figure.value !== null ? figure.value : undefined);
    ctx.log(`sustained load: ${chosenRate.rate.toLocaleString("en-US")} tasks/s (${chosenRate.source})`);
  }
  return chosenRate.rate;
}

async function runAndReport(ctx: ScenarioContext, plan: RunPlan): Promise<void> {
  const { adapter } = ctx;
  try {
    const result = await runSustained(ctx, plan);
    const summary = summarize(plan, result.perSecond, result.samples);
    addRows(ctx.table, adapter.lib, result, summary);
    sustainedDetails.push(detailsSection(adapter.lib, adapter.label, result, summary));
    ctx.log(`${plan.scenario} ${adapter.lib}: ${result.problem ?? "every task ran once"}; figures kept in ${keepJson(adapter.lib, result, summary)}`);
  } catch (error) {
    ctx.table.add(`${plan.scenario}: throughput`, "tasks/s", "higher", adapter.lib, { value: null, failed: errorText(error) });
    ctx.log(`${plan.scenario} ${adapter.lib} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

/** Steady load at half our drain rate with the library's workers (tuned) and cleanup, on a private cluster. */
export const sustained: Scenario = (ctx) =>
  runAndReport(ctx, { scenario: "sustained", seconds: settings.sustainedSeconds, rate: rateFor(ctx), drainSeconds: settings.drainSeconds });

/** The same with a REPEATABLE READ snapshot held open in the middle. */
export const heldXmin: Scenario = (ctx) => {
  const from = settings.holdBeforeSeconds;
  const to = from + settings.holdSeconds;
  return runAndReport(ctx, {
    scenario: "held_xmin",
    seconds: to + settings.holdAfterSeconds,
    hold: { from, to },
    rate: rateFor(ctx),
    drainSeconds: settings.drainSeconds,
  });
};
