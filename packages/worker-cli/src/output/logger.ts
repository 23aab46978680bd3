import { LOG_LEVELS, type Logger, type LogLevel } from "@tasks/core";
import type { LogFormat } from "../args/worker-args.js";
import type { LineSink } from "./sink.js";

/** Options of {@link createCliLogger}. */
export interface CliLoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  readonly sink: LineSink;
  readonly now?: () => Date;
}

/**
 * A core `Logger` that writes one line per message: `pretty` is
 * `2025-01-02T03:04:05.678Z INFO  message key=value …`; `json` is one JSON object per line
 * with `time`, `level`, `msg` and the fields.
 */
export function createCliLogger(options: CliLoggerOptions): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level);
  const now = options.now ?? (() => new Date());
  const write = (level: Exclude<LogLevel, "silent">) => (message: string, fields?: Record<string, unknown>) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const time = now().toISOString();
    options.sink.write(options.format === "json" ? jsonLine(time, level, message, fields) : prettyLine(time, level, message, fields));
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

function jsonLine(time: string, level: string, message: string, fields: Record<string, unknown> | undefined): string {
  return JSON.stringify({ time, level, msg: message, ...fields }, jsonReplacer);
}

function prettyLine(time: string, level: string, message: string, fields: Record<string, unknown> | undefined): string {
  const parts = [time, level.toUpperCase().padEnd(5), message];
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (value === undefined) continue;
    parts.push(`${key}=${prettyValue(value)}`);
  }
  return parts.join(" ");
}

function prettyValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return JSON.stringify(value, jsonReplacer) ?? String(value);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === "bigint") return value.toString();
  return value;
}
