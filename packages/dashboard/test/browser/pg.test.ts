/**
 * The browser scenario (scenario.ts) on a Postgres database of its own on the server of
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test). Not skipped when the server
 * cannot be reached: the test fails, saying so.
 */
import { dashboardScenario } from "./scenario.js";

dashboardScenario("pg");
