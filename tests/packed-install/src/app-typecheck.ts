/**
 * Type-checks an application's files against the installed (published) type declarations,
 * with this package's TypeScript and Node types, the way a strict user project would.
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { runCommand, type CommandResult } from "./exec.js";

const require = createRequire(import.meta.url);

/** Runs `tsc --noEmit` over the app's .ts files. */
export function typecheckApp(appDir: string): Promise<CommandResult> {
  const typeRoots = join(dirname(require.resolve("@types/node/package.json")), "..");
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      skipLibCheck: true,
      typeRoots: [typeRoots],
      types: ["node"],
    },
    include: ["**/*.ts"],
    exclude: ["node_modules"],
  };
  writeFileSync(join(appDir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
  return runCommand(process.execPath, [tsc, "-p", join(appDir, "tsconfig.json")], { cwd: appDir, timeoutMs: 120_000 });
}
