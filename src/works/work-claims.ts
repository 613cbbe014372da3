// A work's claim (PRODUCT.md §13): proven at registration by control of its repository and, for its
// packages, by their registry metadata naming that repository; otherwise a treasurer verifies or rejects
// it by hand with a reason. Anyone may dispute a claim; a treasurer decides the dispute: upheld, the
// work becomes unverified and its package claims are released (the rightful maintainer may register
// them); dismissed, nothing changes. Every step is a row of the work's claim history, which the work's
// maintainers, the disputing users and treasurers see.
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { execute, lockForUpdate } from "../db/sql.js";
import { workClaimEvents, workDisputes, workMaintainers, workPackages, works } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError, assert } from "../shared/errors.js";
import type { Actor } from "../shared/actor.js";
import { recordAudit } from "../audit/record-audit.js";
import { fromParts } from "../purl/purl.js";
import { getWorkBySlug, type Work } from "./works.queries.js";
import type { ClaimEvent, DisputeDecision, WorkDecision, WorkVerification } from "./vocabulary.js";

export interface ClaimEventInput {
  workId: number;
  event: ClaimEvent;
  verification: WorkVerification;
  reason: string;
  disputeId?: number | null;
  actorUserId: number | null;
}

export async function recordClaimEvent(tx: Db, input: ClaimEventInput, clock: Clock): Promise<void> {
  await tx.insert(workClaimEvents).values({ ...input, disputeId: input.disputeId ?? null, createdAt: isoNow(clock) });
}

/** The work's row, locked until the transaction ends, as it now is. */
async function lockWork(tx: Db, slug: string): Promise<Work> {
  await execute(tx, sql`select ${works.id} from ${works} where ${works.slug} = ${slug}${lockForUpdate(tx)}`);
  return getWorkBySlug(tx, slug);
}

async function setVerification(tx: Db, work: Work, verification: WorkVerification, clock: Clock): Promise<void> {
  if (work.verification === verification) return;
  await tx
    .update(works)
    .set({ verification, updatedAt: isoNow(clock) })
    .where(eq(works.id, work.id));
}

/** A treasurer verifies or rejects a work's claim by hand. */
export async function decideWorkVerification(
  db: Db,
  actor: Actor,
  input: { slug: string; decision: WorkDecision; reason: string },
  deps: { clock: Clock },
): Promise<Work> {
  if (!actor.isTreasurer) throw new AppError("forbidden", "Only treasurers verify works by hand.");
  return db.transaction(async (tx) => {
    const work = await lockWork(tx, input.slug);
    const verification: WorkVerification = input.decision === "verified" ? "verified" : "unverified";
    await setVerification(tx, work, verification, deps.clock);
    await recordClaimEvent(
      tx,
      { workId: work.id, event: input.decision, verification, reason: input.reason, actorUserId: actor.id },
      deps.clock,
    );
    await recordAudit(
      tx,
      {
        actorUserId: actor.id,
        action: `work.${input.decision}`,
        entityType: "work",
        entityId: work.id,
        before: { verification: work.verification },
        after: { verification, reason: input.reason },
      },
      deps.clock,
    );
    return { ...work, verification };
  });
}

export type Dispute = typeof workDisputes.$inferSelect;

/** Any user contests a work's claim; one open dispute per user and work. */
export async function openDispute(db: Db, actor: Actor, input: { slug: string; reason: string }, deps: { clock: Clock }): Promise<Dispute> {
  return db.transaction(async (tx) => {
    const work = await lockWork(tx, input.slug);
    const [open] = await tx
      .select({ id: workDisputes.id })
      .from(workDisputes)
      .where(and(eq(workDisputes.workId, work.id), eq(workDisputes.openedBy, actor.id), eq(workDisputes.status, "open")))
      .limit(1);
    if (open) throw new AppError("conflict", `You have an open dispute (${open.id}) on this work already.`);
    const [dispute] = await tx
      .insert(workDisputes)
      .values({ workId: work.id, openedBy: actor.id, reason: input.reason, status: "open", createdAt: isoNow(deps.clock) })
      .returning();
    assert(dispute, "an inserted dispute is returned");
    await recordClaimEvent(
      tx,
      {
        workId: work.id,
        event: "disputed",
        verification: work.verification,
        reason: input.reason,
        disputeId: dispute.id,
        actorUserId: actor.id,
      },
      deps.clock,
    );
    return dispute;
  });
}

