// A token that changes whenever committed data may have changed, for caches that must never serve an answer
// older than the last commit. Cheap to ask (no table read), exact on both engines.
import { sql } from "drizzle-orm";
import { DATA_VERSION, engineOf, type Db } from "./handle.js";
import { eachTime, freshRead, oncePerTurn, type FreshRead } from "./fresh-read.js";
import { queryRows } from "./sql.js";

/** SQLite's version as one compiled statement on the read connection (`src/db/sqlite.ts`), when it has one. */
function directDataVersion(db: Db): (() => string) | undefined {
  return (db as unknown as Record<symbol, (() => string) | undefined>)[DATA_VERSION];
}

/**
 * SQLite: `PRAGMA data_version` of the read connection, which changes whenever another connection (this
 * process's writer, or another process) commits, with the connection's own count of changed rows. PostgreSQL: the current snapshot (`xmin:xmax:xip…`), which
 * changes whenever a writing transaction begins or ends; two equal snapshots see the same committed rows.
 */
export async function dataVersion(db: Db): Promise<string> {
  const direct = directDataVersion(db);
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
 * `dataVersion` of one database for a cache asked on every request, each request getting a version read after
 * it arrived. PostgreSQL's read is a round trip, shared (`freshRead`) by the requests that arrive while one is
 * pending. SQLite's is a compiled statement on this process's read connection, made once per event-loop turn
 * for the requests that arrived in it (`oncePerTurn`): it takes a read transaction, two locks and a stat of the
 * file, ~25 µs of a busy server's time, a quarter of what a cached read costs.
 */
export function dataVersionReader(db: Db): FreshRead<string> {
  if (engineOf(db) === "postgres") return freshRead(() => dataVersion(db));
  const direct = directDataVersion(db);
  return direct ? oncePerTurn(direct) : eachTime(() => dataVersion(db));
}
