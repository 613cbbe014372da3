// Work cash: the attributions of each work summed per month paid, currency and the latest run's month when
// they were recorded (`recordedAfter`), kept in the attributions' own transaction. A run reads these sums
// instead of every attribution (PRODUCT.md §11.3, cash basis): the cash of month P recorded after the run
// of month L belongs to the first run of a month ≥ P and > L. `ledger check` recomputes them from the
// attributions (check-distribution.ts), so drift is caught.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { workCash } from "../db/schema.js";
import type { CashStamp } from "./distribution-gate.js";

export interface AttributedCash {
  workId: number;
  amountMinor: number;
}

/**
 * Adds attributions (a payment's shares, a refund's take-backs) to their works' cash, in the caller's
 * transaction. One row per work, in work id order: concurrent payments on PostgreSQL lock shared works'
 * rows in the same order, so they wait for each other but never deadlock.
 */
export async function addToWorkCash(
  tx: Db,
  shares: readonly AttributedCash[],
  cash: { paidOn: string; currency: string },
  stamp: CashStamp,
): Promise<void> {
  const byWork = new Map<number, { cashMinor: number; attributions: number }>();
  for (const s of shares) {
    const sum = byWork.get(s.workId) ?? { cashMinor: 0, attributions: 0 };
    sum.cashMinor += s.amountMinor;
    sum.attributions += 1;
    byWork.set(s.workId, sum);
  }
  if (byWork.size === 0) return;
  const rows = [...byWork]
    .sort(([a], [b]) => a - b)
    .map(([workId, sum]) => ({
      month: cash.paidOn.slice(0, 7),
      recordedAfter: stamp.recordedAfter,
      workId,
      currency: cash.currency,
      ...sum,
    }));
  await tx
    .insert(workCash)
    .values(rows)
    .onConflictDoUpdate({
      target: [workCash.month, workCash.currency, workCash.workId, workCash.recordedAfter],
      set: {
        cashMinor: sql`${workCash.cashMinor} + excluded.cash_minor`,
        attributions: sql`${workCash.attributions} + excluded.attributions`,
      },
    });
}

/**
 * The cash per work a run of `month` distributes: cash of months up to `month` recorded before any run
 * could take it, i.e. paid after the previous run's month (`previous`, '' for none), or paid in a month
 * already run but recorded after the previous run. Sums of payments less refunds, with their attribution
 * counts and the works' licensors, in work id order. A work has one row per month and `recordedAfter`: the
 * rows are summed here, which costs a fraction of grouping and ordering them in the database.
 */
export async function workCashOfRun(
  db: Db,
  month: string,
  previous: string,
  currency: string,
): Promise<{ workId: number; licensorOrganizationId: number; cashMinor: number; attributions: number }[]> {
  const rows = await queryRows<{ work_id: unknown; licensor: unknown; cash: unknown; n: unknown }>(
    db,
    sql`select due.work_id, w.licensor_organization_id as licensor, due.cash_minor as cash, due.attributions as n from (
          select work_id, cash_minor, attributions from work_cash
          where month > ${previous} and month <= ${month} and currency = ${currency} and recorded_after < ${month}
          union all select work_id, cash_minor, attributions from work_cash
          where recorded_after = ${previous} and month <= ${previous} and currency = ${currency} and ${previous} <> ''
        ) as due join works w on w.id = due.work_id`,
  );
  const byWork = new Map<number, { workId: number; licensorOrganizationId: number; cashMinor: number; attributions: number }>();
  for (const r of rows) {
    const workId = toInt(r.work_id);
    const sum = byWork.get(workId);
    if (sum === undefined)
      byWork.set(workId, { workId, licensorOrganizationId: toInt(r.licensor), cashMinor: toInt(r.cash), attributions: toInt(r.n) });
    else {
      sum.cashMinor += toInt(r.cash);
      sum.attributions += toInt(r.n);
    }
  }
  return [...byWork.values()].sort((a, b) => a.workId - b.workId);
}

/** The month's cash recorded after the run of `month` read (it goes to the next run). */
export async function cashRecordedAfterRun(db: Db, month: string, currency: string): Promise<number> {
  const [row] = await queryRows<{ s: unknown }>(
    db,
    sql`select coalesce(sum(cash_minor), 0) as s from work_cash where month = ${month} and currency = ${currency} and recorded_after >= ${month}`,
  );
  return toInt(row?.s ?? 0);
}

/** The first month any cash was paid in, or null. */
export async function firstCashMonth(db: Db): Promise<string | null> {
  const [row] = await queryRows<{ m: string | null }>(db, sql`select min(month) as m from work_cash`);
  return row?.m ?? null;
}
