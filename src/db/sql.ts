// Raw SQL that both engines run, through drizzle `sql` templates only, and the few places where the
// engines differ in what they need to be told (row locks) or how they say no (unique violations).
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { engineOf, type Db } from "./handle.js";

interface RawRunner {
  all(query: SQL): unknown[];
  run(query: SQL): unknown;
  execute(query: SQL): Promise<{ rows: unknown[] }>;
}

/**
 * Rows of a raw query, as objects keyed by column alias. PostgreSQL returns `bigint` and `count(*)`
 * as strings: read numbers with `Number(...)` (or `toInt`) rather than trusting the driver's type.
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const runner = db as unknown as RawRunner;
  if (engineOf(db) === "sqlite") return runner.all(query) as T[];
  return (await runner.execute(query)).rows as T[];
}

/** A raw statement whose result is not needed. */
export async function execute(db: Db, query: SQL): Promise<void> {
  const runner = db as unknown as RawRunner;
  if (engineOf(db) === "sqlite") runner.run(query);
  else await runner.execute(query);
}

/**
 * `for update` on PostgreSQL, nothing on SQLite (whose `BEGIN IMMEDIATE` already holds the only write
 * lock): append to a select inside a transaction that reads a row it will change.
 */
export function lockForUpdate(db: Db): SQL {
  return engineOf(db) === "postgres" ? sql` for update` : sql``;
}

/** A number from either driver: integers arrive as numbers from SQLite and as strings from PostgreSQL. */
export function toInt(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  if (value === null || value === undefined) return 0;
  throw new TypeError(`not an integer: ${JSON.stringify(value)}`);
}

/** A unique (or primary) key refused the row, on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") return true;
  }
  return false;
}

/**
 * `column` is one of `values`, as ONE bound parameter on either engine (PostgreSQL: a text array, which
 * node-postgres escapes; SQLite: a JSON array read by json_each), so a list of any length neither hits the
 * engines' parameter limits nor costs a parameter per value.
 */
export function isOneOf(db: Db, column: SQLWrapper, values: readonly string[]): SQL {
  return engineOf(db) === "postgres"
    ? sql`${column} in (select unnest(${sql.param(values)}::text[]))`
    : sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
}
