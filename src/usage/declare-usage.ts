import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { usages, works, type UsagePurpose } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Organization } from "../organizations/organizations.queries.js";
import { usageView } from "./usage.queries.js";

export interface UsageInput {
  workSlug: string;
  purpose: UsagePurpose;
  startedOn: string;
  endedOn?: string | null | undefined;
}

export function declareUsages(db: Db, org: Organization, inputs: UsageInput[], actorUserId: number, deps: { clock: Clock }) {
  return inTransaction(db, () =>
    inputs.map((input, i) => {
      const work = db.select().from(works).where(eq(works.slug, input.workSlug)).get();
      const at = inputs.length > 1 ? `/usages/${i}` : "";
      if (!work)
        throw new AppError("validation_failed", `There is no work ${input.workSlug}.`, {
          errors: [{ path: `${at}/workSlug`, message: "is not a registered work" }],
        });
      if (input.endedOn && input.endedOn < input.startedOn)
        throw new AppError("validation_failed", "A usage cannot end before it starts.", {
          errors: [{ path: `${at}/endedOn`, message: "must not be before startedOn" }],
        });
      const row = db
        .insert(usages)
        .values({
          organizationId: org.id,
          workId: work.id,
          purpose: input.purpose,
          startedOn: input.startedOn,
          endedOn: input.endedOn ?? null,
          declaredBy: actorUserId,
          createdAt: isoNow(deps.clock),
        })
        .returning()
        .get();
      recordAudit(db, { actorUserId, action: "usage.declared", entityType: "usage", entityId: row.id, after: row }, deps.clock);
      return usageView(row, work, org);
    }),
  );
}

/** Ending a usage is the one change a usage admits; billed months stay billed. */
export function endUsage(
  db: Db,
  org: Organization,
  input: { usageId: number; endedOn: string; actorUserId: number },
  deps: { clock: Clock },
) {
  return inTransaction(db, () => {
    const row = db
      .select()
      .from(usages)
      .where(and(eq(usages.id, input.usageId), eq(usages.organizationId, org.id)))
      .get();
    if (!row) throw new AppError("not_found", "Usage was not found.");
    if (input.endedOn < row.startedOn)
      throw new AppError("validation_failed", "A usage cannot end before it starts.", {
        errors: [{ path: "/endedOn", message: "must not be before startedOn" }],
      });
    if (row.endedOn !== null) throw new AppError("invalid_state", `The usage already ended on ${row.endedOn}.`);
    db.update(usages).set({ endedOn: input.endedOn }).where(eq(usages.id, row.id)).run();
    recordAudit(
      db,
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
    const work = db.select().from(works).where(eq(works.id, row.workId)).get()!;
    return usageView({ ...row, endedOn: input.endedOn }, work, org);
  });
}
