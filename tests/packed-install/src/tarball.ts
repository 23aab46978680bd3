/** Unpacks a package tarball (npm's format: everything under `package/`) with the system's tar. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOk } from "./exec.js";

/** Extracts `tarball` into a new temporary folder and returns the package's folder inside it. */
export async function unpack(tarball: string): Promise<string> {
  const into = mkdtempSync(join(tmpdir(), "packed-install-tarball-"));
  await runOk("tar", ["-xzf", tarball, "-C", into], { cwd: into });
  return join(into, "package");
}
