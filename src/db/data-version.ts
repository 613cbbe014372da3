// A token that changes whenever committed data may have changed, for caches that must never serve an answer
// older than the last commit. Cheap to ask (no table read), exact on both engines.
import { sql } from "drizzle-orm";
import { DATA_VERSION, engineOf, type Db } from "./handle.js";
import { eachTime, freshRead, type FreshRead } from "./fresh-read.js";
import { queryRows } from "./sql.js";

/**
 * SQLite: `PRAGMA data_version` of the read connection, which changes whenever another connection (this
 * process's writer, or another process) commits, with the connection's own count of changed rows. PostgreSQL: the current snapshot (`xmin:xmax:xip…`), which
 * changes whenever a writing transaction begins or ends; two equal snapshots see the same committed rows.
 */
export async function dataVersion(db: Db): Promise<string> {
  const direct = (db as unknown as Record<symbol, (() => string) | undefined>)[DATA_VERSION];
  if (direct) return direct();
  if (engineOf(db) === "sqlite") {
    // total_changes(): an in-memory database reads on its writer, whose own commits data_version ignores.
    const [row] = await queryRows<{ v: number; c: number }>(
      db,
      sql`select data_version as v, total_changes() as c from pragma_data_version`,
    );
    return `${row!.v}.${row!.c}`;
  }
  const [row] = await queryRows<{ v: string }>(db, sql`select pg_current_snapshot()::text as v`);
  return row!.v;
}

/**
 * `dataVersion` of one database for a cache asked on every request: SQLite's read is a compiled statement on
 * this process's read connection, asked each time; PostgreSQL's is a round trip, shared (`freshRead`) by the
 * requests that arrive while one is pending — each still gets a version read after it arrived.
 */
export function dataVersionReader(db: Db): FreshRead<string> {
  return engineOf(db) === "postgres" ? freshRead(() => dataVersion(db)) : eachTime(() => dataVersion(db));
}
