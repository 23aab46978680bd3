import { describe, expect } from "vitest";
import { identityHash } from "@tasks/core/backend";
import { at, newTask, type Harness } from "../harness.js";

/** cancel and deschedule. */
export function cancelSuite(h: Harness): void {
  describe("cancel", () => {
    h.test("cancels a READY task, which is then never claimed", {}, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      const cancelled = await h.backend.cancel({ backend: alias, now: at(3), id: record.id });
      expect(cancelled).toEqual({ ...record, status: "CANCELLED", finishedAt: at(3) });
      expect(await h.mustGet(alias, record.id)).toEqual(cancelled);
      if (h.capabilities.supportsWorkers) expect(await h.claim(alias, at(4), { limit: 10 })).toEqual([]);
    });

    h.test("cancels a RUNNING task and clears its lease", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      const claimed = await h.claimId(alias, record.id, at(1));
      const cancelled = await h.backend.cancel({ backend: alias, now: at(2), id: record.id });
      expect(cancelled).toEqual({ ...claimed, status: "CANCELLED", finishedAt: at(2), leaseExpiresAt: null });
    });

    h.test("returns a finished task unchanged", { supportsWorkers: true }, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      const claimed = await h.claimId(alias, record.id, at(1));
      await h.succeed(alias, claimed, at(2), "done");
      const finished = await h.mustGet(alias, record.id);
      expect(await h.backend.cancel({ backend: alias, now: at(5), id: record.id })).toEqual(finished);
      expect(await h.mustGet(alias, record.id)).toEqual(finished);
    });

    h.test("returns a cancelled task unchanged when cancelled again", {}, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      const first = await h.backend.cancel({ backend: alias, now: at(1), id: record.id });
      expect(await h.backend.cancel({ backend: alias, now: at(9), id: record.id })).toEqual(first);
    });

    h.test("returns null for an unknown id and for another alias's task", {}, async () => {
      const alias = h.alias();
      const record = await h.enqueueOne(alias);
      expect(await h.backend.cancel({ backend: alias, now: at(1), id: newTask().id })).toBeNull();
      expect(await h.backend.cancel({ backend: h.alias(), now: at(1), id: record.id })).toBeNull();
      expect((await h.mustGet(alias, record.id)).status).toBe("READY");
    });
  });

  describe("deschedule", () => {
    h.test("cancels only READY tasks with the same name and identity hash", {}, async () => {
      const alias = h.alias();
      const args = [{ to: "ada@example.com" }];
      const same1 = await h.enqueueOne(alias, { taskName: "mail.send", args });
      const same2 = await h.enqueueOne(alias, { taskName: "mail.send", args });
      const otherArgs = await h.enqueueOne(alias, { taskName: "mail.send", args: [{ to: "bob@example.com" }] });
      const otherName = await h.enqueueOne(alias, { taskName: "mail.other", args, identityHash: identityHash("mail.send", args) });
      const otherAlias = h.alias();
      const foreign = await h.enqueueOne(otherAlias, { taskName: "mail.send", args });
      let running: string | null = null;
      if (h.capabilities.supportsWorkers) {
        const same3 = await h.enqueueOne(alias, { taskName: "mail.send", args });
        running = (await h.claimId(alias, same3.id, at(1))).id;
      }
      const count = await h.backend.deschedule({ backend: alias, now: at(2), taskName: "mail.send", identityHash: identityHash("mail.send", args) });
      expect(count).toBe(2);
      for (const record of [same1, same2]) expect(await h.mustGet(alias, record.id)).toMatchObject({ status: "CANCELLED", finishedAt: at(2) });
      for (const record of [otherArgs, otherName]) expect((await h.mustGet(alias, record.id)).status).toBe("READY");
      expect((await h.mustGet(otherAlias, foreign.id)).status).toBe("READY");
      if (running) expect((await h.mustGet(alias, running)).status).toBe("RUNNING");
      expect(await h.backend.deschedule({ backend: alias, now: at(3), taskName: "mail.send", identityHash: identityHash("mail.send", args) })).toBe(0);
    });
  });
}
