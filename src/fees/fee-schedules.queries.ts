import { asc, desc, eq, inArray, lte } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { billingRuns, feeBands, feeSchedules } from "../db/schema.js";
import { AppError } from "../shared/errors.js";
import { moneyJson } from "../shared/money.js";
import type { FeeScheduleVersion } from "./compute-fees.js";

function withBands(db: Db, rows: (typeof feeSchedules.$inferSelect)[]): FeeScheduleVersion[] {
  if (rows.length === 0) return [];
  const bands = db
    .select()
    .from(feeBands)
    .where(
      inArray(
        feeBands.feeScheduleId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(feeBands.minHeadcount))
    .all();
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
export function feeScheduleOn(db: Db, date: string): FeeScheduleVersion {
  const row = db
    .select()
    .from(feeSchedules)
    .where(lte(feeSchedules.effectiveOn, date))
    .orderBy(desc(feeSchedules.effectiveOn))
    .limit(1)
    .get();
  if (!row) throw new AppError("invalid_state", `No fee schedule is in force on ${date}.`);
  return withBands(db, [row])[0]!;
}

export function getFeeSchedule(db: Db, id: number): FeeScheduleVersion {
  const row = db.select().from(feeSchedules).where(eq(feeSchedules.id, id)).get();
  if (!row) throw new AppError("not_found", "Fee schedule was not found.");
  return withBands(db, [row])[0]!;
}

export function isFeeScheduleUsed(db: Db, id: number): boolean {
  return db.select({ id: billingRuns.id }).from(billingRuns).where(eq(billingRuns.feeScheduleId, id)).limit(1).get() !== undefined;
}

export function listFeeSchedules(db: Db) {
  const rows = db.select().from(feeSchedules).orderBy(asc(feeSchedules.effectiveOn)).all();
  return withBands(db, rows).map((s) => feeScheduleView(s, isFeeScheduleUsed(db, s.id)));
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
