import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { users } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";

export type User = typeof users.$inferSelect;

export interface UserView {
  id: number;
  email: string;
  name: string;
  isTreasurer: boolean;
  createdAt: string;
}

export const userView = (u: User): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  isTreasurer: u.isTreasurer,
  createdAt: u.createdAt,
});

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** Creates a user. The password, when given, must already be hashed (hashing is async). */
export function createUser(
  db: Db,
  input: { email: string; name: string; passwordHash: string | null; isTreasurer?: boolean; actorUserId: number | null },
  deps: { clock: Clock },
): User {
  const email = normaliseEmail(input.email);
  return inTransaction(db, () => {
    const existing = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
    if (existing)
      throw new AppError("email_taken", `A user with email ${email} already exists.`, {
        errors: [{ path: "/email", message: "is already taken" }],
      });
    const user = db
      .insert(users)
      .values({
        email,
        name: input.name,
        passwordHash: input.passwordHash,
        isTreasurer: input.isTreasurer ?? false,
        createdAt: isoNow(deps.clock),
      })
      .returning()
      .get();
    recordAudit(
      db,
      { actorUserId: input.actorUserId, action: "user.created", entityType: "user", entityId: user.id, after: userView(user) },
      deps.clock,
    );
    return user;
  });
}

export function findUserByEmail(db: Db, email: string): User | undefined {
  return db
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)))
    .get();
}

export function getUser(db: Db, id: number): User | undefined {
  return db.select().from(users).where(eq(users.id, id)).get();
}
