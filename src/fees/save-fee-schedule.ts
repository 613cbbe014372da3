import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { feeBands, feeSchedules } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError, type FieldError } from "../shared/errors.js";
import type { Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import type { FeeScheduleVersion } from "./compute-fees.js";
import { getFeeSchedule, isFeeScheduleUsed } from "./fee-schedules.queries.js";

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

/**
 * Creates a version (`replaceId` absent) or replaces the content of version `replaceId` while no
 * billing run has used it. A version a billing run used is history: 409.
 */
export function saveFeeSchedule(
  db: Db,
  input: FeeScheduleInput & { actorUserId: number; replaceId?: number },
  deps: { clock: Clock },
): FeeScheduleVersion {
  return inTransaction(db, () => {
    const existing =
      input.replaceId !== undefined
        ? db.select().from(feeSchedules).where(eq(feeSchedules.id, input.replaceId)).get()
        : db.select().from(feeSchedules).where(eq(feeSchedules.effectiveOn, input.effectiveOn)).get();
    if (input.replaceId !== undefined && !existing) throw new AppError("not_found", "Fee schedule was not found.");
    if (existing && isFeeScheduleUsed(db, existing.id)) {
      throw new AppError(
        "fee_schedule_in_use",
        `The fee schedule in force from ${existing.effectiveOn} was used by a billing run and cannot be changed; add a new version.`,
      );
    }
    if (existing && input.replaceId === undefined) {
      throw new AppError(
        "conflict",
        `A fee schedule version takes effect on ${input.effectiveOn} already; replace it with PUT /api/v1/fee-schedules/${existing.id}.`,
      );
    }
    const effectiveOn = existing?.effectiveOn ?? input.effectiveOn;
    const errors = validateBands(input);
    if (errors.length > 0) throw new AppError("validation_failed", "The fee schedule is not valid.", { errors });
    const before = existing ? getFeeSchedule(db, existing.id) : undefined;
    let id: number;
    if (existing) {
      db.delete(feeBands).where(eq(feeBands.feeScheduleId, existing.id)).run();
      db.update(feeSchedules)
        .set({ currency: input.currency, revenueCapBps: input.revenueCapBps })
        .where(eq(feeSchedules.id, existing.id))
        .run();
      id = existing.id;
    } else {
      id = db
        .insert(feeSchedules)
        .values({
          effectiveOn,
          currency: input.currency,
          revenueCapBps: input.revenueCapBps,
          createdBy: input.actorUserId,
          createdAt: isoNow(deps.clock),
        })
        .returning()
        .get().id;
    }
    db.insert(feeBands)
      .values(
        input.bands.map((b) => ({
          feeScheduleId: id,
          minHeadcount: b.minHeadcount,
          maxHeadcount: b.maxHeadcount,
          annualFeeMinor: b.annualFee.amountMinor,
        })),
      )
      .run();
    const after = getFeeSchedule(db, id);
    recordAudit(
      db,
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
}
