// Opening the database: SQLite (the embedded default) or PostgreSQL (`DATABASE_URL=postgres://…`),
// migrations applied, one drizzle handle typed once for both engines.
//
// Domain code sees `Db`: drizzle's PostgreSQL query builder. On SQLite the same calls run on drizzle's
// SQLite driver over the tables `schema.sqlite.ts` derives from the same schema, so every query the
// domain writes is one both engines accept. Writes happen only inside `await db.transaction(async (tx) => …)`:
// on SQLite the handle outside a transaction is a read-only connection (a stray write fails loudly), and a
// transaction is `BEGIN IMMEDIATE` on the one writer connection, behind an async mutex so that awaiting inside
// it never lets another request's statements join it. On PostgreSQL a transaction is a pooled connection;
// the guarantees SQLite gets from its single writer come from row locks (`lockForUpdate`) and unique keys.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openPostgres } from "./postgres.js";
import { openSqlite } from "./sqlite.js";
import type { Db, Engine } from "./handle.js";

export { engineOf, type Db, type Engine, type Schema } from "./handle.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const MIGRATIONS_FOLDERS: Record<Engine, string> = {
  sqlite: resolve(ROOT, "db/migrations/sqlite"),
  postgres: resolve(ROOT, "db/migrations/postgres"),
};

export interface Database {
  db: Db;
  engine: Engine;
  /** SQLite only: the file, for backups. */
  path?: string;
  close(): Promise<void>;
  /** SQLite only: a consistent online copy of the database file. */
  backup(file: string): Promise<void>;
}

export interface DatabaseLocation {
  /** `postgres://…` selects PostgreSQL. */
  url?: string | undefined;
  /** The SQLite file (or `:memory:`) when no url is given. */
  path: string;
}

export async function openDatabase(location: DatabaseLocation, options: { migrate?: boolean } = {}): Promise<Database> {
  const migrate = options.migrate !== false;
  if (location.url) {
    const opened = await openPostgres(location.url, { migrate, migrationsFolder: MIGRATIONS_FOLDERS.postgres });
    return { ...opened, engine: "postgres", backup: () => Promise.reject(new Error("backups of PostgreSQL are pg_dump's job")) };
  }
  const path = location.path;
  if (path !== ":memory:" && !existsSync(path)) {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    // Invoices, sessions and the fund's books: readable by the service account only. An empty file is an
    // empty SQLite database, and SQLite gives its -wal and -shm files the database file's mode.
    writeFileSync(path, "", { mode: 0o600, flag: "wx" });
  }
  const opened = openSqlite(path, { migrate, migrationsFolder: MIGRATIONS_FOLDERS.sqlite });
  return { ...opened, engine: "sqlite", path };
}
