// A treasurer's review of a size-facts declaration that lowered a fee. Accepted, it stands; rejected,
// billing ignores it from then on (the previous declaration is in force again) and the next billing
// run catches up the difference for the months already billed (see src/billing/plan-billing.ts).
import { and, asc, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/sql.js";
import { organizations, sizeFactReviews, sizeFacts } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { sizeFactView, type SizeFact, type SizeFactReview } from "./organizations.queries.js";
import type { SizeFactReviewDecision } from "./vocabulary.js";

export async function reviewSizeFacts(
  db: Db,
  input: { sizeFactId: number; decision: SizeFactReviewDecision; reason: string; actorUserId: number },
  deps: { clock: Clock },
): Promise<SizeFactReview> {
  try {
    return await db.transaction(async (tx) => {
      const [fact] = await tx.select().from(sizeFacts).where(eq(sizeFacts.id, input.sizeFactId)).limit(1);
      if (!fact) throw new AppError("not_found", "Size facts were not found.");
      if (!fact.needsReview) throw new AppError("invalid_state", "These size facts did not lower a fee: they need no review.");
      // The unique index on the fact makes a second decision, even a concurrent one, a 409.
      const [review] = await tx
        .insert(sizeFactReviews)
        .values({
          sizeFactId: fact.id,
          decision: input.decision,
          reason: input.reason,
          decidedBy: input.actorUserId,
          createdAt: isoNow(deps.clock),
        })
        .returning();
      await recordAudit(
        tx,
        {
          actorUserId: input.actorUserId,
          action: `size_facts.${input.decision}`,
          entityType: "size_facts",
          entityId: fact.id,
          after: review,
        },
        deps.clock,
      );
      return review!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", "These size facts were reviewed already.");
    throw error;
  }
}

/** The facts a declaration replaced: the latest before it (by date, then by recording) not rejected. */
async function previousFacts(db: Db, fact: SizeFact): Promise<SizeFact | undefined> {
  const [row] = await db
    .select({ facts: sizeFacts })
    .from(sizeFacts)
    .leftJoin(sizeFactReviews, and(eq(sizeFactReviews.sizeFactId, sizeFacts.id), eq(sizeFactReviews.decision, "rejected")))
    .where(
      and(
        eq(sizeFacts.organizationId, fact.organizationId),
        or(lt(sizeFacts.effectiveOn, fact.effectiveOn), and(eq(sizeFacts.effectiveOn, fact.effectiveOn), lt(sizeFacts.id, fact.id))),
        isNull(sizeFactReviews.id),
      ),
    )
    .orderBy(desc(sizeFacts.effectiveOn), desc(sizeFacts.id))
    .limit(1);
  return row?.facts;
}

/** Declarations that lowered a fee and wait for a treasurer, oldest first, each beside the facts it replaced. */
export async function sizeFactsAwaitingReview(db: Db) {
  const rows = await db
    .select({ facts: sizeFacts, organizationName: organizations.name })
    .from(sizeFacts)
    .innerJoin(organizations, eq(organizations.id, sizeFacts.organizationId))
    .leftJoin(sizeFactReviews, eq(sizeFactReviews.sizeFactId, sizeFacts.id))
    .where(and(eq(sizeFacts.needsReview, true), isNull(sizeFactReviews.id)))
    .orderBy(asc(sizeFacts.id))
    .limit(500);
  const queue = [];
  for (const { facts, organizationName } of rows) {
    const previous = await previousFacts(db, facts);
    queue.push({
      ...sizeFactView(facts),
      organizationId: facts.organizationId,
      organizationName,
      previous: previous ? sizeFactView(previous) : null,
    });
  }
  return queue;
}
