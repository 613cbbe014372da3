import type { Db } from "../db/client.js";
import { sizeFacts } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import type { Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import type { SizeFact } from "./organizations.queries.js";

/** Size facts are versioned, never edited: a correction is a new version for the same date. */
export async function recordSizeFacts(
  db: Db,
  input: { organizationId: number; effectiveOn: string; headcount: number; annualRevenue?: Money | undefined; actorUserId: number },
  deps: { clock: Clock },
): Promise<SizeFact> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(sizeFacts)
      .values({
        organizationId: input.organizationId,
        effectiveOn: input.effectiveOn,
        headcount: input.headcount,
        annualRevenueMinor: input.annualRevenue?.amountMinor ?? null,
        revenueCurrency: input.annualRevenue?.currency ?? null,
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
