import type { LibAdapter } from "./types.js";

/**
 * Loads our adapter lazily, so peer-only runs (`--libs graphile,pgboss`) work even while
 * our backend is unfinished or broken.
 */
export async function loadOursAdapter(): Promise<LibAdapter> {
  try {
    const module = (await import("./ours.js")) as { oursAdapter: LibAdapter };
    return module.oursAdapter;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Could not load the tasks adapter (bench/src/adapters/ours.ts): ${reason}\n` +
        "Run the peers alone with --libs graphile,pgboss until @tasks/core's Worker and @tasks/backend-drizzle/pg build.",
    );
  }
}
