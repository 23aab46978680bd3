// Builds dist/ once before the binary tests, which must spawn the real built binaries.
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const packageDir = fileURLToPath(new URL("..", import.meta.url));
  rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: packageDir, stdio: "inherit" });
  if (!existsSync(new URL("../dist/run/db-worker.js", import.meta.url))) {
    throw new Error("Building @tasks/worker-cli did not produce dist/run/db-worker.js.");
  }
}
