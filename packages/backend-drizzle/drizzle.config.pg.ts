import { defineConfig } from "drizzle-kit";

/** drizzle-kit settings for the bundled Postgres migrations (`pnpm db:generate:pg --name <name>`). */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/pg/schema.ts",
  out: "./migrations/pg",
});
