import { defineConfig } from "drizzle-kit";

/** drizzle-kit settings for the bundled SQLite migrations (`pnpm db:generate:sqlite --name <name>`). */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/sqlite/schema.ts",
  out: "./migrations/sqlite",
});