/** A treasurer decides an open dispute. Upheld: the work is unverified and its package claims are released. */
export async function decideDispute(
  db: Db,
  actor: Actor,
  input: { slug: string; disputeId: number; decision: DisputeDecision; reason: string },
  deps: { clock: Clock },
): Promise<Dispute> {
  if (!actor.isTreasurer) throw new AppError("forbidden", "Only treasurers decide disputes.");
  return db.transaction(async (tx) => {
    const work = await lockWork(tx, input.slug);
    const [dispute] = await tx
      .select()
      .from(workDisputes)
      .where(and(eq(workDisputes.id, input.disputeId), eq(workDisputes.workId, work.id)))
      .limit(1);
    if (!dispute) throw new AppError("not_found", `Dispute ${input.disputeId} was not found on work ${work.slug}.`);
    if (dispute.status !== "open") throw new AppError("invalid_state", `The dispute was ${dispute.status} already.`);
    const upheld = input.decision === "upheld";
    const released = upheld ? await releasePackages(tx, work) : [];
    const verification: WorkVerification = upheld ? "unverified" : work.verification;
    await setVerification(tx, work, verification, deps.clock);
    const now = isoNow(deps.clock);
    const [decided] = await tx
      .update(workDisputes)
      .set({ status: input.decision, decisionReason: input.reason, decidedBy: actor.id, decidedAt: now })
      .where(eq(workDisputes.id, dispute.id))
      .returning();
    assert(decided, "the decided dispute is returned");
    const reason = released.length > 0 ? `${input.reason} (released: ${released.join(", ")})` : input.reason;
    const event: ClaimEvent = upheld ? "dispute_upheld" : "dispute_dismissed";
    await recordClaimEvent(tx, { workId: work.id, event, verification, reason, disputeId: dispute.id, actorUserId: actor.id }, deps.clock);
    await recordAudit(
      tx,
      {
        actorUserId: actor.id,
        action: `work.${event}`,
        entityType: "work",
        entityId: work.id,
        before: dispute,
        after: { ...decided, released },
      },
      deps.clock,
    );
    return decided;
  });
}

/** Removes the work's package claims but its own repository's pkg:github purl; returns the purls released. */
async function releasePackages(tx: Db, work: Work): Promise<string[]> {
  const own = work.repositoryFullName
    ? fromParts("github", work.repositoryFullName.split("/")[0]!, work.repositoryFullName.split("/")[1]!, null).base
    : "";
  const released = await tx
    .delete(workPackages)
    .where(and(eq(workPackages.workId, work.id), ne(workPackages.purl, own)))
    .returning({ purl: workPackages.purl });
  return released.map((r) => r.purl).sort();
}

/** The claim history and disputes of a work: for its maintainers, treasurers, and users who disputed it. */
export async function claimHistory(db: Db, actor: Actor, slug: string) {
  const work = await getWorkBySlug(db, slug);
  const disputes = await db.select().from(workDisputes).where(eq(workDisputes.workId, work.id)).orderBy(asc(workDisputes.id));
  const [maintainer] = await db
    .select({ userId: workMaintainers.userId })
    .from(workMaintainers)
    .where(and(eq(workMaintainers.workId, work.id), eq(workMaintainers.userId, actor.id)))
    .limit(1);
  if (!actor.isTreasurer && !maintainer && !disputes.some((d) => d.openedBy === actor.id))
    throw new AppError("forbidden", "Only the work's maintainers, the users who disputed it and treasurers see its claim history.");
  const events = await db
    .select()
    .from(workClaimEvents)
    .where(inArray(workClaimEvents.workId, [work.id]))
    .orderBy(asc(workClaimEvents.id));
  return { work, events, disputes };
}
