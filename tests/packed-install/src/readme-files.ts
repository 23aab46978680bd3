/**
 * The quick-start files of the root README: its snippets marked `<!-- snippet: file=PATH -->`
 * (the convention in CONTRIBUTING.md), as they are shown, keyed by PATH.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { extractSnippets } from "readme-snippets/markdown";
import { REPO_ROOT } from "./repo.js";

/** The README's `file=` snippets by path, and the README's text. */
export function quickStartFiles(): { files: Record<string, string>; readme: string } {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const files: Record<string, string> = {};
  let last: string | undefined;
  for (const snippet of extractSnippets("README.md", readme).snippets) {
    const target = snippet.flags.file ?? (snippet.flags.continues ? last : undefined);
    last = target;
    if (target === undefined) continue;
    files[target] = `${files[target] ?? ""}${[...snippet.hidden, ...snippet.code].join("\n")}\n`;
  }
  return { files, readme };
}
