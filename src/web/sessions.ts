// Web sign-in sessions: a random cookie value, stored as SHA-256, expiring after two weeks.
import { randomBytes } from "node:crypto";
import { and, eq, gt } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { users, webSessions } from "../db/schema.js";
import { type Clock } from "../shared/clock.js";
import { sha256Hex } from "../accounts/tokens.js";

export const SESSION_COOKIE = "rcp_session";
export const SESSION_DAYS = 14;

export async function createWebSession(db: Db, userId: number, clock: Clock): Promise<string> {
  const secret = randomBytes(32).toString("base64url");
  const now = clock.now();
  await db.transaction(async (tx) => {
    await tx.insert(webSessions).values({
      idHash: sha256Hex(secret),
      userId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString(),
    });
  });
  return secret;
}

export async function userForSession(db: Db, secret: string | undefined, clock: Clock) {
  if (!secret || secret.length > 100) return null;
  const [row] = await db
    .select({ user: users })
    .from(webSessions)
    .innerJoin(users, eq(users.id, webSessions.userId))
    .where(and(eq(webSessions.idHash, sha256Hex(secret)), gt(webSessions.expiresAt, clock.now().toISOString())))
    .limit(1);
  return row ? { id: row.user.id, email: row.user.email, name: row.user.name, isTreasurer: row.user.isTreasurer } : null;
}

export async function destroyWebSession(db: Db, secret: string | undefined): Promise<void> {
  if (!secret) return;
  await db.transaction(async (tx) => {
    await tx.delete(webSessions).where(eq(webSessions.idHash, sha256Hex(secret)));
  });
}
