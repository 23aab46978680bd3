/**
 * Type-checks generated snippet modules in one TypeScript program, with the repository's
 * base settings made strict (`strict`, `noUncheckedIndexedAccess`), and reports each error
 * at its line in the Markdown file.
 */
import { join } from "node:path";
import ts from "typescript";
import type { SnippetModule } from "./modules.js";
import type { SnippetProject } from "./project.js";
import { REPO_ROOT } from "./readmes.js";

/** Compiler options for snippets: tsconfig.base.json, strict, no emit. */
export function snippetCompilerOptions(): ts.CompilerOptions {
  const configFile = join(REPO_ROOT, "tsconfig.base.json");
  const read = ts.readConfigFile(configFile, (path) => ts.sys.readFile(path));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, REPO_ROOT, undefined, configFile);
  return { ...parsed.options, strict: true, noUncheckedIndexedAccess: true, noEmit: true, declaration: false, sourceMap: false };
}

/** Type errors by module path ("README.md:12: error TS2304: …"), plus errors that belong to no module. */
export function typecheckModules(project: SnippetProject, modules: readonly SnippetModule[]): { byModule: Map<string, string[]>; global: string[] } {
  const files = new Map(modules.map((module) => [project.fileOf(module), module]));
  const program = ts.createProgram([...files.keys()], snippetCompilerOptions());
  const byModule = new Map<string, string[]>(modules.map((module) => [module.path, []]));
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map((diagnostic) => format(diagnostic, undefined));
  for (const [file, module] of files) {
    const sourceFile = program.getSourceFile(file);
    if (!sourceFile) {
      global.push(`${module.readme}: the generated file ${file} is missing from the program`);
      continue;
    }
    const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
    byModule.set(module.path, diagnostics.map((diagnostic) => format(diagnostic, module)));
  }
  return { byModule, global };
}

function format(diagnostic: ts.Diagnostic, module: SnippetModule | undefined): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n  ");
  if (!module || !diagnostic.file || diagnostic.start === undefined) return `error TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const source = module.sources[line] ?? 0;
  const where = source > 0 ? `${module.readme}:${source}:${character + 1}` : `${module.readme} (${module.path}, generated line ${line + 1})`;
  return `${where}: error TS${diagnostic.code}: ${message}`;
}
