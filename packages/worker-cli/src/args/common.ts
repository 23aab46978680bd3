import { parseArgs, type ParseArgsConfig } from "node:util";

/** The flag definitions a command passes to {@link parseFlags}. */
export type FlagOptions = NonNullable<ParseArgsConfig["options"]>;
import { UsageError } from "../run/exit-codes.js";

/** Help line of `--backend`, the same for every command. */
export const BACKEND_FLAG_HELP = `  --backend ALIAS           Backend alias from the config; a database backend
                            (default: default)`;

/** Help lines of the flags every command takes. */
export const COMMON_FLAGS_HELP = `  --config PATH             Tasks config file (default: the first of tasks.config.ts,
                            .mts, .cts, .js, .mjs, .cjs in the current directory)
  -h, --help                Show this help
  -v, --version             Print the version of @tasks/worker-cli`;

/** Longest queue name core accepts (mirrors core's limit so bad names fail before any connection). */
const MAX_QUEUE_NAME_LENGTH = 255;

/**
 * Runs a strict `node:util` `parseArgs` call and turns its errors into {@link UsageError}s.
 * Node's own messages already name the flag ("Unknown option '--nope'").
 */
export function withFlagErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_")) {
      const lines = (error as Error).message.split("\n");
      // "argument is ambiguous" (a value starting with a dash): keep Node's advice to write --flag=-1.
      const advice = lines.find((line) => line.startsWith("To specify an option argument starting with a dash"));
      throw new UsageError(`${lines[0]}.`.replace(/\.\.$/, ".") + (advice ? ` ${advice.replace(/\.$/, "")}.` : ""));
    }
    throw error;
  }
}

/**
 * Parses a command's flags strictly (no positionals, unknown flags refused) and turns
 * parseArgs's errors into a {@link UsageError}.
 */
export function parseFlags<const O extends FlagOptions>(argv: readonly string[], options: O): ParsedFlags<O> {
  return withFlagErrors(() => parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }));
}

/** What {@link parseFlags} returns for `options`. */
export type ParsedFlags<O extends FlagOptions> = ReturnType<typeof parseArgs<{ args: string[]; strict: true; allowPositionals: false; options: O }>>;

/** The last value of a flag that may be repeated, or `undefined`. */
export function last(values: string | string[] | undefined): string | undefined {
  return Array.isArray(values) ? values[values.length - 1] : values;
}

/**
 * Parses `--queue`-style values: comma-separated names, repeatable (`--queue a,b --queue c`).
 * `*` alone means every queue when `allowStar`. Throws a {@link UsageError} naming the flag.
 */
export function queueListFlag(flag: string, values: readonly string[], allowStar: boolean): string[] | "*" {
  const names: string[] = [];
  for (const value of values) {
    for (const part of value.split(",")) {
      const name = part.trim();
      if (name === "") {
        throw new UsageError(`Invalid value "${value}" for --${flag}: queue names are separated by single commas and may not be empty (e.g. --${flag} default,emails).`);
      }
      if (name.length > MAX_QUEUE_NAME_LENGTH) {
        throw new UsageError(`Invalid queue name "${name.slice(0, 40)}…" for --${flag}: a queue name has at most ${MAX_QUEUE_NAME_LENGTH} characters.`);
      }
      names.push(name);
    }
  }
  if (names.includes("*")) {
    if (!allowStar) throw new UsageError(`Invalid value "*" for --${flag}: list queue names here; "*" is not allowed.`);
    if (names.length > 1) throw new UsageError(`Invalid value for --${flag}: "*" already means every queue; do not combine it with queue names (got ${names.join(",")}).`);
    return "*";
  }
  return [...new Set(names)];
}

/** Parses a whole number ≥ `min` for `--flag`; throws a {@link UsageError} naming the flag. */
export function integerFlag(flag: string, text: string, min = 1): number {
  const trimmed = text.trim();
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`Invalid value "${text}" for --${flag}: give a whole number of at least ${min}.`);
  }
  return value;
}

/** Checks `--backend`: a non-empty alias. Whether it exists is checked against the config later. */
export function backendFlag(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === "") throw new UsageError("Invalid value \"\" for --backend: give the alias of a backend from your tasks config (such as default).");
  return text;
}

/** Checks `--config`: a non-empty path. */
export function configFlag(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === "") throw new UsageError("Invalid value \"\" for --config: give the path of your tasks config file (such as ./tasks.config.ts).");
  return text;
}
