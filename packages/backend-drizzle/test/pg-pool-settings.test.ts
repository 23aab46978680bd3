/**
 * The settings of pools the Postgres backend opens itself: no connect-time type query (a
 * connection terminated during it raised an unhandled rejection) and reconnects within seconds.
 */
import { afterAll, describe, expect, it } from "vitest";
import { PostgresBackend } from "../src/pg/index.js";
import { reconnectDelaySeconds } from "../src/pg/options.js";

describe("pools the Postgres backend opens", () => {
  const backend = new PostgresBackend({ url: "postgres://postgres@127.0.0.1:5432/test", listen: false });
  afterAll(() => backend.close());
  const options = () => (backend.db as unknown as { $client: { options: { fetch_types: boolean; backoff: unknown } } }).$client.options;

  it("skip postgres.js's connect-time array-type query", () => {
    expect(options().fetch_types).toBe(false);
  });

  it("reconnect after 25–50 ms at first, doubling to at most 2 s (postgres.js's default reaches 20 s)", () => {
    expect(options().backoff).toBe(reconnectDelaySeconds);
    for (let sample = 0; sample < 200; sample++) {
      const first = reconnectDelaySeconds(0);
      expect(first).toBeGreaterThanOrEqual(0.025);
      expect(first).toBeLessThanOrEqual(0.05);
      const late = reconnectDelaySeconds(30);
      expect(late).toBeGreaterThanOrEqual(1);
      expect(late).toBeLessThanOrEqual(2);
    }
  });

  it("keep a setting the application passes in `connection`", async () => {
    const own = new PostgresBackend({ connection: { host: "127.0.0.1", database: "test", user: "postgres", fetch_types: true }, listen: false });
    try {
      expect((own.db as unknown as { $client: { options: { fetch_types: boolean } } }).$client.options.fetch_types).toBe(true);
    } finally {
      await own.close();
    }
  });
});
