/**
 * Every ```ts snippet of the root README and of each package's and app's README compiles
 * under strict settings (`noUncheckedIndexedAccess` included) against the workspace packages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectModules } from "../src/collect.js";
import { writeProject, type SnippetProject } from "../src/project.js";
import { typecheckModules } from "../src/typecheck.js";

const { modules, problems } = collectModules();
let project: SnippetProject;
let result: ReturnType<typeof typecheckModules>;

beforeAll(() => {
  project = writeProject(modules);
  result = typecheckModules(project, modules);
});
afterAll(() => project?.remove());

describe("README snippets", () => {
  it("follow the snippet convention", () => {
    expect(problems.map((problem) => `${problem.readme}:${problem.line}: ${problem.message}`)).toEqual([]);
  });

  it("exist (the extraction finds the snippets of the main READMEs)", () => {
    const readmes = new Set(modules.map((module) => module.readme));
    for (const readme of ["README.md", "packages/core/README.md", "packages/backend-drizzle/README.md", "packages/backend-memory/README.md"]) {
      expect(readmes).toContain(readme);
    }
  });

  it("compile without errors outside any single snippet", () => {
    expect(result.global).toEqual([]);
  });

  it.each(modules.map((module) => [`${module.readme}:${module.snippets[0]!.line}`, module.path] as const))("%s type-checks", (_name, path) => {
    expect(result.byModule.get(path)).toEqual([]);
  });
});
