// The transparency report's distribution (PRODUCT.md §12): what the month's run gave each bucket and
// each work. A figure made of the cash of fewer than 3 paying organizations would tell what they paid,
// so each cell counts the payers whose cash it is made of: works with fewer than 3 payers are merged
// into one "other works" row, and a cell still below 3 shows "<3" and no amount.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { monthBounds } from "../fees/compute-fees.js";
import { moneyJson } from "../shared/money.js";
import { cell, DISCLOSURE_MINIMUM, type Cell } from "./report-cells.js";

export const OTHER_WORKS = "other works";

export interface ReportDistribution {
  runStatus: "draft" | "approved";
  /** Null when the month's cash came from fewer than 3 organizations. */
  pool: ReturnType<typeof moneyJson> | null;
  buckets: ({ bucket: string; kind: string } & Cell)[];
  works: ({ work: string } & Cell)[];
}

interface MonthRun {
  id: number;
  status: "draft" | "approved";
  poolMinor: number;
  currency: string;
}

export async function monthRun(db: Db, month: string): Promise<MonthRun | undefined> {
  const [row] = await queryRows<{ id: unknown; status: string; pool_minor: unknown; currency: string }>(
    db,
    sql`select id, status, pool_minor, currency from distribution_runs where month = ${month}`,
  );
  if (!row) return undefined;
  return {
    id: toInt(row.id),
    status: row.status === "approved" ? "approved" : "draft",
    poolMinor: toInt(row.pool_minor),
    currency: row.currency,
  };
}

/** The paying organizations of the month's pool, per work (refunds included: they are cash of the month too). */
async function payersPerWork(db: Db, month: string, currency: string): Promise<Map<number, Set<number>>> {
  const { first, last } = monthBounds(month);
  const rows = await queryRows<{ work_id: unknown; organization_id: unknown }>(
    db,
    sql`select distinct a.work_id, i.organization_id from payment_attributions a join invoices i on i.id = a.invoice_id
        where a.paid_on >= ${first} and a.paid_on <= ${last} and a.currency = ${currency}`,
  );
  const payers = new Map<number, Set<number>>();
  for (const r of rows) {
    const set = payers.get(toInt(r.work_id)) ?? new Set<number>();
    set.add(toInt(r.organization_id));
    payers.set(toInt(r.work_id), set);
  }
  return payers;
}

export async function reportDistribution(db: Db, month: string): Promise<ReportDistribution | null> {
  const run = await monthRun(db, month);
  if (!run) return null;
  const allocations = await queryRows<{
    bucket_key: string;
    bucket_kind: string;
    work_id: unknown;
    slug: string | null;
    amount_minor: unknown;
  }>(
    db,
    sql`select a.bucket_key, a.bucket_kind, a.work_id, w.slug, a.amount_minor
        from distribution_allocations a left join works w on w.id = a.work_id
        where a.run_id = ${run.id} order by a.position`,
  );
  const payers = await payersPerWork(db, month, run.currency);
  const allPayers = new Set([...payers.values()].flatMap((s) => [...s]));
  const buckets = new Map<string, { kind: string; minor: number }>();
  const works = new Map<number, { slug: string; minor: number }>();
  for (const a of allocations) {
    const b = buckets.get(a.bucket_key) ?? { kind: a.bucket_kind, minor: 0 };
    b.minor += toInt(a.amount_minor);
    buckets.set(a.bucket_key, b);
    if (a.bucket_kind !== "licensors" || a.work_id === null) continue;
    const w = works.get(toInt(a.work_id)) ?? { slug: a.slug ?? String(toInt(a.work_id)), minor: 0 };
    w.minor += toInt(a.amount_minor);
    works.set(toInt(a.work_id), w);
  }
  return {
    runStatus: run.status,
    pool: allPayers.size > 0 && allPayers.size < DISCLOSURE_MINIMUM ? null : moneyJson(run.poolMinor, run.currency),
    buckets: [...buckets].map(([bucket, b]) => ({ bucket, kind: b.kind, ...cell(allPayers.size, b.minor, run.currency) })),
    works: workCells(works, payers, run.currency),
  };
}

/** One row per work paid for by at least 3 organizations, by slug; the rest merged into "other works". */
export function workCells(works: Map<number, { slug: string; minor: number }>, payers: Map<number, Set<number>>, currency: string) {
  const rows: ({ work: string } & Cell)[] = [];
  const other = { payers: new Set<number>(), minor: 0, works: 0 };
  for (const [workId, w] of [...works].sort(([, a], [, b]) => (a.slug < b.slug ? -1 : 1))) {
    const who = payers.get(workId) ?? new Set<number>();
    if (who.size >= DISCLOSURE_MINIMUM) rows.push({ work: w.slug, ...cell(who.size, w.minor, currency) });
    else {
      who.forEach((p) => other.payers.add(p));
      other.minor += w.minor;
      other.works += 1;
    }
  }
  if (other.works > 0) rows.push({ work: OTHER_WORKS, ...cell(other.payers.size, other.minor, currency) });
  return rows;
}
