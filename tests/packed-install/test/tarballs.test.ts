/**
 * What the packed tarballs hold and declare: built code whose source maps resolve, the
 * LICENSE, publishing metadata derived from the root package.json, @tasks/core as a caret
 * peer range, and README links that work on the registry's page.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readManifest, REPO_ROOT, repositoryWebUrl, rootManifest, type PackageManifest } from "../src/repo.js";
import { unpack } from "../src/tarball.js";

const { packages, packMs } = inject("packed");
const unpacked = new Map<string, string>();

beforeAll(async () => {
  console.log(`packing ${packages.length} packages took ${(packMs / 1000).toFixed(1)} s`);
  for (const packed of packages) unpacked.set(packed.name, await unpack(packed.tarball));
});
afterAll(() => {
  for (const dir of unpacked.values()) rmSync(dirname(dir), { recursive: true, force: true });
});

function dirOf(name: string): string {
  const dir = unpacked.get(name);
  if (!dir) throw new Error(`${name} was not unpacked`);
  return dir;
}

function filesUnder(dir: string, base: string = dir): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path, base) : [relative(base, path).split("\\").join("/")];
  });
}

function exportTargets(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(exportTargets);
  return [];
}

describe("the packed packages", () => {
  it("are the five published packages", () => {
    expect(packages.map((packed) => packed.name).sort()).toEqual(["@tasks/backend-drizzle", "@tasks/backend-memory", "@tasks/core", "@tasks/dashboard", "@tasks/worker-cli"]);
  });

  describe.each(packages.map((packed) => [packed.name, packed.directory] as const))("%s", (name, directory) => {
    let manifest: PackageManifest;
    let files: string[];
    beforeAll(() => {
      manifest = readManifest(join(dirOf(name), "package.json"));
      files = filesUnder(dirOf(name));
    });

    it("ship the root LICENSE and a README", () => {
      expect(readFileSync(join(dirOf(name), "LICENSE"), "utf8")).toBe(readFileSync(join(REPO_ROOT, "LICENSE"), "utf8"));
      expect(files).toContain("README.md");
    });

    it("ship built code for every export and bin, and no TypeScript sources or tests", () => {
      const targets = [...exportTargets(manifest.exports), ...Object.values(manifest.bin ?? {})];
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) expect(files, `${target} is missing`).toContain(target.replace(/^\.\//, ""));
      expect(files.filter((file) => /\.(c|m)?ts$/.test(file) && !/\.d\.(c|m)?ts$/.test(file))).toEqual([]);
      expect(files.filter((file) => /(^|\/)(test|tests|__tests__)\/|\.test\./.test(file))).toEqual([]);
    });

    it("export a default condition beside types, so require() resolves as well as import", () => {
      for (const [subpath, conditions] of Object.entries(manifest.exports ?? {})) {
        expect(Object.keys(conditions as object), subpath).toEqual(["types", "default"]);
      }
    });

    it("ship source maps that resolve: every source is inlined or shipped", () => {
      const maps = files.filter((file) => file.endsWith(".js.map"));
      expect(maps.length).toBeGreaterThan(0);
      for (const map of maps) {
        const parsed = JSON.parse(readFileSync(join(dirOf(name), map), "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
        parsed.sources.forEach((source, index) => {
          const shipped = existsSync(resolve(dirOf(name), dirname(map), source));
          const inlined = typeof parsed.sourcesContent?.[index] === "string" && parsed.sourcesContent[index]!.length > 0;
          expect(shipped || inlined, `${map}: source ${source} is neither shipped nor inlined`).toBe(true);
        });
      }
    });

    it("declare repository, homepage, bugs, license and engines from the root package.json", () => {
      const web = repositoryWebUrl();
      const root = rootManifest();
      expect(manifest.repository).toEqual({ ...root.repository, directory });
      expect(manifest.homepage).toBe(`${web}/tree/main/${directory}#readme`);
      expect(manifest.bugs).toEqual(root.bugs);
      expect(manifest.license).toBe(root.license);
      expect(manifest.engines).toEqual(root.engines);
    });

    it("leave no workspace: ranges, and take @tasks/core as a caret peer range", () => {
      expect(JSON.stringify(manifest)).not.toContain("workspace:");
      if (name === "@tasks/core") return;
      expect(manifest.dependencies?.["@tasks/core"]).toBeUndefined();
      expect(manifest.peerDependencies?.["@tasks/core"]).toBe(`^${readManifest(join(dirOf("@tasks/core"), "package.json")).version}`);
      expect(manifest.peerDependenciesMeta?.["@tasks/core"]?.optional ?? false).toBe(false);
    });

    it("have a README whose links are absolute (relative links break on the registry's page)", () => {
      const readme = readFileSync(join(dirOf(name), "README.md"), "utf8");
      const targets = [...readme.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!);
      expect(targets.filter((target) => !/^(https?:\/\/|mailto:|#)/.test(target))).toEqual([]);
    });
  });
});
