import { parseArgs } from "node:util";
import { backendFlag, configFlag, integerFlag, last, queueListFlag, withFlagErrors } from "./common.js";
import { durationFlag } from "./durations.js";

/** Default `--keep`: two weeks. */
export const DEFAULT_KEEP = "14d";
/** Default `--batch-size`. */
export const DEFAULT_PRUNE_BATCH_SIZE = 1_000;

/** The `prune` flags, checked and with defaults applied. */
export interface PruneArgs {
  readonly help: boolean;
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

/** `prune --help`. */
export const PRUNE_HELP = `Usage: prune [flags]

Deletes finished task rows older than a threshold, in chunks. SUCCESSFUL and CANCELLED
rows follow --keep, FAILED rows follow --keep-failed. READY and RUNNING rows are never
touched.

Flags:
  --keep DURATION           Keep finished rows younger than this (default: ${DEFAULT_KEEP})
  --keep-failed DURATION    Keep FAILED rows younger than this (default: same as --keep)
  --queue a,b               Only these queues (default: every queue)
  --backend ALIAS           Backend alias from the config (default: default)
  --dry-run                 Count the rows that would be deleted; delete nothing
  --batch-size N            Rows deleted per statement (default: ${DEFAULT_PRUNE_BATCH_SIZE})
  --config PATH             Tasks config file (default: tasks.config.{ts,mts,js,mjs} in
                            the current directory)
  -h, --help                Show this help

DURATION needs a unit: 30s, 90m, 12h, 7d, 1w, or a sum such as 1d12h. A bare number is
refused so that "7" cannot be read as 7 seconds by mistake.
Exit codes: 0 done, 1 unexpected error, 2 bad flags or config.
`;

/** Parses and checks `prune`'s flags; throws a UsageError naming the first bad flag. */
export function parsePruneArgs(argv: readonly string[]): PruneArgs {
  const { values } = withFlagErrors(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        keep: { type: "string" },
        "keep-failed": { type: "string" },
        queue: { type: "string", multiple: true },
        backend: { type: "string" },
        "dry-run": { type: "boolean" },
        "batch-size": { type: "string" },
        config: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }),
  );
  const keepText = values.keep ?? DEFAULT_KEEP;
  const keepMs = durationFlag("keep", keepText);
  const keepFailedText = values["keep-failed"] ?? keepText;
  const keepFailedMs = values["keep-failed"] === undefined ? keepMs : durationFlag("keep-failed", keepFailedText);
  const queues = values.queue ? queueListFlag("queue", values.queue, true) : "*";
  const batchSize = last(values["batch-size"]);
  return {
    help: values.help === true,
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
