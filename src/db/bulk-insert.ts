// Bulk inserts, for writers of tens of thousands of rows at once (a billing run's chunks, the ledger entries
// they post, their audit entries). A multi-row VALUES list built by the query builder handles every value as a
// parameter object, several microseconds apiece: in a billing run that cost several times what the database
// itself spends. So each engine gets what it does fastest:
// - SQLite: cached prepared statements of 64 rows each, run inside the caller's transaction on the writer
//   connection (better-sqlite3 binds and steps them without the query builder);
// - PostgreSQL: the rows travel as ONE bound parameter (a JSON array of arrays) that the server unpacks
//   with jsonb_array_elements, in their order: one round trip per statement.
import { getTableColumns, getTableName, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type Database from "better-sqlite3";
import { engineOf, type Db } from "./handle.js";
import { queryRows } from "./sql.js";

const SQL_TYPES: Record<string, string> = { PgInteger: "integer", PgBigInt53: "bigint", PgText: "text" };

export interface BulkInsertOptions {
  /** `on conflict do nothing`: rows a unique key refuses are skipped (and not returned). */
  onConflictDoNothing?: boolean;
  /** Database column names to return for each inserted row. */
  returning?: string[];
}

/**
 * Inserts `rows` (every row names the same columns) inside the caller's transaction (`tx`); returns the
 * `returning` columns of each inserted row, keyed by column name, values as the driver gives them.
 */
export async function bulkInsert<T extends PgTable>(
  tx: Db,
  table: T,
  rows: T["$inferInsert"][],
  options: BulkInsertOptions = {},
): Promise<Record<string, unknown>[]> {
  if (rows.length === 0) return [];
  const all = getTableColumns(table) as Record<string, PgColumn>;
  const keys = Object.keys(rows[0]!).filter((k) => k in all);
  const columns = keys.map((k) => all[k]!);
  const clauses = `${options.onConflictDoNothing ? " on conflict do nothing" : ""}${
    options.returning ? ` returning ${options.returning.map((c) => `"${c}"`).join(", ")}` : ""
  }`;
  if (engineOf(tx) === "sqlite") return insertEachRow(tx, getTableName(table), columns, keys, rows, clauses, Boolean(options.returning));
  const mappers = columns.map(driverMapper);
  const json = JSON.stringify(rows.map((row) => keys.map((k, i) => mappers[i]!((row as Record<string, unknown>)[k]))));
  const names = columns.map((c) => `"${c.name}"`).join(", ");
  const values = columns.map((c, i) => {
    // A custom column (`flag`) names its own SQL type; its driver values (1/0) cast to it.
    const type = SQL_TYPES[c.columnType] ?? (c.columnType === "PgCustomColumn" ? c.getSQLType() : undefined);
    if (!type) throw new Error(`${c.name}: no JSON mapping for ${c.columnType}`);
    return `cast(r.value ->> ${i} as ${type})`;
  });
  const query: SQL = sql`insert into ${table} (${sql.raw(names)}) select ${sql.raw(values.join(", "))} from jsonb_array_elements(cast(${json} as jsonb)) with ordinality as r(value, key) order by r.key${sql.raw(clauses)}`;
  return queryRows<Record<string, unknown>>(tx, query);
}

/**
 * How a column's values reach the driver (booleans of `flag` columns as 1/0; null stays null). Only custom
 * columns map their values: the others' mapping is the identity, and skipping the call per value matters
 * at tens of thousands of rows.
 */
function driverMapper(column: PgColumn): (value: unknown) => unknown {
  if (column.columnType === "PgCustomColumn")
    return (value) => (value === null || value === undefined ? null : column.mapToDriverValue(value));
  return (value) => (value === undefined ? null : value);
}

/** Rows per SQLite statement: fewer crossings into the driver, far under the 32,766-variable limit. */
const SQLITE_BATCH = 64;

/** The connection keeps what it compiled (see `cacheStatements` in sqlite.ts). */
function cachedStatement(client: Database.Database, text: string): Database.Statement {
  return client.prepare(text);
}

/**
 * Full batches of 64 rows, then the rest in batches of powers of two (32, 16, … 1): each table needs at
 * most seven statement texts, compiled once per connection and cached, whatever the row counts.
 */
function insertEachRow(
  tx: Db,
  tableName: string,
  columns: PgColumn[],
  keys: string[],
  rows: Record<string, unknown>[],
  clauses: string,
  returning: boolean,
): Record<string, unknown>[] {
  const client = (tx as unknown as { $client: Database.Database }).$client;
  const head = `insert into "${tableName}" (${columns.map((c) => `"${c.name}"`).join(", ")}) values `;
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const statements = new Map<number, Database.Statement>();
  const statementFor = (count: number) => {
    let statement = statements.get(count);
    if (statement === undefined) {
      statement = cachedStatement(client, head + Array<string>(count).fill(tuple).join(", ") + clauses);
      statements.set(count, statement);
    }
    return statement;
  };
  // Only custom columns map their values; the others pass as they are (undefined as null).
  const custom = columns.map((c) => (c.columnType === "PgCustomColumn" ? driverMapper(c) : undefined));
  const width = keys.length;
  const out: Record<string, unknown>[] = [];
  let start = 0;
  while (start < rows.length) {
    const left = rows.length - start;
    let count = SQLITE_BATCH;
    while (count > left) count >>= 1;
    const values = new Array<unknown>(count * width);
    for (let r = 0; r < count; r++) {
      const row = rows[start + r]!;
      for (let i = 0; i < width; i++) {
        const value = row[keys[i]!];
        const map = custom[i];
        values[r * width + i] = map ? map(value) : value === undefined ? null : value;
      }
    }
    const statement = statementFor(count);
    if (returning) for (const row of statement.all(values) as Record<string, unknown>[]) out.push(row);
    else statement.run(values);
    start += count;
  }
  return out;
}
