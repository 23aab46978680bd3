import { UsageError } from "../run/exit-codes.js";
import { nativeJavaScriptLoader, preferNativeRequireOfEsm } from "./native-esm.js";
import { preloadTasksPackages } from "./preload.js";

/** Set once tsx's ES-module hooks are registered (also by `bin/launch.mjs`, for the CLI's own sources). */
const ESM_REGISTERED = Symbol.for("@tasks/worker-cli/tsx-esm");
/** Set once tsx's CommonJS hooks are registered. */
const CJS_REGISTERED = Symbol.for("@tasks/worker-cli/tsx-cjs");

type Flags = { [ESM_REGISTERED]?: boolean; [CJS_REGISTERED]?: boolean };

/** A TypeScript file the CLI is about to load, for the "install tsx" message. */
export interface TypeScriptFile {
  /** Absolute path. */
  readonly path: string;
  /** What it is, as a sentence starts: "The tasks config", "Task module ./src/tasks.ts". */
  readonly role: string;
  /** Whether Node treats it as CommonJS (`.cts`, or `.ts` in a package without `"type": "module"`). */
  readonly commonJs: boolean;
}

/**
 * Lets `import()` load `file` by registering tsx for the whole process, once: its ES-module
 * hooks always, its CommonJS hooks too when `file` is CommonJS (a `.cts` file, or a `.ts`
 * file in a CommonJS project), in which case `require()` of compiled ES modules stays with
 * Node so `@tasks/core` remains one instance (see `preferNativeRequireOfEsm`).
 *
 * tsx is an optional peer dependency, needed only for TypeScript. It is resolved from the
 * CLI, like `@tasks/core` (a package manager links an installed optional peer there); when
 * it is not installed, throws a {@link UsageError} saying how to install it.
 *
 * Before the ES-module hooks are registered, the `@tasks` packages `file` imports are loaded
 * without them (see `preloadTasksPackages`), which keeps start-up fast.
 *
 * Why not tsx's scoped `tsImport`: it loads every module in a separate namespace, so the
 * config's and task modules' copy of `@tasks/core` would not be the one this CLI configures
 * and whose registry its worker reads.
 */
export async function ensureTypeScriptLoader(file: TypeScriptFile): Promise<void> {
  const flags = globalThis as Flags;
  if (!flags[ESM_REGISTERED]) {
    const url = resolveTsx("tsx/esm/api", file);
    await preloadTasksPackages(file.path);
    const { register } = (await import(url)) as { register: () => unknown };
    register();
    flags[ESM_REGISTERED] = true;
  }
  if (file.commonJs && !flags[CJS_REGISTERED]) {
    const native = nativeJavaScriptLoader();
    const { register } = (await import(resolveTsx("tsx/cjs/api", file))) as { register: () => unknown };
    register();
    preferNativeRequireOfEsm(native);
    flags[CJS_REGISTERED] = true;
  }
}

/** Where a tsx entry resolves from the CLI; a {@link UsageError} saying how to install tsx when it is not installed. */
function resolveTsx(specifier: string, file: TypeScriptFile): string {
  try {
    return import.meta.resolve(specifier);
  } catch {
    throw new UsageError(
      `${file.role} (${file.path}) is TypeScript, and loading TypeScript needs tsx, which is not installed. ` +
        "Install it in your project (npm install -D tsx, or pnpm add -D tsx), or compile the config and its task modules to JavaScript " +
        "(tasks.config.js, .mjs or .cjs).",
      { showHelpHint: false },
    );
  }
}
