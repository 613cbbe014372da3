// drizzle-kit: `npm run db:generate` writes the migrations of both engines from the one schema
// (`DIALECT=sqlite` or `DIALECT=postgres` selects which; the script runs both).
import { defineConfig } from "drizzle-kit";

const dialect = process.env.DIALECT === "postgres" ? "postgresql" : "sqlite";

export default defineConfig(
  dialect === "postgresql"
    ? { dialect, schema: "./src/db/schema.ts", out: "./db/migrations/postgres", strict: true, verbose: true }
    : { dialect, schema: "./src/db/schema.sqlite.ts", out: "./db/migrations/sqlite", strict: true, verbose: true },
);
