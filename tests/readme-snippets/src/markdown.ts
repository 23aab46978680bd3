/**
 * Finds the TypeScript snippets of a Markdown file and the `<!-- snippet … -->` comments
 * that may precede them (the convention is described in CONTRIBUTING.md).
 */

/** What a `<!-- snippet: … -->` comment says about the snippet right after it. */
export interface SnippetFlags {
  /** The snippet continues the previous snippet of the same file: both are one module. */
  readonly continues: boolean;
  /** The snippet's module is also run (with tsx) and must exit 0. */
  readonly run: boolean;
  /** The snippet is this file of an example project (relative imports between such files resolve). */
  readonly file: string | undefined;
}

/** One ```ts fence of a Markdown file, with its hidden lines. */
export interface Snippet {
  /** The Markdown file, relative to the repository root (forward slashes). */
  readonly readme: string;
  /** 1-based line of the snippet's first code line in the Markdown file. */
  readonly line: number;
  /** The code, with the fence's indentation removed. */
  readonly code: readonly string[];
  /** Lines of the preceding `<!-- snippet -->` comment that are code, put before the snippet. */
  readonly hidden: readonly string[];
  /** 1-based line of the first hidden line (0 without hidden lines). */
  readonly hiddenLine: number;
  readonly flags: SnippetFlags;
}

/** A violation of the convention, with its location. */
export interface SnippetProblem {
  readonly readme: string;
  readonly line: number;
  readonly message: string;
}

interface Directive {
  readonly startLine: number;
  readonly endLine: number;
  readonly flags: SnippetFlags;
  readonly hidden: readonly string[];
  readonly hiddenLine: number;
}

const FENCE_OPEN = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)\s*$/;
const TYPESCRIPT_LANGUAGES = new Set(["ts", "typescript"]);
const DIRECTIVE_START = /^\s*<!--\s*snippet\b(.*)$/;
const NO_FLAGS: SnippetFlags = { continues: false, run: false, file: undefined };

/** Extracts every ```ts snippet of `text` (the content of `readme`), and the convention's violations. */
export function extractSnippets(readme: string, text: string): { snippets: Snippet[]; problems: SnippetProblem[] } {
  const lines = text.split(/\r?\n/);
  const snippets: Snippet[] = [];
  const problems: SnippetProblem[] = [];
  let pending: Directive | undefined;

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const directiveStart = DIRECTIVE_START.exec(line);
    if (directiveStart) {
      if (pending) problems.push(orphan(readme, pending));
      const parsed = parseDirective(lines, index, directiveStart[1]!);
      if ("message" in parsed) {
        problems.push({ readme, line: index + 1, message: parsed.message });
        pending = undefined;
        index = parsed.endIndex;
      } else {
        pending = parsed.directive;
        index = parsed.directive.endLine - 1;
      }
      continue;
    }
    const fence = FENCE_OPEN.exec(line);
    if (!fence) {
      if (pending && line.trim() !== "") {
        problems.push(orphan(readme, pending));
        pending = undefined;
      }
      continue;
    }
    const [, indent, marker, language] = fence as unknown as [string, string, string, string];
    const end = findFenceEnd(lines, index + 1, marker);
    const isTypeScript = TYPESCRIPT_LANGUAGES.has(language.toLowerCase());
    if (pending && !isTypeScript) {
      problems.push(orphan(readme, pending));
      pending = undefined;
    }
    if (isTypeScript) {
      const code = lines.slice(index + 1, end).map((codeLine) => dedent(codeLine, indent.length));
      snippets.push({
        readme,
        line: index + 2,
        code,
        hidden: pending?.hidden ?? [],
        hiddenLine: pending?.hiddenLine ?? 0,
        flags: pending?.flags ?? NO_FLAGS,
      });
      pending = undefined;
    }
    index = end;
  }
  if (pending) problems.push(orphan(readme, pending));
  return { snippets, problems };
}

function orphan(readme: string, directive: Directive): SnippetProblem {
  return { readme, line: directive.startLine, message: "a <!-- snippet --> comment must be followed by a ```ts fence (blank lines may come between)" };
}

function findFenceEnd(lines: readonly string[], from: number, marker: string): number {
  for (let index = from; index < lines.length; index++) {
    const trimmed = lines[index]!.trim();
    if (trimmed.startsWith(marker[0]!.repeat(marker.length)) && /^(`+|~+)$/.test(trimmed)) return index;
  }
  return lines.length;
}

function dedent(line: string, width: number): string {
  let cut = 0;
  while (cut < width && (line[cut] === " " || line[cut] === "\t")) cut++;
  return line.slice(cut);
}

type ParsedDirective = { directive: Directive } | { message: string; endIndex: number };

function parseDirective(lines: readonly string[], startIndex: number, afterKeyword: string): ParsedDirective {
  const singleLine = afterKeyword.includes("-->");
  const header = singleLine ? afterKeyword.slice(0, afterKeyword.indexOf("-->")) : afterKeyword;
  let endIndex = startIndex;
  const hidden: string[] = [];
  if (!singleLine) {
    endIndex = startIndex + 1;
    while (endIndex < lines.length && !lines[endIndex]!.includes("-->")) {
      hidden.push(lines[endIndex]!);
      endIndex++;
    }
    if (endIndex >= lines.length) return { message: "a <!-- snippet comment is never closed with -->", endIndex };
    const closing = lines[endIndex]!;
    const beforeClose = closing.slice(0, closing.indexOf("-->"));
    if (beforeClose.trim() !== "") hidden.push(beforeClose);
  }
  const flags = parseFlags(header);
  if ("message" in flags) return { message: flags.message, endIndex };
  return {
    directive: {
      startLine: startIndex + 1,
      endLine: endIndex + 1,
      flags,
      hidden,
      hiddenLine: hidden.length > 0 ? startIndex + 2 : 0,
    },
  };
}

function parseFlags(header: string): SnippetFlags | { message: string } {
  const trimmed = header.trim();
  if (trimmed === "") return NO_FLAGS;
  if (!trimmed.startsWith(":")) return { message: `expected "<!-- snippet" or "<!-- snippet: flags", got "snippet${header}"` };
  let continues = false;
  let run = false;
  let file: string | undefined;
  for (const token of trimmed.slice(1).trim().split(/\s+/).filter(Boolean)) {
    if (token === "continues") continues = true;
    else if (token === "run") run = true;
    else if (token.startsWith("file=") && token.length > "file=".length) file = token.slice("file=".length);
    else return { message: `unknown snippet flag "${token}" (known: continues, run, file=PATH)` };
  }
  if (file !== undefined && (file.startsWith("/") || file.split("/").includes(".."))) {
    return { message: `file=${file} must be a relative path inside the example project` };
  }
  return { continues, run, file };
}
