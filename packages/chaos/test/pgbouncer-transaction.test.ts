import { scenarioTest } from "./setup/scenario-test.js";

scenarioTest("pgbouncer-transaction");
