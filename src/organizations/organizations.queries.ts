import { and, desc, eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { lockForUpdate, queryRows } from "../db/sql.js";
import {
  cooperativeEvidence,
  githubLogins,
  memberships,
  organizations,
  sizeFactReviews,
  sizeFacts,
  users,
  verificationDecisions,
} from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { AppError } from "../shared/errors.js";
import { moneyJson } from "../shared/money.js";
import type { MemberRole } from "./vocabulary.js";

export type Organization = typeof organizations.$inferSelect;
export type SizeFact = typeof sizeFacts.$inferSelect;

export async function getOrganizationRow(db: Db, id: number): Promise<Organization | undefined> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, id)).limit(1);
  return org;
}

/**
 * Inside a transaction: locks the organization's row until the commit (PostgreSQL; SQLite's single
 * writer already excludes every other write), then reads it as it now is.
 */
export async function lockOrganizationRow(tx: Db, id: number): Promise<Organization | undefined> {
  await queryRows(tx, sql`select ${organizations.id} from ${organizations} where ${organizations.id} = ${id}${lockForUpdate(tx)}`);
  return getOrganizationRow(tx, id);
}

export async function membershipOf(db: Db, organizationId: number, userId: number): Promise<MemberRole | undefined> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
    .limit(1);
  return row?.role;
}

/**
 * Access per PRODUCT.md §9: treasurers see every organization; members see their own; anyone
 * else is told it does not exist (404), so existence does not leak.
 */
export async function requireOrganizationAccess(
  db: Db,
  actor: Actor,
  organizationId: number,
  need: "member" | "owner" = "member",
): Promise<Organization> {
  const org = await getOrganizationRow(db, organizationId);
  const role = org ? await membershipOf(db, organizationId, actor.id) : undefined;
  if (!org || (!actor.isTreasurer && role === undefined)) throw new AppError("not_found", "Organization was not found.");
  if (need === "owner" && !actor.isTreasurer && role !== "owner") {
    throw new AppError("forbidden", "Only an owner of the organization or a treasurer may do this.");
  }
  return org;
}

/**
 * The size facts in force on `date`: the latest effective on or before it, latest recorded wins; a
 * declaration a treasurer rejected is not in force (the one before it is).
 */
export async function sizeFactsOn(db: Db, organizationId: number, date: string): Promise<SizeFact | undefined> {
  const [row] = await db
    .select({ facts: sizeFacts })
    .from(sizeFacts)
    .leftJoin(sizeFactReviews, and(eq(sizeFactReviews.sizeFactId, sizeFacts.id), eq(sizeFactReviews.decision, "rejected")))
    .where(and(eq(sizeFacts.organizationId, organizationId), lte(sizeFacts.effectiveOn, date), isNull(sizeFactReviews.id)))
    .orderBy(desc(sizeFacts.effectiveOn), desc(sizeFacts.id))
    .limit(1);
  return row?.facts;
}

export type SizeFactReview = typeof sizeFactReviews.$inferSelect;

/** `review` is "pending" while a declaration that lowered the fee waits for a treasurer, null when none was needed. */
export const sizeFactView = (f: SizeFact, review?: SizeFactReview) => ({
  id: f.id,
  effectiveOn: f.effectiveOn,
  headcount: f.headcount,
  annualRevenue: f.annualRevenueMinor === null || f.revenueCurrency === null ? null : moneyJson(f.annualRevenueMinor, f.revenueCurrency),
  evidenceUrl: f.evidenceUrl,
  evidenceNote: f.evidenceNote,
  review: review ? review.decision : f.needsReview ? ("pending" as const) : null,
  reviewReason: review?.reason ?? null,
  recordedAt: f.createdAt,
});

