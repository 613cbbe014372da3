// A member organization subscribes for bonds (or bids, in an auction), with Idempotency-Key semantics: the
// same key and body replay the first subscription, the same key with another body is refused. Every
// subscription of an issue first locks the issue's row, so the per-holder limit is never read stale.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/sql.js";
import { bondSubscriptions } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { replayOf, requestHashOf } from "../shared/idempotency.js";
import { AppError } from "../shared/errors.js";
import { formatMoney, type Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireOrganizationAccess } from "../organizations/organizations.queries.js";
import { lockIssue, subscriptionsOf, type BondIssue, type BondSubscription } from "./bonds.queries.js";

export interface SubscriptionInput {
  issueId: number;
  organizationId: number;
  amount: Money;
  bidRateBps?: number;
  idempotencyKey: string;
}

const requestHash = (i: SubscriptionInput) =>
  requestHashOf([i.issueId, i.organizationId, i.amount.amountMinor, i.amount.currency, i.bidRateBps ?? null]);

const fieldError = (path: string, message: string, detail: string) =>
  new AppError("validation_failed", detail, { errors: [{ path, message }] });

function checkSubscription(issue: BondIssue, input: SubscriptionInput, heldMinor: number, on: string): void {
  if (issue.status !== "open" || on < issue.opensOn || on > issue.closesOn) {
    throw new AppError(
      "invalid_state",
      `Bond issue ${issue.id} takes subscriptions from ${issue.opensOn} to ${issue.closesOn} while open.`,
    );
  }
  const money = (minor: number) => formatMoney(minor, issue.currency);
  if (input.amount.currency !== issue.currency) throw fieldError("/amount/currency", `must be ${issue.currency}`, "Wrong currency.");
  if (input.amount.amountMinor < issue.minSubscriptionMinor) {
    throw fieldError("/amount", `must be at least ${money(issue.minSubscriptionMinor)}`, "Below the minimum subscription.");
  }
  if (heldMinor + input.amount.amountMinor > issue.maxPerHolderMinor) {
    throw fieldError(
      "/amount",
      `must not exceed ${money(issue.maxPerHolderMinor - heldMinor)} (the per-holder limit)`,
      "Above the per-holder limit.",
    );
  }
  if (issue.mode === "fixed" && input.bidRateBps !== undefined) {
    throw fieldError("/bidRateBps", "must be absent: the issue has a fixed rate", "A fixed-rate issue takes no bids.");
  }
  if (input.bidRateBps !== undefined && input.bidRateBps > issue.maxRateBps) {
    throw fieldError(
      "/bidRateBps",
      `must not exceed the maximum rate of ${issue.maxRateBps} bps`,
      "The bid is refused: above the maximum rate.",
    );
  }
}

async function byKey(db: Db, input: SubscriptionInput): Promise<BondSubscription | undefined> {
  const [row] = await db
    .select()
    .from(bondSubscriptions)
    .where(and(eq(bondSubscriptions.issueId, input.issueId), eq(bondSubscriptions.idempotencyKey, input.idempotencyKey)))
    .limit(1);
  return row;
}

function replay(prior: BondSubscription, hash: string): { subscription: BondSubscription; replayed: boolean } {
  return { subscription: replayOf(prior, hash), replayed: true };
}

export async function subscribeBonds(
  db: Db,
  actor: Actor,
  input: SubscriptionInput,
  deps: { clock: Clock },
): Promise<{ subscription: BondSubscription; replayed: boolean }> {
  await requireOrganizationAccess(db, actor, input.organizationId);
  const hash = requestHash(input);
  try {
    return await db.transaction(async (tx) => {
      const issue = await lockIssue(tx, input.issueId);
      if (!issue) throw new AppError("not_found", "Bond issue was not found.");
      const prior = await byKey(tx, input);
      if (prior) return replay(prior, hash);
      const held = (await subscriptionsOf(tx, issue.id))
        .filter((s) => s.organizationId === input.organizationId)
        .reduce((a, s) => a + s.amountMinor, 0);
      checkSubscription(issue, input, held, today(deps.clock));
      const [subscription] = await tx
        .insert(bondSubscriptions)
        .values({
          issueId: issue.id,
          organizationId: input.organizationId,
          amountMinor: input.amount.amountMinor,
          bidRateBps: input.bidRateBps ?? null,
          idempotencyKey: input.idempotencyKey,
          requestHash: hash,
          createdBy: actor.id,
          createdAt: isoNow(deps.clock),
        })
        .returning();
      await recordAudit(
        tx,
        {
          actorUserId: actor.id,
          action: "bond.subscribe",
          entityType: "bond_subscription",
          entityId: subscription!.id,
          after: subscription,
        },
        deps.clock,
      );
      return { subscription: subscription!, replayed: false };
    });
  } catch (error) {
    const prior = isUniqueViolation(error) ? await byKey(db, input) : undefined;
    if (prior) return replay(prior, hash);
    throw error;
  }
}
