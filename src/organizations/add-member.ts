import type { Db } from "../db/client.js";
import { memberships } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { getUser } from "../accounts/create-user.js";
import type { MemberRole } from "./vocabulary.js";

export async function addMember(
  db: Db,
  input: { organizationId: number; userId: number; role: MemberRole; actorUserId: number },
  deps: { clock: Clock },
) {
  return db.transaction(async (tx) => {
    if (!(await getUser(tx, input.userId))) {
      throw new AppError("validation_failed", "The user does not exist.", {
        errors: [{ path: "/userId", message: "is not a known user" }],
      });
    }
    // The membership's key (organization, user) decides, also between two requests at once.
    const [row] = await tx
      .insert(memberships)
      .values({ organizationId: input.organizationId, userId: input.userId, role: input.role, createdAt: isoNow(deps.clock) })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new AppError("already_member", "The user is already a member of this organization.");
    await recordAudit(
      tx,
      {
        actorUserId: input.actorUserId,
        action: "organization.member_added",
        entityType: "organization",
        entityId: input.organizationId,
        after: { userId: row.userId, role: row.role },
      },
      deps.clock,
    );
    return { organizationId: row.organizationId, userId: row.userId, role: row.role, createdAt: row.createdAt };
  });
}
