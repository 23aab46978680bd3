#!/usr/bin/env node
// Alias of `tasks prune`: same code path, messages name "prune".
import { launch } from "./launch.mjs";

await launch("prune", "prune");
