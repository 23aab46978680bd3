/**
 * The browse operations on Postgres, on a real database: lists across both task tables,
 * the argument search, and retries that claimers and LISTEN hear at once (see
 * helpers/browse-scenarios.ts; the shared conformance suite covers the contract).
 */
import { afterAll, describe } from "vitest";
import { PostgresBackend } from "../src/pg/index.js";
import { browseScenarios } from "./helpers/browse-scenarios.js";
import { postgresAvailable, useTestDatabase } from "./helpers/pg.js";

const available = await postgresAvailable();

describe.skipIf(!available)("Postgres browse operations", () => {
  const database = useTestDatabase();
  const opened: PostgresBackend[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((backend) => backend.close()));
  });
  browseScenarios(async () => {
    const backend = new PostgresBackend({ url: database().url });
    const other = new PostgresBackend({ url: database().url });
    opened.push(backend, other);
    return { backend, other };
  });
});
