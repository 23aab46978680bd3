import { scenarioTest } from "./setup/scenario-test.js";

scenarioTest("baseline-pg");