/** A worker cooperative's latest evidence and every decision on it, oldest first. */
async function cooperativeView(db: Db, organizationId: number) {
  const [evidence] = await db
    .select()
    .from(cooperativeEvidence)
    .where(eq(cooperativeEvidence.organizationId, organizationId))
    .orderBy(desc(cooperativeEvidence.id))
    .limit(1);
  const decisions = await db
    .select()
    .from(verificationDecisions)
    .where(eq(verificationDecisions.organizationId, organizationId))
    .orderBy(verificationDecisions.id);
  return {
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

export async function organizationView(db: Db, org: Organization, today: string) {
  const logins = await db
    .select({ login: githubLogins.login })
    .from(githubLogins)
    .where(eq(githubLogins.organizationId, org.id))
    .orderBy(githubLogins.login);
  const facts = await db
    .select({ facts: sizeFacts, review: sizeFactReviews })
    .from(sizeFacts)
    .leftJoin(sizeFactReviews, eq(sizeFactReviews.sizeFactId, sizeFacts.id))
    .where(eq(sizeFacts.organizationId, org.id))
    .orderBy(desc(sizeFacts.effectiveOn), desc(sizeFacts.id));
  const current = await sizeFactsOn(db, org.id, today);
  const members = await db
    .select({ userId: memberships.userId, role: memberships.role, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, org.id))
    .orderBy(memberships.userId);
  const cooperative = org.kind === "worker_cooperative" ? await cooperativeView(db, org.id) : null;
  return {
    id: org.id,
    name: org.name,
    kind: org.kind,
    country: org.country,
    verificationStatus: org.verificationStatus,
    githubLogins: logins.map((l) => l.login),
    cooperative,
    sizeFacts: current ? sizeFactView(current, facts.find((f) => f.facts.id === current.id)?.review ?? undefined) : null,
    sizeFactsHistory: facts.map((f) => sizeFactView(f.facts, f.review ?? undefined)),
    members,
    createdAt: org.createdAt,
  };
}

/** The actor's organizations (every one, for a treasurer) by id; a page of them after `page.afterId`. */
export async function listOrganizationsFor(
  db: Db,
  actor: Actor,
  page?: { afterId?: number | undefined; limit: number },
): Promise<Organization[]> {
  const after = page?.afterId !== undefined ? gt(organizations.id, page.afterId) : undefined;
  const limit = page?.limit ?? Number.MAX_SAFE_INTEGER;
  if (actor.isTreasurer) return db.select().from(organizations).where(after).orderBy(organizations.id).limit(limit);
  const mine = db.select({ id: memberships.organizationId }).from(memberships).where(eq(memberships.userId, actor.id));
  return db
    .select()
    .from(organizations)
    .where(and(inArray(organizations.id, mine), after))
    .orderBy(organizations.id)
    .limit(limit);
}

export async function organizationIdForLogin(db: Db, login: string): Promise<number | undefined> {
  const [row] = await db
    .select({ id: githubLogins.organizationId })
    .from(githubLogins)
    .where(eq(githubLogins.login, login.toLowerCase()))
    .limit(1);
  return row?.id;
}

/** Every evidence a cooperative submitted, newest first (the first one and each resubmission). */
export async function evidenceHistory(db: Db, organizationId: number) {
  const rows = await db
    .select()
    .from(cooperativeEvidence)
    .where(eq(cooperativeEvidence.organizationId, organizationId))
    .orderBy(desc(cooperativeEvidence.id));
  return rows.map((e) => ({
    id: e.id,
    jurisdiction: e.jurisdiction,
    registryNumber: e.registryNumber,
    bylawsUrl: e.bylawsUrl,
    workerOwnerCount: e.workerOwnerCount,
    distributesAllSurplus: e.distributesAllSurplus,
    submittedAt: e.createdAt,
  }));
}

export async function verificationQueue(db: Db): Promise<Organization[]> {
  return db
    .select()
    .from(organizations)
    .where(and(eq(organizations.kind, "worker_cooperative"), eq(organizations.verificationStatus, "pending")))
    .orderBy(organizations.id);
}
