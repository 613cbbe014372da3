import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { usages, works } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Organization } from "../organizations/organizations.queries.js";
import { usageView } from "./usage.queries.js";
import type { UsagePurpose } from "./vocabulary.js";

export interface UsageInput {
  workSlug: string;
  purpose: UsagePurpose;
  startedOn: string;
  endedOn?: string | null | undefined;
}

export async function declareUsages(db: Db, org: Organization, inputs: UsageInput[], actorUserId: number, deps: { clock: Clock }) {
  return db.transaction(async (tx) => {
    const declared = [];
    for (const [i, input] of inputs.entries()) {
      // Errors point into the list only when there is one.
      const at = inputs.length > 1 ? `/usages/${i}` : "";
      declared.push(await declareUsage(tx, org, input, at, actorUserId, deps.clock));
    }
    return declared;
  });
}

async function declareUsage(tx: Db, org: Organization, input: UsageInput, at: string, actorUserId: number, clock: Clock) {
  const [work] = await tx.select().from(works).where(eq(works.slug, input.workSlug)).limit(1);
  if (!work)
    throw new AppError("validation_failed", `There is no work ${input.workSlug}.`, {
      errors: [{ path: `${at}/workSlug`, message: "is not a registered work" }],
    });
  if (input.endedOn && input.endedOn < input.startedOn)
    throw new AppError("validation_failed", "A usage cannot end before it starts.", {
      errors: [{ path: `${at}/endedOn`, message: "must not be before startedOn" }],
    });
  const [row] = await tx
    .insert(usages)
    .values({
      organizationId: org.id,
      workId: work.id,
      purpose: input.purpose,
      startedOn: input.startedOn,
      endedOn: input.endedOn ?? null,
      declaredBy: actorUserId,
      createdAt: isoNow(clock),
    })
    .returning();
  const usage = row!;
  await recordAudit(tx, { actorUserId, action: "usage.declared", entityType: "usage", entityId: usage.id, after: usage }, clock);
  return usageView(usage, work, org);
}

/** Ending a usage is the one change a usage admits; billed months stay billed. */
export async function endUsage(
  db: Db,
  org: Organization,
  input: { usageId: number; endedOn: string; actorUserId: number },
  deps: { clock: Clock },
) {
  return db.transaction(async (tx) => {
    const usage = and(eq(usages.id, input.usageId), eq(usages.organizationId, org.id));
    const [row] = await tx.select().from(usages).where(usage).limit(1);
    if (!row) throw new AppError("not_found", "Usage was not found.");
    if (input.endedOn < row.startedOn)
      throw new AppError("validation_failed", "A usage cannot end before it starts.", {
        errors: [{ path: "/endedOn", message: "must not be before startedOn" }],
      });
    if (row.endedOn !== null) throw new AppError("invalid_state", `The usage already ended on ${row.endedOn}.`);
    // Only an open usage is ended: of two requests at once, the second finds it ended.
    const ended = await tx
      .update(usages)
      .set({ endedOn: input.endedOn })
      .where(and(usage, isNull(usages.endedOn)))
      .returning({ id: usages.id });
    if (ended.length === 0) {
      const [current] = await tx.select({ endedOn: usages.endedOn }).from(usages).where(usage).limit(1);
      throw new AppError("invalid_state", `The usage already ended on ${current?.endedOn ?? input.endedOn}.`);
    }
    await recordAudit(
      tx,
      {
        actorUserId: input.actorUserId,
        action: "usage.ended",
        entityType: "usage",
        entityId: row.id,
        before: { endedOn: null },
        after: { endedOn: input.endedOn },
      },
      deps.clock,
    );
    const [work] = await tx.select().from(works).where(eq(works.id, row.workId)).limit(1);
    return usageView({ ...row, endedOn: input.endedOn }, work!, org);
  });
}
