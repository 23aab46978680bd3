/** The snippet convention of CONTRIBUTING.md, as the extractor reads it. */
import { describe, expect, it } from "vitest";
import { extractSnippets } from "../src/markdown.js";
import { assembleModules } from "../src/modules.js";

const FENCE = "```";

describe("extractSnippets", () => {
  it("finds ts and typescript fences, not other languages, and records their first code line", () => {
    const text = ["# Title", `${FENCE}ts`, "const a = 1;", FENCE, `${FENCE}sh`, "echo hi", FENCE, `${FENCE}typescript`, "const b = 2;", FENCE].join("\n");
    const { snippets, problems } = extractSnippets("X.md", text);
    expect(problems).toEqual([]);
    expect(snippets.map((snippet) => [snippet.line, snippet.code])).toEqual([
      [3, ["const a = 1;"]],
      [9, ["const b = 2;"]],
    ]);
  });

  it("removes the indentation of a fence inside a list item", () => {
    const text = ["1. Step:", "", `   ${FENCE}ts`, "   export const x = 1;", "     // nested", `   ${FENCE}`].join("\n");
    expect(extractSnippets("X.md", text).snippets[0]!.code).toEqual(["export const x = 1;", "  // nested"]);
  });

  it("takes hidden lines and flags from the comment right before a fence, blank lines allowed", () => {
    const text = ["<!-- snippet: run continues", "declare const db: unknown;", "-->", "", `${FENCE}ts`, "db;", FENCE].join("\n");
    const [snippet] = extractSnippets("X.md", text).snippets;
    expect(snippet!.hidden).toEqual(["declare const db: unknown;"]);
    expect(snippet!.hiddenLine).toBe(2);
    expect(snippet!.flags).toEqual({ continues: true, run: true, file: undefined });
  });

  it("reads a one-line comment with a file name", () => {
    const text = ["<!-- snippet: file=src/tasks.ts -->", `${FENCE}ts`, "export {};", FENCE].join("\n");
    expect(extractSnippets("X.md", text).snippets[0]!.flags).toEqual({ continues: false, run: false, file: "src/tasks.ts" });
  });

  it("does not read a snippet comment into a fence that comes after other text", () => {
    const text = ["<!-- snippet", "declare const x: number;", "-->", "Some prose.", `${FENCE}ts`, "x;", FENCE].join("\n");
    const { snippets, problems } = extractSnippets("X.md", text);
    expect(snippets[0]!.hidden).toEqual([]);
    expect(problems).toEqual([{ readme: "X.md", line: 1, message: expect.stringContaining("must be followed by a ```ts fence") }]);
  });

  it("reports unknown flags, paths leaving the project and unclosed comments", () => {
    expect(extractSnippets("X.md", `<!-- snippet: skip -->\n${FENCE}ts\n${FENCE}`).problems[0]!.message).toContain('unknown snippet flag "skip"');
    expect(extractSnippets("X.md", `<!-- snippet: file=../x.ts -->\n${FENCE}ts\n${FENCE}`).problems[0]!.message).toContain("relative path inside");
    expect(extractSnippets("X.md", "<!-- snippet\nconst a = 1;\n").problems[0]!.message).toContain("never closed");
  });

  it("ignores a snippet comment's look-alike inside another fence", () => {
    const text = [`${FENCE}md`, "<!-- snippet: run -->", `${FENCE}`, `${FENCE}ts`, "export {};", FENCE].join("\n");
    const { snippets, problems } = extractSnippets("X.md", text);
    expect(problems).toEqual([]);
    expect(snippets[0]!.flags.run).toBe(false);
  });
});

describe("assembleModules", () => {
  it("makes one module per snippet, appends continuing snippets, and maps lines back", () => {
    const text = [
      `${FENCE}ts`,
      "const a = 1;",
      FENCE,
      "<!-- snippet: continues run",
      "const b = a + 1;",
      "-->",
      `${FENCE}ts`,
      "console.log(b);",
      FENCE,
      `${FENCE}ts`,
      "const a = 'again';",
      FENCE,
    ].join("\n");
    const { modules, problems } = assembleModules("docs/X.md", extractSnippets("docs/X.md", text).snippets);
    expect(problems).toEqual([]);
    expect(modules.map((module) => module.path)).toEqual(["docs__X/snippet-2.ts", "docs__X/snippet-11.ts"]);
    expect(modules[0]!.lines).toEqual(["const a = 1;", "const b = a + 1;", "console.log(b);", "export {};"]);
    expect(modules[0]!.sources).toEqual([2, 5, 8, 0]);
    expect(modules[0]!.run).toBe(true);
    expect(modules[1]!.run).toBe(false);
  });

  it("names file= modules by their path and refuses the same file twice or a first snippet that continues", () => {
    const named = (file: string) => [`<!-- snippet: file=${file} -->`, `${FENCE}ts`, "export {};", FENCE].join("\n");
    const twice = assembleModules("X.md", extractSnippets("X.md", `${named("src/a.ts")}\n${named("src/a.ts")}`).snippets);
    expect(twice.modules.map((module) => module.path)).toEqual(["X/src/a.ts"]);
    expect(twice.problems[0]!.message).toContain("already given");
    const orphan = assembleModules("X.md", extractSnippets("X.md", `<!-- snippet: continues -->\n${FENCE}ts\n${FENCE}`).snippets);
    expect(orphan.problems[0]!.message).toContain("cannot continue");
  });
});
