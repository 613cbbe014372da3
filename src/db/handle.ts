// The handle type every domain function takes, and how to tell which engine a handle runs on.
import type { PgDatabase } from "drizzle-orm/pg-core";
import type { NodePgQueryResultHKT } from "drizzle-orm/node-postgres";
import type * as schema from "./schema.js";

export type Schema = typeof schema;
/** The database, or a transaction of it: drizzle's PostgreSQL query builder, on either engine. */
export type Db = PgDatabase<NodePgQueryResultHKT, Schema>;
export type Engine = "sqlite" | "postgres";

/** Set on every SQLite handle (its transactions are the writer handle, so they carry it too). */
export const SQLITE_MARK = Symbol.for("reciprocity.sqlite");

/** Which engine a handle (or a transaction of it) runs on. */
export function engineOf(db: Db): Engine {
  return (db as unknown as Record<symbol, unknown>)[SQLITE_MARK] === true ? "sqlite" : "postgres";
}

/** On SQLite's read handle: its data version (`PRAGMA data_version` and `total_changes()`), read without drizzle. */
export const DATA_VERSION = Symbol.for("reciprocity.dataVersion");
