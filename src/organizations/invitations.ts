// Members join an organization by invitation: an owner (or a treasurer) invites an email address, the
// invitation's link goes to that address, and whoever holds the link accepts it while signed in. No one
// learns from an invitation whether the address already has a user here.
import { randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { invitations, memberships, organizations } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { sha256Hex } from "../accounts/tokens.js";
import { normaliseEmail } from "../accounts/create-user.js";
import { recordAudit } from "../audit/record-audit.js";
import type { MemberRole } from "./vocabulary.js";

export const INVITATION_DAYS = 14;

export interface InvitationInput {
  organizationId: number;
  email: string;
  role: MemberRole;
  actorUserId: number;
}

/** Records an invitation; returns it with the secret of its link (stored only as a hash). */
export async function createInvitation(db: Db, input: InvitationInput, deps: { clock: Clock }) {
  const secret = randomBytes(32).toString("base64url");
  const now = deps.clock.now();
  const email = normaliseEmail(input.email);
  const invitation = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(invitations)
      .values({
        organizationId: input.organizationId,
        email,
        role: input.role,
        tokenHash: sha256Hex(secret),
        invitedByUserId: input.actorUserId,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString(),
      })
      .returning();
    await recordAudit(
      tx,
      {
        actorUserId: input.actorUserId,
        action: "organization.member_invited",
        entityType: "organization",
        entityId: input.organizationId,
        after: { invitationId: row!.id, role: row!.role },
      },
      deps.clock,
    );
    return row!;
  });
  return { invitation, secret };
}

/** The invitation of a link with its organization's name, or a 404 when the link is unknown. */
export async function invitationBySecret(db: Db, secret: string) {
  if (secret.length > 100) throw new AppError("not_found", "This invitation does not exist.");
  const [row] = await db
    .select({ invitation: invitations, organizationName: organizations.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(eq(invitations.tokenHash, sha256Hex(secret)))
    .limit(1);
  if (!row) throw new AppError("not_found", "This invitation does not exist.");
  return row;
}

/** Why an invitation can no longer be accepted, or null while it can. */
export function invitationClosed(invitation: typeof invitations.$inferSelect, now: string): string | null {
  if (invitation.acceptedAt) return "This invitation was already accepted.";
  if (invitation.revokedAt) return "This invitation was withdrawn.";
  if (invitation.expiresAt <= now) return "This invitation has expired; ask for a new one.";
  return null;
}

/**
 * The signed-in user accepts: the invitation is used up and the user becomes a member (a user who is
 * already one keeps their role). Of two acceptances at once, the conditional update lets one through.
 */
export async function acceptInvitation(db: Db, input: { secret: string; userId: number }, deps: { clock: Clock }) {
  const now = isoNow(deps.clock);
  return db.transaction(async (tx) => {
    const [used] = await tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedByUserId: input.userId })
      .where(
        and(
          eq(invitations.tokenHash, sha256Hex(input.secret)),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          gt(invitations.expiresAt, now),
        ),
      )
      .returning();
    if (!used) throw new AppError("invalid_state", "This invitation can no longer be accepted.");
    const [member] = await tx
      .insert(memberships)
      .values({ organizationId: used.organizationId, userId: input.userId, role: used.role, createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (member) {
      await recordAudit(
        tx,
        {
          actorUserId: input.userId,
          action: "organization.member_added",
          entityType: "organization",
          entityId: used.organizationId,
          after: { userId: input.userId, role: used.role, invitationId: used.id },
        },
        deps.clock,
      );
    }
    return { organizationId: used.organizationId, role: used.role, added: Boolean(member) };
  });
}

/** Invitations of an organization not yet accepted, withdrawn or expired, newest first. */
export async function openInvitations(db: Db, organizationId: number, now: string) {
  return db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, expiresAt: invitations.expiresAt })
    .from(invitations)
    .where(
      and(
        eq(invitations.organizationId, organizationId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now),
      ),
    )
    .orderBy(desc(invitations.id));
}

/** Withdraws an open invitation of the organization. */
export async function withdrawInvitation(
  db: Db,
  input: { organizationId: number; invitationId: number; actorUserId: number },
  deps: { clock: Clock },
) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: isoNow(deps.clock) })
      .where(
        and(
          eq(invitations.id, input.invitationId),
          eq(invitations.organizationId, input.organizationId),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      )
      .returning();
    if (!row) throw new AppError("not_found", "No open invitation was found.");
    await recordAudit(
      tx,
      {
        actorUserId: input.actorUserId,
        action: "organization.invitation_withdrawn",
        entityType: "organization",
        entityId: input.organizationId,
        after: { invitationId: row.id },
      },
      deps.clock,
    );
  });
}
