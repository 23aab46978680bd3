import { describe } from "vitest";
import { describeBackend } from "@tasks/backend-conformance";
import { PostgresBackend } from "../src/pg/index.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";

const available = await postgresAvailable();

describe.skipIf(!available)("postgres", () => {
  const database = useTestDatabase();
  describeBackend("postgres", async () => {
    const backend = new PostgresBackend({ db: database().db });
    const others: PostgresBackend[] = [];
    return {
      backend,
      // Its own pool, so the race test claims over separate connections.
      openAnother: async () => {
        const another = new PostgresBackend({ url: database().url });
        others.push(another);
        return another;
      },
      close: async () => {
        await Promise.all(others.map((another) => another.close()));
        await backend.close();
      },
    };
  });
});
