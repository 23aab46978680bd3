import { describe } from "vitest";
import { describeWorkerBehaviour } from "@tasks/backend-conformance/worker";
import { PostgresBackend } from "../src/pg/index.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";

const available = await postgresAvailable();

describe.skipIf(!available)("postgres", () => {
  const database = useTestDatabase();
  describeWorkerBehaviour("postgres", async () => {
    const backend = new PostgresBackend({ db: database().db });
    return { backend, close: () => backend.close() };
  });
});
