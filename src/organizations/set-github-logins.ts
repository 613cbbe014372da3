import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { githubLogins } from "../db/schema.js";
import type { Clock } from "../shared/clock.js";
import { recordAudit } from "../audit/record-audit.js";
import { assertLoginsFree } from "./create-organization.js";

export function setGithubLogins(
  db: Db,
  input: { organizationId: number; logins: string[]; actorUserId: number },
  deps: { clock: Clock },
): string[] {
  const logins = [...new Set(input.logins.map((l) => l.toLowerCase()))].sort();
  return inTransaction(db, () => {
    assertLoginsFree(db, logins, input.organizationId);
    const before = db
      .select()
      .from(githubLogins)
      .where(eq(githubLogins.organizationId, input.organizationId))
      .all()
      .map((r) => r.login)
      .sort();
    db.delete(githubLogins).where(eq(githubLogins.organizationId, input.organizationId)).run();
    if (logins.length > 0)
      db.insert(githubLogins)
        .values(logins.map((login) => ({ login, organizationId: input.organizationId })))
        .run();
    recordAudit(
      db,
      {
        actorUserId: input.actorUserId,
        action: "organization.github_logins_set",
        entityType: "organization",
        entityId: input.organizationId,
        before,
        after: logins,
      },
      deps.clock,
    );
    return logins;
  });
}
