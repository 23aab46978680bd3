/** Durations and rate of the `sustained` and `held_xmin` scenarios, from the command line. */
export interface SustainedSettings {
  /** Tasks enqueued per second; undefined: half of our `drain (tuned)` in the same run. */
  readonly rate: number | undefined;
  /** Length of the `sustained` run. */
  readonly sustainedSeconds: number;
  /** `held_xmin`: load before the snapshot is taken, how long it is held, and load after. */
  readonly holdBeforeSeconds: number;
  readonly holdSeconds: number;
  readonly holdAfterSeconds: number;
  /** Longest wait at the end for the backlog to drain before the exactly-once check. */
  readonly drainSeconds: number;
}

/** Defaults that keep the whole `pnpm bench` under 20 minutes on the 2-core machine. */
export const DEFAULT_SUSTAINED: SustainedSettings = {
  rate: undefined,
  sustainedSeconds: 120,
  holdBeforeSeconds: 15,
  holdSeconds: 40,
  holdAfterSeconds: 60,
  drainSeconds: 5,
};

/** The full-length version (10 minutes of load; a 2-minute hold in the middle of 10 minutes). */
export const FULL_LENGTH_FLAGS = "--sustained-seconds 600 --hold-before-seconds 240 --hold-seconds 120 --hold-after-seconds 240";

/** Enqueue rate when `--rate` is not given and `drain (tuned)` of ours did not run. */
export const FALLBACK_RATE = 10_000;

/** Flag name → [settings field, smallest allowed value]. */
const FLAGS = {
  "sustained-seconds": ["sustainedSeconds", 20],
  "hold-before-seconds": ["holdBeforeSeconds", 10],
  "hold-seconds": ["holdSeconds", 10],
  "hold-after-seconds": ["holdAfterSeconds", 10],
  "drain-seconds": ["drainSeconds", 1],
} as const satisfies Record<string, readonly [keyof SustainedSettings, number]>;

/** The flags {@link parseSustainedFlags} reads, for `parseArgs` (all strings). */
export const SUSTAINED_FLAG_NAMES = ["rate", ...Object.keys(FLAGS)] as const;

const MAX_SECONDS = 24 * 3600;
const MAX_RATE = 1_000_000;

function wholeSeconds(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > MAX_SECONDS) {
    throw new Error(`--${flag} must be a whole number of seconds from ${min} to ${MAX_SECONDS} (got "${text}").`);
  }
  return value;
}

/** Reads the sustained-load flags from `parseArgs` values; throws a sentence naming a bad one. */
export function parseSustainedFlags(values: Readonly<Record<string, unknown>>): SustainedSettings {
  const out: { -readonly [K in keyof SustainedSettings]: SustainedSettings[K] } = { ...DEFAULT_SUSTAINED };
  for (const [flag, [field, min]] of Object.entries(FLAGS)) {
    const text = values[flag];
    if (typeof text === "string") out[field] = wholeSeconds(flag, text, min);
  }
  const rate = values.rate;
  if (typeof rate === "string") {
    const value = Number(rate);
    if (rate.trim() === "" || !Number.isFinite(value) || value <= 0 || value > MAX_RATE) {
      throw new Error(`--rate must be a number of tasks per second above 0 and at most ${MAX_RATE.toLocaleString("en-US")} (got "${rate}").`);
    }
    out.rate = value;
  }
  return out;
}

/** The rate to enqueue at and where it comes from. */
export function resolveRate(settings: SustainedSettings, oursDrainTuned: number | undefined): { rate: number; source: string } {
  if (settings.rate !== undefined) return { rate: settings.rate, source: "--rate" };
  if (oursDrainTuned !== undefined && Number.isFinite(oursDrainTuned) && oursDrainTuned > 0) {
    return { rate: Math.round(oursDrainTuned / 2), source: `50% of ours' drain (tuned) in this run, ${Math.round(oursDrainTuned).toLocaleString("en-US")}/s` };
  }
  return { rate: FALLBACK_RATE, source: `fixed ${FALLBACK_RATE.toLocaleString("en-US")}/s (drain (tuned) of ours did not run; use --rate to choose)` };
}
