// Size facts: headcount and annual revenue, versioned by the date they take effect (PRODUCT.md §2).
// Owners and treasurers declare them. A declaration that lowers the fee — a lower band, a lower or new
// revenue (a cap), a revenue of 0 — is billed as declared but waits for a treasurer's review; a rejected
// one is ignored by billing from then on, and the next run catches up the difference.
import type { Db } from "../db/client.js";
import { sizeFacts } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import type { Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import { bandFor, type FeeScheduleVersion } from "../fees/compute-fees.js";
import { feeScheduleOn } from "../fees/fee-schedules.queries.js";
import { exchangeRateOn } from "../fees/exchange-rates.js";
import { sizeFactsOn, type SizeFact } from "./organizations.queries.js";

export interface SizeFactsInput {
  organizationId: number;
  effectiveOn: string;
  headcount: number;
  annualRevenue?: Money | undefined;
  evidenceUrl?: string | undefined;
  evidenceNote?: string | undefined;
  actorUserId: number;
  /** A treasurer's declaration needs no review: treasurers are the reviewers. */
  actorIsTreasurer?: boolean | undefined;
}

/** Size facts are versioned, never edited: a correction is a new version for the same date. */
export async function recordSizeFacts(db: Db, input: SizeFactsInput, deps: { clock: Clock }): Promise<SizeFact> {
  return db.transaction(async (tx) => {
    const schedule = await feeScheduleOn(tx, input.effectiveOn).catch(() => feeScheduleOn(tx, "9999-12-31"));
    await refuseUnconvertibleRevenue(tx, input, schedule);
    const previous = await sizeFactsOn(tx, input.organizationId, input.effectiveOn);
    const [row] = await tx
      .insert(sizeFacts)
      .values({
        organizationId: input.organizationId,
        effectiveOn: input.effectiveOn,
        headcount: input.headcount,
        annualRevenueMinor: input.annualRevenue?.amountMinor ?? null,
        revenueCurrency: input.annualRevenue?.currency ?? null,
        evidenceUrl: input.evidenceUrl ?? null,
        evidenceNote: input.evidenceNote ?? null,
        needsReview: !input.actorIsTreasurer && lowersFee(schedule, previous, input),
        recordedBy: input.actorUserId,
        createdAt: isoNow(deps.clock),
      })
      .returning();
    const facts = row!;
    await recordAudit(
      tx,
      {
        actorUserId: input.actorUserId,
        action: "organization.size_facts_recorded",
        entityType: "organization",
        entityId: input.organizationId,
        after: facts,
      },
      deps.clock,
    );
    return facts;
  });
}

/** A revenue in another currency than the schedule's caps nothing unless a treasurer recorded a rate: refused. */
async function refuseUnconvertibleRevenue(tx: Db, input: SizeFactsInput, schedule: FeeScheduleVersion): Promise<void> {
  const revenue = input.annualRevenue;
  if (!revenue || revenue.currency === schedule.currency) return;
  if (await exchangeRateOn(tx, revenue.currency, schedule.currency, input.effectiveOn)) return;
  throw new AppError(
    "revenue_currency_mismatch",
    `Annual revenue must be declared in ${schedule.currency}, the fee schedule's currency on ${input.effectiveOn}: no ${revenue.currency}→${schedule.currency} exchange rate is recorded.`,
    {
      errors: [
        {
          path: "/annualRevenue/currency",
          message: `must be ${schedule.currency} (no exchange rate from ${revenue.currency} is recorded)`,
        },
      ],
    },
  );
}

/** Whether the declaration could lower the fee against the facts it replaces. */
export function lowersFee(schedule: FeeScheduleVersion, previous: SizeFact | undefined, next: SizeFactsInput): boolean {
  const revenue = next.annualRevenue;
  if (revenue && revenue.amountMinor === 0) return true;
  if (!previous) return false;
  const bandIndex = (headcount: number) => schedule.bands.indexOf(bandFor(schedule, headcount));
  if (bandIndex(next.headcount) < bandIndex(previous.headcount)) return true;
  if (!revenue) return false;
  // A revenue where there was none brings a cap; in another currency it cannot be compared.
  return (
    previous.annualRevenueMinor === null ||
    previous.revenueCurrency !== revenue.currency ||
    revenue.amountMinor < previous.annualRevenueMinor
  );
}
