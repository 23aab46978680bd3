/** When a Postgres claimer resumes at its cursor and when it walks from the head (claim-cursor.ts). */
import { describe, expect, it } from "vitest";
import { ClaimCursors, HEAD_RESCAN_MS, RESUME_LAG_MS, type ClaimKey } from "../src/pg/claim-cursor.js";

function key(rank: number, ms: number, id = "01000000-0000-7000-8000-000000000000"): ClaimKey {
  return { rank, runnableAtMs: ms, id };
}

describe("claim cursors", () => {
  it("resume after the furthest row claimed, and walk from the head again once a rescan interval has passed", () => {
    let now = 0;
    const cursors = new ClaimCursors(() => now);
    expect(cursors.resumeAfter("w")).toBeNull();
    cursors.claimed("w", key(0, 1_000), true);
    expect(cursors.resumeAfter("w")).toEqual(key(0, 1_000));
    now = 500;
    cursors.claimed("w", key(0, 2_000), false);
    // A resumed claim never moves the cursor back.
    cursors.claimed("w", key(0, 1_500), false);
    expect(cursors.resumeAfter("w")).toEqual(key(0, 2_000));
    now = HEAD_RESCAN_MS;
    expect(cursors.resumeAfter("w")).toBeNull();
    // A head claim that found nothing leaves the claimer at the head.
    cursors.claimed("w", null, true);
    expect(cursors.resumeAfter("w")).toBeNull();
  });

  it("keep one cursor per claimer", () => {
    const cursors = new ClaimCursors(() => 0);
    cursors.claimed("a", key(0, 1_000), true);
    expect(cursors.resumeAfter("b")).toBeNull();
    expect(cursors.resumeAfter("a")).toEqual(key(0, 1_000));
  });

  it("send a claimer to the head when rows became READY before where its resumed claim starts, and only then", () => {
    const cursors = new ClaimCursors(() => 0);
    cursors.claimed("w", key(0, 10_000), true);
    // Within the lag a resumed claim finds the row anyway; later rows too.
    cursors.readyAt(key(0, 10_000 - RESUME_LAG_MS + 1));
    cursors.readyAt(key(0, 20_000));
    cursors.readyAt(key(5, 0));
    expect(cursors.resumeAfter("w")).toEqual(key(0, 10_000));
    // A higher priority (a lower rank) is behind whatever its time.
    cursors.readyAt(key(-1, 50_000));
    expect(cursors.resumeAfter("w")).toBeNull();
    cursors.claimed("w", key(0, 10_000), true);
    cursors.readyAt(key(0, 10_000 - RESUME_LAG_MS - 1));
    expect(cursors.resumeAfter("w")).toBeNull();
  });
});
