import { readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";

const TYPESCRIPT_EXTENSIONS: ReadonlySet<string> = new Set([".ts", ".mts", ".cts", ".tsx"]);
const typeByFolder = new Map<string, "module" | "commonjs">();

/** Whether `path` is a TypeScript file, which Node 20 cannot load without tsx. */
export function isTypeScriptFile(path: string): boolean {
  return TYPESCRIPT_EXTENSIONS.has(extname(stripQuery(path)));
}

/**
 * Whether Node loads `path` as CommonJS: `.cjs` and `.cts` always, `.js` and `.ts` when the
 * nearest package.json has no `"type": "module"` (the default for projects).
 */
export function isCommonJsFile(path: string): boolean {
  const file = stripQuery(path);
  const extension = extname(file);
  if (extension === ".cjs" || extension === ".cts") return true;
  if (extension === ".mjs" || extension === ".mts") return false;
  return packageTypeOf(file) === "commonjs";
}

/** Whether Node loads `path` as an ES module: `.mjs` always, `.js` inside a `"type": "module"` package. */
export function isNativeEsmJavaScript(path: string): boolean {
  const file = stripQuery(path);
  const extension = extname(file);
  return extension === ".mjs" || (extension === ".js" && packageTypeOf(file) === "module");
}

/** The `type` of the package.json nearest to `file` (`"commonjs"` when none says `"module"`). */
export function packageTypeOf(file: string): "module" | "commonjs" {
  const visited: string[] = [];
  let folder = dirname(file);
  let found: "module" | "commonjs" | undefined;
  for (;;) {
    found = typeByFolder.get(folder) ?? readType(folder);
    if (found !== undefined) break;
    visited.push(folder);
    const parent = dirname(folder);
    if (parent === folder) {
      found = "commonjs";
      break;
    }
    folder = parent;
  }
  for (const path of [...visited, folder]) typeByFolder.set(path, found);
  return found;
}

function readType(folder: string): "module" | "commonjs" | undefined {
  let text: string;
  try {
    text = readFileSync(join(folder, "package.json"), "utf8");
  } catch {
    return undefined;
  }
  try {
    return (JSON.parse(text) as { type?: unknown }).type === "module" ? "module" : "commonjs";
  } catch {
    return "commonjs";
  }
}

/** Loaders may add `?query` to a file name. */
function stripQuery(path: string): string {
  const index = path.indexOf("?");
  return index === -1 ? path : path.slice(0, index);
}
