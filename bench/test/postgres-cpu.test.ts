import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { postgresTicks } from "../src/postgres-cpu.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

describe("postgresTicks", () => {
  it("keeps the CPU of a backend whose connection closed during the measurement", async () => {
    const before = postgresTicks();
    const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
    const [backend] = await sql<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    // About a second of CPU in that backend, then the backend exits.
    await sql`SELECT sum(i * 2) FROM generate_series(1, 20000000) AS i`;
    await sql.end();
    const watcher = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
    try {
      for (let i = 0; i < 100; i++) {
        const [row] = await watcher<{ alive: boolean }[]>`SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = ${backend!.pid}) AS alive`;
        if (!row!.alive) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await watcher.end();
    }
    // Without the postmaster's count of reaped children, the exited backend's ticks vanish
    // from the sum and the difference is about zero.
    expect(postgresTicks() - before).toBeGreaterThanOrEqual(30);
  });
});
