/**
 * The root README's two quick-start commands need only Node and git: they fetch pnpm with
 * npx at the version the repository pins, which is also the one .ci/run uses.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/readmes.js";

const read = (file: string) => readFileSync(join(REPO_ROOT, file), "utf8");
const pinned = /^pnpm@(\d+\.\d+\.\d+)$/.exec((JSON.parse(read("package.json")) as { packageManager?: string }).packageManager ?? "")?.[1];

describe("the quick start", () => {
  it("pins pnpm in the root package.json", () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each(["demo", "test"])("shows `pnpm install && pnpm %s` through npx at the pinned version", (script) => {
    expect(read("README.md")).toContain(`npx --yes pnpm@${pinned} install && npx --yes pnpm@${pinned} ${script}`);
  });

  it("names no other pnpm version in the README files", () => {
    for (const file of ["README.md", "CONTRIBUTING.md"]) {
      const versions = [...read(file).matchAll(/pnpm@(\d+\.\d+\.\d+)/g)].map((match) => match[1]);
      expect(versions.filter((version) => version !== pinned), file).toEqual([]);
    }
  });

  it("is how .ci/run gets pnpm too (npx, at the version read from package.json)", () => {
    const ci = read(".ci/run");
    expect(ci).toContain('pnpm() { npx --yes "pnpm@$PNPM_VERSION" "$@"; }');
    expect(ci).toMatch(/PNPM_VERSION="\$\(node -p .*packageManager/);
  });
});
