import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { isUniqueViolation, lockForUpdate, queryRows } from "../db/sql.js";
import { feeBands, feeSchedules } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError, type FieldError } from "../shared/errors.js";
import type { Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import { logFeeSchedule } from "../books/facts.js";
import type { FeeScheduleVersion } from "./compute-fees.js";
import { getFeeSchedule, isFeeScheduleUsed, refuseBilledMonth } from "./fee-schedules.queries.js";

export interface FeeScheduleInput {
  effectiveOn: string;
  currency: string;
  revenueCapBps: number | null;
  bands: { minHeadcount: number; maxHeadcount: number | null; annualFee: Money }[];
}

/** Bands start at 0 or 1, follow each other without gap or overlap, and the last is open. */
export function validateBands(input: FeeScheduleInput): FieldError[] {
  const errors: FieldError[] = [];
  const bands = input.bands;
  if (bands.length === 0) return [{ path: "/bands", message: "needs at least one band" }];
  bands.forEach((b, i) => {
    if (b.annualFee.currency !== input.currency)
      errors.push({ path: `/bands/${i}/annualFee/currency`, message: `must be the schedule currency ${input.currency}` });
    if (b.maxHeadcount !== null && b.maxHeadcount < b.minHeadcount)
      errors.push({ path: `/bands/${i}/maxHeadcount`, message: "must not be below minHeadcount" });
    if (i === 0 && b.minHeadcount > 1) errors.push({ path: "/bands/0/minHeadcount", message: "the first band must start at 0 or 1" });
    if (i > 0) {
      const prev = bands[i - 1]!;
      if (prev.maxHeadcount === null || b.minHeadcount !== prev.maxHeadcount + 1)
        errors.push({ path: `/bands/${i}/minHeadcount`, message: "must follow the previous band's maxHeadcount without gap or overlap" });
    }
    if (i === bands.length - 1 && b.maxHeadcount !== null)
      errors.push({ path: `/bands/${i}/maxHeadcount`, message: "the last band must be open (null)" });
  });
  return errors;
}

type FeeScheduleRow = typeof feeSchedules.$inferSelect;

/**
 * Creates a version (`replaceId` absent) or replaces the content of version `replaceId` while no
 * billing run has used it. A version a billing run used is history: 409.
 */
export async function saveFeeSchedule(
  db: Db,
  input: FeeScheduleInput & { actorUserId: number; replaceId?: number },
  deps: { clock: Clock },
): Promise<FeeScheduleVersion> {
  try {
    return await db.transaction(async (tx) => {
      const existing = await existingVersion(tx, input);
      await refuseChange(tx, existing, input);
      const errors = validateBands(input);
      if (errors.length > 0) throw new AppError("validation_failed", "The fee schedule is not valid.", { errors });
      const before = existing ? await getFeeSchedule(tx, existing.id) : undefined;
      const id = await writeVersion(tx, existing, input, deps.clock);
      const after = await getFeeSchedule(tx, id);
      await logFeeSchedule(tx, after, existing ? "replaced" : "created", isoNow(deps.clock));
      await recordAudit(
        tx,
        {
          actorUserId: input.actorUserId,
          action: existing ? "fee_schedule.replaced" : "fee_schedule.created",
          entityType: "fee_schedule",
          entityId: id,
          before,
          after,
        },
        deps.clock,
      );
      return after;
    });
  } catch (error) {
    // Another version for the same date was created meanwhile: the unique index refused this one.
    if (input.replaceId === undefined && isUniqueViolation(error)) {
      const [taken] = await db.select().from(feeSchedules).where(eq(feeSchedules.effectiveOn, input.effectiveOn)).limit(1);
      if (taken) throw takenDate(input.effectiveOn, taken.id);
    }
    throw error;
  }
}

/**
 * The version being replaced, its row locked until the transaction ends: a billing run that starts
 * meanwhile references the row (its foreign key waits for the lock), so it bills with what this
 * transaction leaves, or this transaction sees its run and refuses. Or, when creating, the version
 * already taking effect on that date.
 */
async function existingVersion(tx: Db, input: { effectiveOn: string; replaceId?: number }): Promise<FeeScheduleRow | undefined> {
  if (input.replaceId === undefined) {
    const [row] = await tx.select().from(feeSchedules).where(eq(feeSchedules.effectiveOn, input.effectiveOn)).limit(1);
    return row;
  }
  const locked = await queryRows(tx, sql`select id from fee_schedules where id = ${input.replaceId}${lockForUpdate(tx)}`);
  if (locked.length === 0) throw new AppError("not_found", "Fee schedule was not found.");
  const [row] = await tx.select().from(feeSchedules).where(eq(feeSchedules.id, input.replaceId)).limit(1);
  return row;
}

async function refuseChange(
  tx: Db,
  existing: FeeScheduleRow | undefined,
  input: { effectiveOn: string; replaceId?: number },
): Promise<void> {
  if (existing && (await isFeeScheduleUsed(tx, existing.id))) {
    throw new AppError(
      "fee_schedule_in_use",
      `The fee schedule in force from ${existing.effectiveOn} was used by a billing run and cannot be changed; add a new version.`,
    );
  }
  if (existing && input.replaceId === undefined) throw takenDate(input.effectiveOn, existing.id);
  // A new version, or one being replaced, may not be (or have been) in force in a month already billed.
  await refuseBilledMonth(tx, existing?.effectiveOn ?? input.effectiveOn, "This fee schedule version");
}

const takenDate = (effectiveOn: string, id: number) =>
  new AppError(
    "conflict",
    `A fee schedule version takes effect on ${effectiveOn} already; replace it with PUT /api/v1/fee-schedules/${id}.`,
  );

/** Writes the version and its bands; returns its id. */
async function writeVersion(
  tx: Db,
  existing: FeeScheduleRow | undefined,
  input: FeeScheduleInput & { actorUserId: number },
  clock: Clock,
): Promise<number> {
  let id: number;
  if (existing) {
    await tx.delete(feeBands).where(eq(feeBands.feeScheduleId, existing.id));
    await tx
      .update(feeSchedules)
      .set({ currency: input.currency, revenueCapBps: input.revenueCapBps })
      .where(eq(feeSchedules.id, existing.id));
    id = existing.id;
  } else {
    const [created] = await tx
      .insert(feeSchedules)
      .values({
        effectiveOn: input.effectiveOn,
        currency: input.currency,
        revenueCapBps: input.revenueCapBps,
        createdBy: input.actorUserId,
        createdAt: isoNow(clock),
      })
      .returning({ id: feeSchedules.id });
    id = created!.id;
  }
  await tx.insert(feeBands).values(
    input.bands.map((b) => ({
      feeScheduleId: id,
      minHeadcount: b.minHeadcount,
      maxHeadcount: b.maxHeadcount,
      annualFeeMinor: b.annualFee.amountMinor,
    })),
  );
  return id;
}
