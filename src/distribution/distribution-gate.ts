// Cash and distribution runs take turns, so that every attribution belongs to exactly one run
// (PRODUCT.md §11.3, cash basis). A run reads and writes in ONE transaction holding the gate alone;
// a payment's or refund's attributions are written holding it shared. On SQLite `BEGIN IMMEDIATE`
// already serialises every write transaction; on PostgreSQL the gate is a transaction-scoped advisory
// lock (exclusive for the run, shared for cash, so payments never wait for each other).
//
// The run is dated no earlier than any attribution it can see, and an attribution written after a
// run committed is dated after that run: "the first run dated at or after an attribution covers it"
// then holds whatever the clocks of several processes say. Runs are made in month order, so the latest
// run's month when cash is recorded (`recordedAfter`) says the same: the cash of a month M recorded after
// the run of a month ≥ M belongs to the next run (work cash keeps it per month and `recordedAfter`).
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

/** Where cash recorded now stands towards the runs: the date it carries, and the latest run's month ('' before any). */
export interface CashStamp {
  createdAt: string;
  recordedAfter: string;
}

/** For cash, inside its transaction before its attributions: returns the date they carry and the latest run's month. */
export async function enterGateAsCash(tx: Db, now: string): Promise<CashStamp> {
  if (engineOf(tx) === "postgres") await execute(tx, sql`select pg_advisory_xact_lock_shared(${DISTRIBUTION_GATE})`);
  const [row] = await queryRows<{ latest: string | null; month: string | null }>(
    tx,
    sql`select max(created_at) as latest, max(month) as month from distribution_runs`,
  );
  const latest = row?.latest ?? null;
  const recordedAfter = row?.month ?? "";
  // A run committed while this transaction waited, dated at or after it: it did not see this cash.
  const createdAt = latest !== null && latest >= now ? new Date(Date.parse(latest) + 1).toISOString() : now;
  return { createdAt, recordedAfter };
}
