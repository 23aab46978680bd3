import { scenarioTest } from "./setup/scenario-test.js";

scenarioTest("sqlite-lock");
