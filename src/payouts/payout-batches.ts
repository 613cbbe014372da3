// Payout batches (PRODUCT.md §11.7): a batch pays every payable of at least the organization's minimum
// whose payee details are complete, one payout per organization. Nothing is booked when the batch is made:
// payables are settled (debit payable, credit cash) only when the bank confirms, and restored when a
// payout comes back returned. Batches lock the organizations they pay, so two at once never pay twice.
import { randomBytes } from "node:crypto";
import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { bulkInsert } from "../db/bulk-insert.js";
import { lockForUpdate, queryRows } from "../db/sql.js";
import { organizations, payoutBatches, payouts } from "../db/schema.js";
import type { Actor } from "../shared/actor.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { AppError, assert } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { logPayoutBatch, logPayoutReturned } from "../books/facts.js";
import { inParts, postTransaction, postTransactions } from "../ledger/post-transaction.js";
import { CASH_ACCOUNT, payableAccount } from "../ledger/accounts.js";
import { policyOn } from "../distribution/policies.js";
import { payables } from "./payables.js";
import { payeesOf } from "./payee.js";
import { renderPain001 } from "./pain001.js";

export type PayoutBatch = typeof payoutBatches.$inferSelect;
export type Payout = typeof payouts.$inferSelect;

/** What each organization would be paid now: its payable less what is in flight, if payee and minimum allow. */
async function duePayouts(db: Db, currency: string, policyMinimumMinor: number) {
  const open = (await payables(db)).filter((p) => p.currency === currency && p.balanceMinor - p.pendingMinor > 0);
  const payees = await payeesOf(
    db,
    open.map((p) => p.organizationId),
  );
  return open.flatMap((p) => {
    const payee = payees.get(p.organizationId);
    const amountMinor = p.balanceMinor - p.pendingMinor;
    if (!payee || amountMinor < (payee.minimumPayoutMinor ?? policyMinimumMinor)) return [];
    return [{ organizationId: p.organizationId, amountMinor, payee }];
  });
}

export async function createPayoutBatch(db: Db, actor: Actor, input: { executionDate: string }, deps: { clock: Clock }): Promise<number> {
  if (input.executionDate < today(deps.clock))
    throw new AppError("validation_failed", "The execution date is in the past.", {
      errors: [{ path: "/executionDate", message: "must be today or later" }],
    });
  const policy = await policyOn(db, today(deps.clock));
  const candidates = await duePayouts(db, policy.currency, policy.minimumPayoutMinor);
  if (candidates.length === 0)
    throw new AppError("invalid_state", "No payable is due: none reaches its minimum with complete payee details.");
  return db.transaction(async (tx) => {
    // Lock the organizations in id order, then read again: a concurrent batch committed meanwhile is seen.
    const ids = candidates.map((c) => c.organizationId).sort((a, b) => a - b);
    await queryRows(tx, sql`select id from organizations where ${inArray(organizations.id, ids)} order by id${lockForUpdate(tx)}`);
    const due = (await duePayouts(tx, policy.currency, policy.minimumPayoutMinor)).filter((d) => ids.includes(d.organizationId));
    if (due.length === 0) throw new AppError("invalid_state", "No payable is due any more: another batch took them.");
    const now = isoNow(deps.clock);
    const totalMinor = due.reduce((s, d) => s + d.amountMinor, 0);
    const messageId = `RCP-PB-${now.slice(0, 10).replace(/-/g, "")}-${randomBytes(6).toString("hex").toUpperCase()}`;
    const [batch] = await tx
      .insert(payoutBatches)
      .values({
        executionDate: input.executionDate,
        currency: policy.currency,
        status: "created",
        messageId,
        totalMinor,
        createdBy: actor.id,
        createdAt: now,
      })
      .returning({ id: payoutBatches.id });
    assert(batch, "the batch was inserted");
    await bulkInsert(
      tx,
      payouts,
      due.map((d) => ({
        batchId: batch.id,
        organizationId: d.organizationId,
        amountMinor: d.amountMinor,
        currency: policy.currency,
        endToEndId: `RCP-PO-${batch.id}-${d.organizationId}`,
        legalName: d.payee.legalName,
        country: d.payee.country,
        iban: d.payee.iban,
        status: "pending" as const,
      })),
    );
    await logPayoutBatch(
      tx,
      "payout_batch_created",
      { id: batch.id, messageId, executionDate: input.executionDate, currency: policy.currency },
      due,
      {},
      now,
    );
    await recordAudit(
      tx,
      {
        actorUserId: actor.id,
        action: "payout_batch.created",
        entityType: "payout_batch",
        entityId: batch.id,
        after: { totalMinor, payouts: due.length },
      },
      deps.clock,
    );
    return batch.id;
  });
}

export async function getBatch(db: Db, id: number): Promise<{ batch: PayoutBatch; payouts: Payout[] }> {
  const [batch] = await db.select().from(payoutBatches).where(eq(payoutBatches.id, id)).limit(1);
  if (!batch) throw new AppError("not_found", "Payout batch was not found.");
  return { batch, payouts: await db.select().from(payouts).where(eq(payouts.batchId, id)).orderBy(asc(payouts.organizationId)) };
}

