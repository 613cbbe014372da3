// Approving a draft books its allocations in the ledger (PRODUCT.md §11.7): each organization's share
// becomes a payable (`payable:{organizationId}`, a liability) against the bucket's expense account; what
// stays with the commune (the reserve, a fixed bucket naming no payee) goes to `equity:reserve`. The run's
// row is locked first, so two approvals book once; a second approval finds the run approved. Each payee's
// statement of the month is issued in the same transaction.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { lockForUpdate, queryRows, toInt } from "../db/sql.js";
import { distributionAllocations, distributionRuns } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { AppError, assert } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { logDistributionRunApproved } from "../books/facts.js";
import { inParts, postTransactions, type TransferInput } from "../ledger/post-transaction.js";
import { issueStatements } from "../payouts/statements.js";
import { distributionExpenseAccount, payableAccount, RESERVE_ACCOUNT } from "../ledger/accounts.js";

export async function approveDistributionRun(db: Db, actor: Actor, runId: number, deps: { clock: Clock }): Promise<void> {
  await db.transaction(async (tx) => {
    const locked = await queryRows(tx, sql`select id from distribution_runs where id = ${runId}${lockForUpdate(tx)}`);
    if (locked.length === 0) throw new AppError("not_found", "Distribution run was not found.");
    const [run] = await tx.select().from(distributionRuns).where(eq(distributionRuns.id, runId)).limit(1);
    assert(run, "the locked run exists");
    if (run.status === "approved") return;
    const allocations = await allocationsToBook(tx, runId);
    const transfers = payableTransfers(allocations, run.currency);
    const ids = await postTransactions(
      tx,
      inParts(transfers).map((part, i, parts) => ({
        code: "distribution_approved",
        description: `Distribution run ${run.month}: allocations booked as payables${parts.length > 1 ? ` (part ${i + 1} of ${parts.length})` : ""}`,
        effectiveOn: today(deps.clock),
        transfers: part,
      })),
      isoNow(deps.clock),
    );
    const transactionId = ids.reduce<number | null>((last, id) => (id === null ? last : Math.max(last ?? 0, id)), null);
    // Each organization allocated to gets the month's statement, numbered in this transaction.
    if (transactionId !== null) await issueStatements(tx, run, allocations, transactionId, isoNow(deps.clock));
    await tx
      .update(distributionRuns)
      .set({ status: "approved", approvedBy: actor.id, approvedAt: isoNow(deps.clock), approvedTransactionId: transactionId })
      .where(eq(distributionRuns.id, runId));
    await logDistributionRunApproved(
      tx,
      { id: runId, month: run.month, ledgerEntryId: transactionId, approvedBy: actor.id },
      isoNow(deps.clock),
    );
    await recordAudit(
      tx,
      {
        actorUserId: actor.id,
        action: "distribution_run.approved",
        entityType: "distribution_run",
        entityId: runId,
        before: { status: "draft" },
        after: { status: "approved", transactionId },
      },
      deps.clock,
    );
  });
}

/**
 * Only what the booking and the statements need, summed by the database: a run has an allocation per
 * payee and work (thousands of rows), its booking one sum per bucket and payee, in the order of each
 * sum's first allocation (the order `payableTransfers` books them in).
 */
async function allocationsToBook(tx: Db, runId: number): Promise<AllocationToBook[]> {
  const rows = await queryRows<{ bucket_key: string; organization_id: unknown; amount_minor: unknown }>(
    tx,
    sql`select bucket_key, organization_id, sum(amount_minor) as amount_minor from distribution_allocations where run_id = ${runId}
        group by bucket_key, organization_id order by min(position)`,
  );
  return rows.map((r) => ({
    bucketKey: r.bucket_key,
    organizationId: r.organization_id === null ? null : toInt(r.organization_id),
    amountMinor: toInt(r.amount_minor),
  }));
}

type AllocationToBook = Pick<typeof distributionAllocations.$inferSelect, "bucketKey" | "organizationId" | "amountMinor">;

/** One transfer per bucket and receiving account: an organization's several works in a bucket add up. */
export function payableTransfers(allocations: readonly AllocationToBook[], currency: string): TransferInput[] {
  const sums = new Map<string, TransferInput>();
  for (const a of allocations) {
    const debitAccount = distributionExpenseAccount(a.bucketKey);
    const creditAccount = a.organizationId === null ? RESERVE_ACCOUNT : payableAccount(a.organizationId);
    const key = `${debitAccount}\u0000${creditAccount}`;
    const t = sums.get(key) ?? { debitAccount, creditAccount, amountMinor: 0, currency };
    t.amountMinor += a.amountMinor;
    sums.set(key, t);
  }
  return [...sums.values()];
}
