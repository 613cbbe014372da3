import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/sql.js";
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

const emailTaken = (email: string, cause?: unknown) =>
  new AppError("email_taken", `A user with email ${email} already exists.`, {
    errors: [{ path: "/email", message: "is already taken" }],
    cause,
  });

/** Creates a user. The password, when given, must already be hashed (hashing is async). */
export async function createUser(
  db: Db,
  input: { email: string; name: string; passwordHash: string | null; isTreasurer?: boolean; actorUserId: number | null },
  deps: { clock: Clock },
): Promise<User> {
  const email = normaliseEmail(input.email);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
    if (existing) throw emailTaken(email);
    const user = await insertUser(tx, { ...input, email }, deps.clock);
    await recordAudit(
      tx,
      { actorUserId: input.actorUserId, action: "user.created", entityType: "user", entityId: user.id, after: userView(user) },
      deps.clock,
    );
    return user;
  });
}

async function insertUser(
  tx: Db,
  input: { email: string; name: string; passwordHash: string | null; isTreasurer?: boolean },
  clock: Clock,
): Promise<User> {
  try {
    const [user] = await tx
      .insert(users)
      .values({
        email: input.email,
        name: input.name,
        passwordHash: input.passwordHash,
        isTreasurer: input.isTreasurer ?? false,
        createdAt: isoNow(clock),
      })
      .returning();
    return user!;
  } catch (error) {
    // The same email created at the same time by another request (another process, on PostgreSQL).
    if (isUniqueViolation(error)) throw emailTaken(input.email, error);
    throw error;
  }
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)))
    .limit(1);
  return user;
}

export async function getUser(db: Db, id: number): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user;
}
