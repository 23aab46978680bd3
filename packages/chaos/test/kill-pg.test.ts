import { scenarioTest } from "./setup/scenario-test.js";

scenarioTest("kill-pg");
