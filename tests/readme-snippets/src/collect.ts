/** Reads the checked README files and turns their snippets into modules. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { extractSnippets, type SnippetProblem } from "./markdown.js";
import { assembleModules, type SnippetModule } from "./modules.js";
import { readmeFiles, REPO_ROOT } from "./readmes.js";

/** Every snippet module of the repository's README files, and every violation of the convention. */
export function collectModules(root: string = REPO_ROOT): { modules: SnippetModule[]; problems: SnippetProblem[] } {
  const modules: SnippetModule[] = [];
  const problems: SnippetProblem[] = [];
  for (const readme of readmeFiles(root)) {
    const extracted = extractSnippets(readme, readFileSync(join(root, readme), "utf8"));
    const assembled = assembleModules(readme, extracted.snippets);
    modules.push(...assembled.modules);
    problems.push(...extracted.problems, ...assembled.problems);
  }
  return { modules, problems };
}
