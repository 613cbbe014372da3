// A user's GitHub login, linked by signing in with GitHub: one user per login, one login per user.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { users } from "../db/schema.js";
import { isUniqueViolation } from "../db/sql.js";
import type { Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";

export async function userByGitHubLogin(db: Db, login: string) {
  const [user] = await db.select().from(users).where(eq(users.githubLogin, login.toLowerCase())).limit(1);
  return user;
}

const linkedElsewhere = (cause?: unknown) =>
  new AppError("conflict", "This GitHub login is linked to another user here.", cause ? { cause } : undefined);

export async function linkGitHubLogin(db: Db, input: { userId: number; login: string }, deps: { clock: Clock }): Promise<void> {
  const login = input.login.toLowerCase();
  try {
    await db.transaction(async (tx) => {
      const [other] = await tx.select({ id: users.id }).from(users).where(eq(users.githubLogin, login)).limit(1);
      if (other && other.id !== input.userId) throw linkedElsewhere();
      await tx.update(users).set({ githubLogin: login }).where(eq(users.id, input.userId));
      await recordAudit(
        tx,
        {
          actorUserId: input.userId,
          action: "user.github_linked",
          entityType: "user",
          entityId: input.userId,
          after: { githubLogin: login },
        },
        deps.clock,
      );
    });
  } catch (err) {
    // Two users linking the same login at once: the unique index decides.
    if (isUniqueViolation(err)) throw linkedElsewhere(err);
    throw err;
  }
}
