// Refunds: paying back what a void invoice had been paid. The same Idempotency-Key semantics as
// payments (the same key and body replay the first refund, the same key with another body is refused),
// the invoice's row locked from the read of what is due to the commit, and never more than is due.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/sql.js";
import { refunds } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { replayOf, requestHashOf } from "../shared/idempotency.js";
import { AppError, assert } from "../shared/errors.js";
import type { Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import { postTransaction } from "../ledger/post-transaction.js";
import { CASH_ACCOUNT, refundAccount } from "../ledger/accounts.js";
import { checkCashAmount } from "./cash-amount.js";
import { attributeRefundToLines } from "../distribution/attribution.js";
import { logRefund } from "../books/facts.js";
import { lockInvoice, paidMinor, refundDueOf, refundedMinor, type Invoice } from "../invoices/invoices.queries.js";

export interface RefundInput {
  invoiceId: number;
  amount: Money;
  paidOn: string;
  reference: string;
  idempotencyKey: string;
  actorUserId: number;
}

export type Refund = typeof refunds.$inferSelect;

function refundRequestHash(input: RefundInput): string {
  return requestHashOf([input.invoiceId, input.amount.amountMinor, input.amount.currency, input.paidOn, input.reference]);
}

export async function recordRefund(db: Db, input: RefundInput, deps: { clock: Clock }): Promise<{ refund: Refund; replayed: boolean }> {
  const requestHash = refundRequestHash(input);
  try {
    return await db.transaction(async (tx) => {
      const invoice = await lockInvoice(tx, input.invoiceId);
      const prior = await refundByKey(tx, input.idempotencyKey);
      if (prior) return replay(prior, requestHash);
      if (!invoice) throw new AppError("not_found", "Invoice was not found.");
      const due = refundDueOf(invoice, await paidMinor(tx, invoice.id), await refundedMinor(tx, invoice.id));
      checkRefund(invoice, input, due);
      return { refund: await writeRefund(tx, invoice, input, requestHash, deps), replayed: false };
    });
  } catch (error) {
    // The same key, committed meanwhile by a refund of another invoice (whose row we did not lock).
    const prior = isUniqueViolation(error) ? await refundByKey(db, input.idempotencyKey) : undefined;
    if (prior) return replay(prior, requestHash);
    throw error;
  }
}

async function refundByKey(db: Db, key: string): Promise<Refund | undefined> {
  const [refund] = await db.select().from(refunds).where(eq(refunds.idempotencyKey, key)).limit(1);
  return refund;
}

function replay(prior: Refund, requestHash: string): { refund: Refund; replayed: boolean } {
  return { refund: replayOf(prior, requestHash), replayed: true };
}

function checkRefund(invoice: Invoice, input: RefundInput, dueMinor: number): void {
  if (invoice.status !== "void")
    throw new AppError("invalid_state", `The invoice is ${invoice.status}; refunds are paid out of void invoices.`);
  checkCashAmount(invoice, input.amount, {
    noun: "refund",
    limitMinor: dueMinor,
    code: "refund_exceeds_due",
    exceeds: (limit) => `The refund exceeds the ${limit} due back.`,
  });
}

async function writeRefund(tx: Db, invoice: Invoice, input: RefundInput, requestHash: string, deps: { clock: Clock }): Promise<Refund> {
  const now = isoNow(deps.clock);
  const [refund] = await tx
    .insert(refunds)
    .values({
      invoiceId: invoice.id,
      amountMinor: input.amount.amountMinor,
      currency: invoice.currency,
      paidOn: input.paidOn,
      reference: input.reference,
      idempotencyKey: input.idempotencyKey,
      requestHash,
      recordedBy: input.actorUserId,
      createdAt: now,
    })
    .returning();
  assert(refund, "the refund was inserted");
  await attributeRefundToLines(tx, refund, now);
  await postTransaction(
    tx,
    {
      code: "refund_paid",
      description: `Refund ${input.reference} for void invoice ${invoice.number}`,
      invoiceId: invoice.id,
      refundId: refund.id,
      effectiveOn: input.paidOn,
      transfers: [
        {
          debitAccount: refundAccount(invoice.organizationId),
          creditAccount: CASH_ACCOUNT,
          amountMinor: refund.amountMinor,
          currency: invoice.currency,
        },
      ],
    },
    now,
  );
  await logRefund(tx, { ...refund, number: invoice.number ?? "" }, now);
  await recordAudit(
    tx,
    {
      actorUserId: input.actorUserId,
      action: "refund.recorded",
      entityType: "invoice",
      entityId: invoice.id,
      before: { status: invoice.status },
      after: { refundId: refund.id, amountMinor: refund.amountMinor },
    },
    deps.clock,
  );
  return refund;
}
