// A work's maintainers change what they say of it: its description and the versions under the PPL.
// The claim (repository, packages) is not touched here; the change is audited with before and after.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { works } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import type { Actor } from "../shared/actor.js";
import { recordAudit } from "../audit/record-audit.js";
import { isMaintainer, type Work } from "./works.queries.js";

export interface WorkDetailsInput {
  /** null clears it. */
  description: string | null;
  /** A semver range (checked by the caller's schema); null: every version. */
  versionRange: string | null;
}

export async function updateWorkDetails(db: Db, actor: Actor, work: Work, input: WorkDetailsInput, deps: { clock: Clock }): Promise<Work> {
  if (!actor.isTreasurer && !(await isMaintainer(db, work.id, actor.id)))
    throw new AppError("forbidden", "Only the work's maintainers may do this.");
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(works)
      .set({ description: input.description, versionRange: input.versionRange, updatedAt: isoNow(deps.clock) })
      .where(eq(works.id, work.id))
      .returning();
    if (!updated) throw new AppError("not_found", "Work was not found.");
    await recordAudit(
      tx,
      {
        actorUserId: actor.id,
        action: "work.updated",
        entityType: "work",
        entityId: work.id,
        before: { description: work.description, versionRange: work.versionRange },
        after: { description: updated.description, versionRange: updated.versionRange },
      },
      deps.clock,
    );
    return updated;
  });
}
