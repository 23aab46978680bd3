import { scenarioTest } from "./setup/scenario-test.js";

scenarioTest("pg-terminate");
