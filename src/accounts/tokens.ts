// API tokens: `rcp_` + 32 random bytes. Only the SHA-256 is stored; the secret is shown once.
import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { apiTokens, users } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import type { User } from "./create-user.js";

export const TOKEN_PREFIX = "rcp_";

export const sha256Hex = (value: string): string => createHash("sha256").update(value).digest("hex");

export const generateTokenSecret = (): string => TOKEN_PREFIX + randomBytes(32).toString("base64url");

export interface TokenView {
  id: number;
  name: string;
  displayPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const view = (t: typeof apiTokens.$inferSelect): TokenView => ({
  id: t.id,
  name: t.name,
  displayPrefix: t.displayPrefix,
  createdAt: t.createdAt,
  lastUsedAt: t.lastUsedAt,
  revokedAt: t.revokedAt,
});

/** Stores a token for `secret` (generated when not given). Returns the secret once. */
export async function createApiToken(
  db: Db,
  input: { userId: number; name: string; secret?: string; actorUserId: number | null },
  deps: { clock: Clock },
): Promise<TokenView & { secret: string }> {
  const secret = input.secret ?? generateTokenSecret();
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiTokens)
      .values({
        userId: input.userId,
        name: input.name,
        displayPrefix: secret.slice(0, 10),
        secretHash: sha256Hex(secret),
        createdAt: isoNow(deps.clock),
      })
      .returning();
    const token = created!;
    await recordAudit(
      tx,
      {
        actorUserId: input.actorUserId,
        action: "token.created",
        entityType: "api_token",
        entityId: token.id,
        after: { userId: token.userId, name: token.name },
      },
      deps.clock,
    );
    return token;
  });
  return { ...view(row), secret };
}

export async function listApiTokens(db: Db, userId: number): Promise<TokenView[]> {
  const rows = await db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(apiTokens.id);
  return rows.map(view);
}

export async function revokeApiToken(
  db: Db,
  input: { userId: number; tokenId: number; actorUserId: number },
  deps: { clock: Clock },
): Promise<TokenView> {
  return db.transaction(async (tx) => {
    const token = and(eq(apiTokens.id, input.tokenId), eq(apiTokens.userId, input.userId));
    const [row] = await tx.select().from(apiTokens).where(token).limit(1);
    if (!row) throw new AppError("not_found", "Token was not found.");
    if (row.revokedAt) return view(row);
    const revokedAt = isoNow(deps.clock);
    // Only a token not yet revoked is revoked: of two revocations at once, one writes and audits.
    const [revoked] = await tx
      .update(apiTokens)
      .set({ revokedAt })
      .where(and(token, isNull(apiTokens.revokedAt)))
      .returning();
    if (!revoked) {
      const [current] = await tx.select().from(apiTokens).where(token).limit(1);
      return view(current!);
    }
    await recordAudit(
      tx,
      {
        actorUserId: input.actorUserId,
        action: "token.revoked",
        entityType: "api_token",
        entityId: row.id,
        before: { revokedAt: null },
        after: { revokedAt },
      },
      deps.clock,
    );
    return view(revoked);
  });
}

// last-used is written at most once a minute per token, so reads stay reads.
const LAST_USED_RESOLUTION_MS = 60_000;

/** The user a bearer secret belongs to, or null for an unknown or revoked token. */
export async function userForToken(db: Db, secret: string, deps: { clock: Clock }): Promise<User | null> {
  if (!secret.startsWith(TOKEN_PREFIX) && secret.length < 16) return null;
  const [row] = await db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.secretHash, sha256Hex(secret)), isNull(apiTokens.revokedAt)))
    .limit(1);
  if (!row) return null;
  const now = deps.clock.now();
  if (!row.token.lastUsedAt || now.getTime() - Date.parse(row.token.lastUsedAt) >= LAST_USED_RESOLUTION_MS) {
    await db.transaction(async (tx) => {
      await tx.update(apiTokens).set({ lastUsedAt: now.toISOString() }).where(eq(apiTokens.id, row.token.id));
    });
  }
  return row.user;
}
