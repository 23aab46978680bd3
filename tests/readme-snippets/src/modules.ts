/**
 * Turns the snippets of one Markdown file into TypeScript modules: one per snippet, except
 * that a `continues` snippet is appended to the module before it, and `file=` snippets keep
 * their file name so they can import each other.
 */
import type { Snippet, SnippetProblem } from "./markdown.js";

/** A generated TypeScript module and where each of its lines came from. */
export interface SnippetModule {
  readonly readme: string;
  /** Path inside the generated project, forward slashes, e.g. `packages__core__README/snippet-12.ts`. */
  readonly path: string;
  readonly lines: string[];
  /** For each line of `lines`, its 1-based line in the Markdown file (0 for lines added here). */
  readonly sources: number[];
  /** The snippets it is made of, in order. */
  readonly snippets: Snippet[];
  /** Whether any of its snippets is marked `run`. */
  run: boolean;
}

/** Folder of a Markdown file's modules: `packages/core/README.md` → `packages__core__README`. */
export function moduleFolder(readme: string): string {
  return readme.replace(/\.md$/i, "").split("/").join("__");
}

/** Groups the snippets of one Markdown file into modules. */
export function assembleModules(readme: string, snippets: readonly Snippet[]): { modules: SnippetModule[]; problems: SnippetProblem[] } {
  const modules: SnippetModule[] = [];
  const problems: SnippetProblem[] = [];
  const folder = moduleFolder(readme);
  for (const snippet of snippets) {
    let module = modules.at(-1);
    if (snippet.flags.continues) {
      if (!module) {
        problems.push({ readme, line: snippet.line, message: "the first snippet of a file cannot continue a previous one" });
        continue;
      }
      if (snippet.flags.file !== undefined) {
        problems.push({ readme, line: snippet.line, message: "a snippet cannot both continue the previous one and name a file" });
        continue;
      }
    } else {
      const path = `${folder}/${snippet.flags.file ?? `snippet-${snippet.line}.ts`}`;
      if (modules.some((existing) => existing.path === path)) {
        problems.push({ readme, line: snippet.line, message: `file=${snippet.flags.file} is already given by an earlier snippet; use "continues" to add to it` });
        continue;
      }
      module = { readme, path, lines: [], sources: [], snippets: [], run: false };
      modules.push(module);
    }
    snippet.hidden.forEach((line, offset) => append(module, line, snippet.hiddenLine + offset));
    snippet.code.forEach((line, offset) => append(module, line, snippet.line + offset));
    module.snippets.push(snippet);
    module.run ||= snippet.flags.run;
  }
  // Every snippet is a module, so top-level await and local names work as in a real file.
  for (const module of modules) append(module, "export {};", 0);
  return { modules, problems };
}

function append(module: SnippetModule, line: string, source: number): void {
  module.lines.push(line);
  module.sources.push(source);
}
