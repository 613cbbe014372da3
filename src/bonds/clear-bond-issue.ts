// Clearing a bond issue at its closing date: allotments and the clearing rate (or cancellation below the
// minimum), the repayment schedule stored row by row, and the asset leased to its cooperative.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { bulkInsert } from "../db/bulk-insert.js";
import { bondIssues, bondScheduleRows, bondSubscriptions } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { lockAsset } from "../assets/assets.queries.js";
import { moveAsset } from "../assets/transition-asset.js";
import { clearIssue, type Clearing } from "./allotment.js";
import { lockIssue, subscriptionsOf, type BondIssue } from "./bonds.queries.js";
import { repaymentSchedule } from "./schedule.js";
import { postTransaction } from "../ledger/post-transaction.js";
import { bondLiabilityAccount, CASH_ACCOUNT, productiveAssetAccount } from "../ledger/accounts.js";

/** The schedule of an issue for a principal and rate: the one function, before clearing and at it. */
export function scheduleFor(issue: BondIssue, monthlyRentMinor: number, principalMinor: number, rateBps: number) {
  return repaymentSchedule({
    principalMinor,
    rateBps,
    termMonths: issue.termMonths,
    method: issue.repayment,
    startsOn: issue.closesOn,
    monthlyRentMinor,
  });
}

/**
 * The ledger side of a cleared issue: the holders' cash raised against the bond liability, and spent
 * on the asset (PRODUCT.md §14: the proceeds are a bond liability and buy the asset).
 */
async function bookClearing(tx: Db, issue: BondIssue, soldMinor: number, on: string, clock: Clock): Promise<void> {
  await postTransaction(
    tx,
    {
      code: "bond_issue_cleared",
      description: `Bond issue ${issue.id} cleared: proceeds buy asset ${issue.assetId}`,
      effectiveOn: on,
      transfers: [
        { debitAccount: CASH_ACCOUNT, creditAccount: bondLiabilityAccount(issue.id), amountMinor: soldMinor, currency: issue.currency },
        {
          debitAccount: productiveAssetAccount(issue.assetId),
          creditAccount: CASH_ACCOUNT,
          amountMinor: soldMinor,
          currency: issue.currency,
        },
      ],
    },
    isoNow(clock),
  );
}

async function storeClearing(tx: Db, issue: BondIssue, clearing: Clearing, on: string): Promise<BondIssue> {
  for (const a of clearing.allotments) {
    await tx
      .update(bondSubscriptions)
      .set({ allottedMinor: a.allottedMinor, outcome: a.outcome })
      .where(eq(bondSubscriptions.id, a.subscriptionId));
  }
  const [stored] = await tx
    .update(bondIssues)
    .set({ status: clearing.status, rateBps: clearing.rateBps, soldMinor: clearing.totalMinor, clearedOn: on })
    .where(eq(bondIssues.id, issue.id))
    .returning();
  return stored!;
}

export async function clearBondIssue(
  db: Db,
  actor: Actor,
  issueId: number,
  deps: { clock: Clock },
): Promise<{ issue: BondIssue; clearing: Clearing }> {
  if (!actor.isTreasurer) throw new AppError("forbidden", "Only a treasurer clears a bond issue.");
  const on = today(deps.clock);
  return db.transaction(async (tx) => {
    const issue = await lockIssue(tx, issueId);
    if (!issue) throw new AppError("not_found", "Bond issue was not found.");
    if (issue.status !== "open") throw new AppError("invalid_state", `Bond issue ${issue.id} is ${issue.status}.`);
    if (on < issue.closesOn) throw new AppError("invalid_state", `Bond issue ${issue.id} clears at its closing date, ${issue.closesOn}.`);
    const asset = await lockAsset(tx, issue.assetId);
    if (!asset) throw new Error(`invariant violated: bond issue ${issue.id} has no asset`);
    const subscriptions = await subscriptionsOf(tx, issue.id);
    const clearing = clearIssue(
      {
        mode: issue.mode,
        targetMinor: issue.targetMinor,
        minimumMinor: issue.minimumMinor,
        maxRateBps: issue.maxRateBps,
        minSubscriptionMinor: issue.minSubscriptionMinor,
      },
      subscriptions.map((s) => ({ id: s.id, amountMinor: s.amountMinor, bidRateBps: s.bidRateBps })),
    );
    const stored = await storeClearing(tx, issue, clearing, on);
    if (clearing.status === "cleared") {
      const rows = scheduleFor(issue, asset.monthlyRentMinor, clearing.totalMinor, clearing.rateBps);
      await bulkInsert(
        tx,
        bondScheduleRows,
        rows.map((r) => ({ issueId: issue.id, ...r })),
      );
      await bookClearing(tx, issue, clearing.totalMinor, on, deps.clock);
      await moveAsset(tx, asset, "leased", `bond issue ${issue.id} cleared`, actor.id, deps.clock);
    }
    await recordAudit(
      tx,
      { actorUserId: actor.id, action: "bond_issue.clear", entityType: "bond_issue", entityId: issue.id, before: issue, after: stored },
      deps.clock,
    );
    return { issue: stored, clearing };
  });
}
