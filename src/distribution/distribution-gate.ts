// Cash and distribution runs take turns, so that every attribution belongs to exactly one run
// (PRODUCT.md §11.3, cash basis). A run reads and writes in ONE transaction holding the gate alone;
// a payment's or refund's attributions are written holding it shared. On SQLite `BEGIN IMMEDIATE`
// already serialises every write transaction; on PostgreSQL the gate is a transaction-scoped advisory
// lock (exclusive for the run, shared for cash, so payments never wait for each other).
//
// The run is dated no earlier than any attribution it can see, and an attribution written after a
// run committed is dated after that run: "the first run dated at or after an attribution covers it"
// then holds whatever the clocks of several processes say.
import { sql } from "drizzle-orm";
import { engineOf, type Db } from "../db/handle.js";
import { execute, queryRows } from "../db/sql.js";

/** An arbitrary, fixed advisory-lock key: "reciprocity distribution". */
const DISTRIBUTION_GATE = 611_302_011;

/** For a run, inside its transaction: waits for cash being attributed; returns the run's date. */
export async function enterGateAsRun(tx: Db, now: string): Promise<string> {
  if (engineOf(tx) === "postgres") await execute(tx, sql`select pg_advisory_xact_lock(${DISTRIBUTION_GATE})`);
  const [row] = await queryRows<{ latest: string | null }>(tx, sql`select max(created_at) as latest from payment_attributions`);
  const latest = row?.latest ?? null;
  return latest !== null && latest > now ? latest : now;
}

/** For cash, inside its transaction before its attributions: returns the date they carry. */
export async function enterGateAsCash(tx: Db, now: string): Promise<string> {
  if (engineOf(tx) === "postgres") await execute(tx, sql`select pg_advisory_xact_lock_shared(${DISTRIBUTION_GATE})`);
  const [row] = await queryRows<{ latest: string | null }>(tx, sql`select max(created_at) as latest from distribution_runs`);
  const latest = row?.latest ?? null;
  // A run committed while this transaction waited, dated at or after it: it did not see this cash.
  return latest !== null && latest >= now ? new Date(Date.parse(latest) + 1).toISOString() : now;
}