/** The bank executed the batch: its pending payouts settle their payables. Idempotent. */
/** Returns the payouts this call confirmed (none when the batch was confirmed before), for the mails after commit. */
export async function confirmPayoutBatch(db: Db, actor: Actor, batchId: number, deps: { clock: Clock }): Promise<Payout[]> {
  return db.transaction(async (tx) => {
    const locked = await queryRows(tx, sql`select id from payout_batches where id = ${batchId}${lockForUpdate(tx)}`);
    if (locked.length === 0) throw new AppError("not_found", "Payout batch was not found.");
    const { batch, payouts: rows } = await getBatch(tx, batchId);
    if (batch.status === "confirmed") return [];
    const pending = rows.filter((p) => p.status === "pending");
    const transfers = pending.map((p) => ({
      debitAccount: payableAccount(p.organizationId),
      creditAccount: CASH_ACCOUNT,
      amountMinor: p.amountMinor,
      currency: p.currency,
    }));
    const ids = await postTransactions(
      tx,
      inParts(transfers).map((part, i, parts) => ({
        code: "payout_confirmed",
        description: `Payout batch ${batch.messageId} confirmed by the bank${parts.length > 1 ? ` (part ${i + 1} of ${parts.length})` : ""}`,
        effectiveOn: today(deps.clock),
        transfers: part,
      })),
      isoNow(deps.clock),
    );
    const transactionId = ids.reduce<number | null>((last, id) => (id === null ? last : Math.max(last ?? 0, id)), null);
    await tx
      .update(payouts)
      .set({ status: "confirmed" })
      .where(and(eq(payouts.batchId, batchId), eq(payouts.status, "pending")));
    await tx
      .update(payoutBatches)
      .set({ status: "confirmed", confirmedAt: isoNow(deps.clock), confirmedTransactionId: transactionId })
      .where(eq(payoutBatches.id, batchId));
    await logPayoutBatch(tx, "payout_batch_confirmed", batch, pending, { ledgerEntryId: transactionId }, isoNow(deps.clock));
    await recordAudit(
      tx,
      {
        actorUserId: actor.id,
        action: "payout_batch.confirmed",
        entityType: "payout_batch",
        entityId: batchId,
        after: { payouts: pending.length, transactionId },
      },
      deps.clock,
    );
    return pending;
  });
}

/** The bank returned a payout: a confirmed one restores its payable (a reversing entry); a pending one is simply not paid. */
export async function returnPayout(
  db: Db,
  actor: Actor,
  payoutId: number,
  input: { reason: string },
  deps: { clock: Clock },
): Promise<Payout> {
  return db.transaction(async (tx) => {
    const locked = await queryRows(tx, sql`select id from payouts where id = ${payoutId}${lockForUpdate(tx)}`);
    if (locked.length === 0) throw new AppError("not_found", "Payout was not found.");
    const [payout] = await tx.select().from(payouts).where(eq(payouts.id, payoutId)).limit(1);
    assert(payout, "the locked payout exists");
    if (payout.status === "returned") return payout;
    const transactionId =
      payout.status === "confirmed"
        ? await postTransaction(
            tx,
            {
              code: "payout_returned",
              description: `Payout ${payout.endToEndId} returned: ${input.reason}`,
              effectiveOn: today(deps.clock),
              transfers: [
                {
                  debitAccount: CASH_ACCOUNT,
                  creditAccount: payableAccount(payout.organizationId),
                  amountMinor: payout.amountMinor,
                  currency: payout.currency,
                },
              ],
            },
            isoNow(deps.clock),
          )
        : null;
    const [updated] = await tx
      .update(payouts)
      .set({ status: "returned", returnedAt: isoNow(deps.clock), returnReason: input.reason, returnedTransactionId: transactionId })
      .where(eq(payouts.id, payoutId))
      .returning();
    await logPayoutReturned(
      tx,
      payout,
      { statusBefore: payout.status, reason: input.reason, ledgerEntryId: transactionId },
      isoNow(deps.clock),
    );
    await recordAudit(
      tx,
      {
        actorUserId: actor.id,
        action: "payout.returned",
        entityType: "payout",
        entityId: payoutId,
        before: { status: payout.status },
        after: { status: "returned", reason: input.reason },
      },
      deps.clock,
    );
    return updated!;
  });
}

/** Batches, newest first, before the cursor's id when given. */
export async function listBatches(db: Db, limit: number, beforeId?: number): Promise<PayoutBatch[]> {
  return db
    .select()
    .from(payoutBatches)
    .where(beforeId === undefined ? undefined : lt(payoutBatches.id, beforeId))
    .orderBy(desc(payoutBatches.id))
    .limit(limit);
}

/** The batch's pain.001.001.03 file, from the fund's own account (`SELLER_NAME`, `SELLER_IBAN`). */
export async function batchTransferFile(db: Db, batchId: number, debtor: { name: string; iban: string | undefined }) {
  if (!debtor.iban) throw new AppError("invalid_state", "SELLER_IBAN is not configured: the transfer file needs the fund's own account.");
  const { batch, payouts: rows } = await getBatch(db, batchId);
  const xml = renderPain001({
    messageId: batch.messageId,
    createdAt: batch.createdAt,
    executionDate: batch.executionDate,
    currency: batch.currency,
    debtor: { name: debtor.name, iban: debtor.iban },
    payouts: rows.map((p) => ({
      endToEndId: p.endToEndId,
      amountMinor: p.amountMinor,
      legalName: p.legalName,
      country: p.country,
      iban: p.iban,
      remittance: `Reciprocity distribution, payout ${p.endToEndId}`,
    })),
  });
  return { fileName: `${batch.messageId}.xml`, xml };
}
