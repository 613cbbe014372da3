import { asc, desc, eq, inArray, lte } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { billingRuns, feeBands, feeSchedules, invoices } from "../db/schema.js";
import { AppError } from "../shared/errors.js";
import { moneyJson } from "../shared/money.js";
import { addMonths, type FeeScheduleVersion } from "./compute-fees.js";

async function withBands(db: Db, rows: (typeof feeSchedules.$inferSelect)[]): Promise<FeeScheduleVersion[]> {
  if (rows.length === 0) return [];
  const bands = await db
    .select()
    .from(feeBands)
    .where(
      inArray(
        feeBands.feeScheduleId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(feeBands.minHeadcount));
  return rows.map((r) => ({
    id: r.id,
    effectiveOn: r.effectiveOn,
    currency: r.currency,
    revenueCapBps: r.revenueCapBps,
    bands: bands
      .filter((b) => b.feeScheduleId === r.id)
      .map((b) => ({ minHeadcount: b.minHeadcount, maxHeadcount: b.maxHeadcount, annualFeeMinor: b.annualFeeMinor })),
  }));
}

/** The version in force on `date`: the latest that took effect on or before it. */
export async function feeScheduleOn(db: Db, date: string): Promise<FeeScheduleVersion> {
  const [row] = await db
    .select()
    .from(feeSchedules)
    .where(lte(feeSchedules.effectiveOn, date))
    .orderBy(desc(feeSchedules.effectiveOn))
    .limit(1);
  if (!row) throw new AppError("invalid_state", `No fee schedule is in force on ${date}.`);
  return (await withBands(db, [row]))[0]!;
}

/** Every version, oldest first, with its bands: for reading the versions in force on many dates at once. */
export async function allFeeSchedules(db: Db): Promise<FeeScheduleVersion[]> {
  return withBands(db, await db.select().from(feeSchedules).orderBy(asc(feeSchedules.effectiveOn)));
}

/** The version in force on `date` among `versions` (oldest first). */
export function versionOn(versions: FeeScheduleVersion[], date: string): FeeScheduleVersion {
  let found: FeeScheduleVersion | undefined;
  for (const v of versions) if (v.effectiveOn <= date) found = v;
  if (!found) throw new AppError("invalid_state", `No fee schedule is in force on ${date}.`);
  return found;
}

export async function getFeeSchedule(db: Db, id: number): Promise<FeeScheduleVersion> {
  const [row] = await db.select().from(feeSchedules).where(eq(feeSchedules.id, id)).limit(1);
  if (!row) throw new AppError("not_found", "Fee schedule was not found.");
  return (await withBands(db, [row]))[0]!;
}

export async function isFeeScheduleUsed(db: Db, id: number): Promise<boolean> {
  const [run] = await db.select({ id: billingRuns.id }).from(billingRuns).where(eq(billingRuns.feeScheduleId, id)).limit(1);
  return run !== undefined;
}

/** The latest month billed, if any: a billing run completed for it, or an invoice (of a run that crashed) exists for it. */
export async function latestBilledMonth(db: Db): Promise<string | undefined> {
  const [run] = await db
    .select({ month: billingRuns.month })
    .from(billingRuns)
    .where(eq(billingRuns.status, "completed"))
    .orderBy(desc(billingRuns.month))
    .limit(1);
  const [invoice] = await db.select({ month: invoices.month }).from(invoices).orderBy(desc(invoices.month)).limit(1);
  const months = [run?.month, invoice?.month].filter((m): m is string => m !== undefined).sort();
  return months.at(-1);
}

/**
 * A fee schedule version or an exchange rate never takes effect in a month already billed (PRODUCT.md §13):
 * catch-up lines price earlier months with what was in force then, so that must not change afterwards.
 */
export async function refuseBilledMonth(db: Db, effectiveOn: string, what: string): Promise<void> {
  const latest = await latestBilledMonth(db);
  if (latest !== undefined && effectiveOn.slice(0, 7) <= latest)
    throw new AppError(
      "month_already_billed",
      `${what} would take effect on ${effectiveOn}, in a month already billed (billed up to ${latest}); take effect from ${addMonths(latest, 1)}-01 or later.`,
      { errors: [{ path: "/effectiveOn", message: `must be in a month after ${latest}, the last month billed` }] },
    );
}

export async function listFeeSchedules(db: Db) {
  const rows = await db.select().from(feeSchedules).orderBy(asc(feeSchedules.effectiveOn));
  const used = new Set((await db.selectDistinct({ id: billingRuns.feeScheduleId }).from(billingRuns)).map((r) => r.id));
  return (await withBands(db, rows)).map((s) => feeScheduleView(s, used.has(s.id)));
}

export function feeScheduleView(s: FeeScheduleVersion, usedByBillingRun: boolean) {
  return {
    id: s.id,
    effectiveOn: s.effectiveOn,
    currency: s.currency,
    revenueCapBps: s.revenueCapBps,
    bands: s.bands.map((b) => ({
      minHeadcount: b.minHeadcount,
      maxHeadcount: b.maxHeadcount,
      annualFee: moneyJson(b.annualFeeMinor, s.currency),
    })),
    usedByBillingRun,
  };
}
