import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { githubLogins } from "../db/schema.js";
import type { Clock } from "../shared/clock.js";
import { recordAudit } from "../audit/record-audit.js";
import { assertLoginsFree, claimLogins } from "./create-organization.js";

export async function setGithubLogins(
  db: Db,
  input: { organizationId: number; logins: string[]; actorUserId: number },
  deps: { clock: Clock },
): Promise<string[]> {
  const logins = [...new Set(input.logins.map((l) => l.toLowerCase()))].sort();
  return db.transaction(async (tx) => {
    await assertLoginsFree(tx, logins, input.organizationId);
    const rows = await tx.select().from(githubLogins).where(eq(githubLogins.organizationId, input.organizationId));
    const before = rows.map((r) => r.login).sort();
    await tx.delete(githubLogins).where(eq(githubLogins.organizationId, input.organizationId));
    await claimLogins(tx, input.organizationId, logins);
    await recordAudit(
      tx,
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
