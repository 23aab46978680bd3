#!/usr/bin/env node
// Alias of `tasks worker`: same code path, messages name "db-worker".
import { launch } from "./launch.mjs";

await launch("db-worker", "worker");
