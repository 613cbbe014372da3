// Bulk inserts, for writers of tens of thousands of rows at once (a billing run's chunks, and the
// ledger entries they post). A multi-row VALUES list has the query builder handle every value as a
// parameter object, several microseconds apiece: in a billing run that cost several times what the
// database itself spends. Here the rows travel as ONE bound parameter (a JSON array of arrays) and the
// database unpacks them. Reading a JSON array as a table is the one thing the engines spell differently.
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { engineOf, type Db } from "./handle.js";

const SQL_TYPES: Record<string, string> = { PgInteger: "integer", PgBigInt53: "bigint", PgText: "text" };

/** A JSON array as the table `r`, one row per element (`r.value`), `r.key` in array order. */
function jsonArrayTable(db: Db, json: string): SQL {
  return engineOf(db) === "postgres"
    ? sql`jsonb_array_elements(cast(${json} as jsonb)) with ordinality as r(value, key)`
    : sql`json_each(${json}) as r`;
}

/**
 * `insert into <table> (…) select …` of `rows`, in their order: the columns are those the first row
 * names (every row names the same). An `on conflict …` or `returning …` clause may follow.
 */
export function insertJsonRows<T extends PgTable>(db: Db, table: T, rows: T["$inferInsert"][]): SQL {
  const all = getTableColumns(table) as Record<string, PgColumn>;
  const keys = Object.keys(rows[0] ?? {}).filter((k) => k in all);
  const names = sql.join(
    keys.map((k) => sql.identifier(all[k]!.name)),
    sql`, `,
  );
  const values = keys.map((k, i) => {
    const type = SQL_TYPES[all[k]!.columnType];
    if (!type) throw new Error(`${all[k]!.name}: no JSON mapping for ${all[k]!.columnType}`);
    return `cast(r.value ->> ${i} as ${type})`;
  });
  const json = JSON.stringify(rows.map((row) => keys.map((k) => (row as Record<string, unknown>)[k] ?? null)));
  // `where true`: SQLite needs it to tell an `on conflict` clause after the select from a join's `on`.
  return sql`insert into ${table} (${names}) select ${sql.raw(values.join(", "))} from ${jsonArrayTable(db, json)} where true order by r.key`;
}
