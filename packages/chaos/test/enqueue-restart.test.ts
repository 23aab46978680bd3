import { scenarioTest } from "./setup/scenario-test.js";

scenarioTest("enqueue-restart");
