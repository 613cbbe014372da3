import { and, desc, eq, inArray, lte } from "drizzle-orm";
import type { Db } from "../db/client.js";
import {
  cooperativeEvidence,
  githubLogins,
  memberships,
  organizations,
  sizeFacts,
  users,
  verificationDecisions,
  type MemberRole,
} from "../db/schema.js";
import { AppError } from "../shared/errors.js";
import type { AuthUser } from "../http/auth.js";
import { moneyJson } from "../shared/money.js";

export type Organization = typeof organizations.$inferSelect;
export type SizeFact = typeof sizeFacts.$inferSelect;

export function getOrganizationRow(db: Db, id: number): Organization | undefined {
  return db.select().from(organizations).where(eq(organizations.id, id)).get();
}

export function membershipOf(db: Db, organizationId: number, userId: number): MemberRole | undefined {
  return db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
    .get()?.role;
}

/**
 * Access per PRODUCT.md §9: treasurers see every organization; members see their own; anyone
 * else is told it does not exist (404), so existence does not leak.
 */
export function requireOrganizationAccess(
  db: Db,
  user: Pick<AuthUser, "id" | "isTreasurer">,
  organizationId: number,
  need: "member" | "owner" = "member",
): Organization {
  const org = getOrganizationRow(db, organizationId);
  const role = org ? membershipOf(db, organizationId, user.id) : undefined;
  if (!org || (!user.isTreasurer && role === undefined)) throw new AppError("not_found", "Organization was not found.");
  if (need === "owner" && !user.isTreasurer && role !== "owner") {
    throw new AppError("forbidden", "Only an owner of the organization or a treasurer may do this.");
  }
  return org;
}

/** The size facts in force on `date`: the latest effective on or before it, latest recorded wins. */
export function sizeFactsOn(db: Db, organizationId: number, date: string): SizeFact | undefined {
  return db
    .select()
    .from(sizeFacts)
    .where(and(eq(sizeFacts.organizationId, organizationId), lte(sizeFacts.effectiveOn, date)))
    .orderBy(desc(sizeFacts.effectiveOn), desc(sizeFacts.id))
    .limit(1)
    .get();
}

export const sizeFactView = (f: SizeFact) => ({
  id: f.id,
  effectiveOn: f.effectiveOn,
  headcount: f.headcount,
  annualRevenue: f.annualRevenueMinor === null || f.revenueCurrency === null ? null : moneyJson(f.annualRevenueMinor, f.revenueCurrency),
  recordedAt: f.createdAt,
});

export function organizationView(db: Db, org: Organization, today: string) {
  const logins = db
    .select({ login: githubLogins.login })
    .from(githubLogins)
    .where(eq(githubLogins.organizationId, org.id))
    .orderBy(githubLogins.login)
    .all();
  const facts = db
    .select()
    .from(sizeFacts)
    .where(eq(sizeFacts.organizationId, org.id))
    .orderBy(desc(sizeFacts.effectiveOn), desc(sizeFacts.id))
    .all();
  const current = sizeFactsOn(db, org.id, today);
  const members = db
    .select({ userId: memberships.userId, role: memberships.role, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, org.id))
    .orderBy(memberships.userId)
    .all();
  let cooperative = null;
  if (org.kind === "worker_cooperative") {
    const evidence = db
      .select()
      .from(cooperativeEvidence)
      .where(eq(cooperativeEvidence.organizationId, org.id))
      .orderBy(desc(cooperativeEvidence.id))
      .limit(1)
      .get();
    const decisions = db
      .select()
      .from(verificationDecisions)
      .where(eq(verificationDecisions.organizationId, org.id))
      .orderBy(verificationDecisions.id)
      .all();
    cooperative = {
      evidence: evidence
        ? {
            id: evidence.id,
            jurisdiction: evidence.jurisdiction,
            registryNumber: evidence.registryNumber,
            bylawsUrl: evidence.bylawsUrl,
            workerOwnerCount: evidence.workerOwnerCount,
            distributesAllSurplus: evidence.distributesAllSurplus,
            submittedAt: evidence.createdAt,
          }
        : null,
      verificationHistory: decisions.map((d) => ({
        decision: d.decision,
        reason: d.reason,
        decidedBy: d.decidedBy,
        decidedAt: d.createdAt,
        evidenceId: d.evidenceId,
      })),
    };
  }
  return {
    id: org.id,
    name: org.name,
    kind: org.kind,
    country: org.country,
    verificationStatus: org.verificationStatus,
    githubLogins: logins.map((l) => l.login),
    cooperative,
    sizeFacts: current ? sizeFactView(current) : null,
    sizeFactsHistory: facts.map(sizeFactView),
    members,
    createdAt: org.createdAt,
  };
}

export function listOrganizationsFor(db: Db, user: Pick<AuthUser, "id" | "isTreasurer">): Organization[] {
  if (user.isTreasurer) return db.select().from(organizations).orderBy(organizations.id).all();
  const ids = db
    .select({ id: memberships.organizationId })
    .from(memberships)
    .where(eq(memberships.userId, user.id))
    .all()
    .map((r) => r.id);
  if (ids.length === 0) return [];
  return db.select().from(organizations).where(inArray(organizations.id, ids)).orderBy(organizations.id).all();
}

export function organizationIdForLogin(db: Db, login: string): number | undefined {
  return db.select({ id: githubLogins.organizationId }).from(githubLogins).where(eq(githubLogins.login, login.toLowerCase())).get()?.id;
}

export function verificationQueue(db: Db) {
  return db
    .select()
    .from(organizations)
    .where(and(eq(organizations.kind, "worker_cooperative"), eq(organizations.verificationStatus, "pending")))
    .orderBy(organizations.id)
    .all();
}
