import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { memberships, type MemberRole } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { getUser } from "../accounts/create-user.js";
import { membershipOf } from "./organizations.queries.js";

export function addMember(
  db: Db,
  input: { organizationId: number; userId: number; role: MemberRole; actorUserId: number },
  deps: { clock: Clock },
) {
  return inTransaction(db, () => {
    if (!getUser(db, input.userId)) {
      throw new AppError("validation_failed", "The user does not exist.", {
        errors: [{ path: "/userId", message: "is not a known user" }],
      });
    }
    if (membershipOf(db, input.organizationId, input.userId) !== undefined) {
      throw new AppError("already_member", "The user is already a member of this organization.");
    }
    const row = db
      .insert(memberships)
      .values({ organizationId: input.organizationId, userId: input.userId, role: input.role, createdAt: isoNow(deps.clock) })
      .returning()
      .get();
    recordAudit(
      db,
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
