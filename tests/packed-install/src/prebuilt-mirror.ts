/**
 * A local download mirror for better-sqlite3's prebuilt binary, serving the one the
 * workspace's install already built (same version, same Node, same machine).
 *
 * better-sqlite3 installs with `prebuild-install || node-gyp rebuild`: prebuild-install
 * downloads a prebuilt binary, from GitHub by default or from the host named by
 * `npm_config_better_sqlite3_binary_host` (prebuild-install's documented mirror setting).
 * GitHub is out of reach here, so without this every fresh install compiles SQLite for
 * about 70 s. With it, each app's `npm install` runs the package's real install script,
 * which downloads the binary from this mirror (or takes prebuild-install's cached copy of
 * that download) in well under a second.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { runOk } from "./exec.js";
import { readManifest } from "./repo.js";

/** A running mirror. */
export interface PrebuiltMirror {
  /** Environment that points prebuild-install at the mirror. */
  readonly env: Readonly<Record<string, string>>;
  /** The better-sqlite3 version whose binary it serves. */
  readonly version: string;
  /** Paths requested so far, in order (a served request means the install skipped the compile). */
  readonly requests: readonly string[];
  /**
   * Stops the mirror and deletes the copies prebuild-install kept of what it served (in
   * `<npm cache>/_prebuilds`, named after the URL, whose port changes every run).
   */
  close(npmCacheDir?: string): Promise<void>;
}

/** Starts a mirror for the workspace's built better-sqlite3, or returns undefined when that build is missing. */
export async function startPrebuiltMirror(): Promise<PrebuiltMirror | undefined> {
  const packageJson = createRequire(import.meta.url).resolve("better-sqlite3/package.json");
  const packageDir = dirname(packageJson);
  const version = readManifest(packageJson).version;
  const binary = "build/Release/better_sqlite3.node";
  if (!existsSync(join(packageDir, binary))) return undefined;

  const folder = mkdtempSync(join(tmpdir(), "packed-install-prebuilt-"));
  const archive = join(folder, "prebuilt.tar.gz");
  await runOk("tar", ["-czf", archive, "-C", packageDir, binary], { cwd: folder });

  const expectedName = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? "";
    requests.push(path);
    if (!path.endsWith(`/${expectedName}`)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "application/gzip" });
    createReadStream(archive).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("The prebuilt mirror has no TCP address.");
  return {
    env: { npm_config_better_sqlite3_binary_host: `http://127.0.0.1:${address.port}` },
    version,
    requests,
    close: async (npmCacheDir) => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(folder, { recursive: true, force: true });
      if (npmCacheDir === undefined) return;
      for (const path of new Set(requests)) {
        const url = `http://127.0.0.1:${address.port}${path}`;
        const digest = createHash("sha512").update(url).digest("hex").slice(0, 6);
        rmSync(join(npmCacheDir, "_prebuilds", `${digest}-${basename(url).replace(/[^a-zA-Z0-9.]+/g, "-")}`), { force: true });
      }
    },
  };
}
