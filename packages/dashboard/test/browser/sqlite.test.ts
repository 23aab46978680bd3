/** The browser scenario (scenario.ts) on a SQLite file. */
import { dashboardScenario } from "./scenario.js";

dashboardScenario("sqlite");
