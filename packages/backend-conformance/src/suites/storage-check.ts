import { describe, expect, it } from "vitest";
import type { Harness } from "../harness.js";

/**
 * verify, pendingMigrations and migrate: optional; a backend that declares one must find the
 * storage its factory set up ready. Skipped, naming the method, for backends without it.
 */
export function storageCheckSuite(h: Harness): void {
  describe("storage check", () => {
    it("verify() reports ok on the storage set up for the suite", async (context) => {
      const backend = h.backend;
      if (!backend.verify) return context.skip("the backend does not declare verify()");
      expect(await backend.verify()).toEqual({ ok: true });
    });

    it("pendingMigrations() is empty after set-up", async (context) => {
      const backend = h.backend;
      if (!backend.pendingMigrations) return context.skip("the backend does not declare pendingMigrations()");
      expect(await backend.pendingMigrations()).toEqual([]);
    });

    it("migrate() applies nothing on up-to-date storage, and the storage stays ready", async (context) => {
      const backend = h.backend;
      if (!backend.migrate) return context.skip("the backend does not declare migrate()");
      expect(await backend.migrate()).toEqual([]);
      if (backend.verify) expect(await backend.verify()).toEqual({ ok: true });
    });
  });
}
