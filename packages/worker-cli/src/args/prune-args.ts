import { DEFAULT_PRUNE_KEEP_MS } from "@tasks/core";
import { BACKEND_FLAG_HELP, backendFlag, COMMON_FLAGS_HELP, configFlag, integerFlag, last, queueListFlag, parseFlags } from "./common.js";
import { KEEP_RANGE } from "./bounds.js";
import { durationFlag, durationText } from "./durations.js";

/** Default `--keep`: core's default prune threshold (two weeks), as a duration such as `14d`. */
export const DEFAULT_KEEP = durationText(DEFAULT_PRUNE_KEEP_MS);
/** Default `--batch-size`. */
export const DEFAULT_PRUNE_BATCH_SIZE = 1_000;

/** The `prune` flags, checked and with defaults applied. */
export interface PruneArgs {
  readonly keepMs: number;
  readonly keepText: string;
  readonly keepFailedMs: number;
  readonly keepFailedText: string;
  /** `undefined`: every queue. */
  readonly queues: readonly string[] | undefined;
  readonly backend: string | undefined;
  readonly dryRun: boolean;
  readonly batchSize: number;
  readonly config: string | undefined;
}

/** `tasks prune --help` (`program` is how it was invoked: `tasks prune` or `prune`). */
export function pruneHelp(program: string): string {
  return `Usage: ${program} [flags]

Deletes finished task rows older than a threshold, in chunks ("tasks prune" and "prune" are
the same command; in a pnpm project run "pnpm tasks prune" or "pnpm exec prune", since
"pnpm prune" is pnpm's own command). SUCCESSFUL and CANCELLED rows follow --keep, FAILED rows follow --keep-failed.
READY and RUNNING rows are never touched.

Flags:
  --keep DURATION           Keep finished rows younger than this (default: ${DEFAULT_KEEP})
  --keep-failed DURATION    Keep FAILED rows younger than this (default: same as --keep)
  --queue a,b               Only these queues (default: every queue)
${BACKEND_FLAG_HELP}
  --dry-run                 Count the rows that would be deleted; delete nothing
  --batch-size N            Rows deleted per statement (default: ${DEFAULT_PRUNE_BATCH_SIZE})
${COMMON_FLAGS_HELP}

DURATION needs a unit: 30s, 90m, 12h, 7d, 1w, or a sum such as 1d12h, from 0s to
${KEEP_RANGE.maxText}. A bare number is refused so that "7" cannot be read as 7 seconds
by mistake.
Exit codes: 0 done, 1 the database cannot be used or an unexpected error, 2 bad flags or
config, 130/143 stopped by SIGINT/SIGTERM between chunks.
`;
}

/** Parses and checks `tasks prune`'s flags; throws a UsageError naming the first bad flag. */
export function parsePruneArgs(argv: readonly string[]): PruneArgs {
  const { values } = parseFlags(argv, {
    keep: { type: "string" },
    "keep-failed": { type: "string" },
    queue: { type: "string", multiple: true },
    backend: { type: "string" },
    "dry-run": { type: "boolean" },
    "batch-size": { type: "string" },
    config: { type: "string" },
  });
  const keepText = values.keep ?? DEFAULT_KEEP;
  const keepMs = durationFlag("keep", keepText, KEEP_RANGE);
  const keepFailedText = values["keep-failed"] ?? keepText;
  const keepFailedMs = values["keep-failed"] === undefined ? keepMs : durationFlag("keep-failed", keepFailedText, KEEP_RANGE);
  const queues = values.queue ? queueListFlag("queue", values.queue, true) : "*";
  const batchSize = last(values["batch-size"]);
  return {
    keepMs,
    keepText,
    keepFailedMs,
    keepFailedText,
    queues: queues === "*" ? undefined : queues,
    backend: backendFlag(values.backend),
    dryRun: values["dry-run"] === true,
    batchSize: batchSize === undefined ? DEFAULT_PRUNE_BATCH_SIZE : integerFlag("batch-size", batchSize),
    config: configFlag(values.config),
  };
}
