import { scenarioTest } from "./setup/scenario-test.js";

scenarioTest("sigterm-sqlite");
