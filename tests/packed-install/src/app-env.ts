/**
 * The environment of commands in a fresh application: this process's, without what a
 * `pnpm test` run adds (npm_* variables, the workspace's node_modules/.bin folders on PATH),
 * so the application sees only what it installed itself.
 */
import { delimiter } from "node:path";

/** A clean environment, plus `extra`. */
export function appEnvironment(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|INIT_CWD$|VITEST|TURBO_)/.test(key)) continue;
    env[key] = value;
  }
  if (process.env.npm_config_nodedir) env.npm_config_nodedir = process.env.npm_config_nodedir;
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((entry) => entry !== "" && !/[\\/]node_modules[\\/]/.test(`${entry}/`))
    .join(delimiter);
  return { ...env, ...extra };
}
