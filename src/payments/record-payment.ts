// Payments with Idempotency-Key semantics: the same key and body replay the first result, the
// same key with another body is refused, and a payment never exceeds what is outstanding.
//
// Under concurrency (several server processes on one PostgreSQL database) every payment of an
// invoice first locks the invoice's row, then looks its key up, then checks and writes: payments of
// one invoice run one after the other, so a replay sees the first payment and the outstanding amount
// is never read stale. The unique idempotency index settles a key reused across two invoices.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/sql.js";
import { invoices, payments } from "../db/schema.js";
import { isoNow } from "../shared/clock.js";
import { replayOf, requestHashOf } from "../shared/idempotency.js";
import { AppError, assert } from "../shared/errors.js";
import type { Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import { postTransaction } from "../ledger/post-transaction.js";
import { CASH_ACCOUNT, receivableAccount } from "../ledger/accounts.js";
import { draftGrants, insertGrants, type GrantDraft } from "../grants/create-grants.js";
import type { InvoicingDeps } from "../invoices/invoicing-deps.js";
import { invoiceById, lockInvoice, outstandingMinor, type Invoice } from "../invoices/invoices.queries.js";
import { isPayable, statusAfterPayment } from "../invoices/invoice-rules.js";
import { appendFact } from "../books/append-fact.js";
import { splitRentPayment } from "../bonds/waterfall.js";
import { attributePaymentToLines } from "../distribution/attribution.js";
import { checkCashAmount } from "./cash-amount.js";

export interface PaymentInput {
  invoiceId: number;
  amount: Money;
  paidOn: string;
  reference: string;
  idempotencyKey: string;
  actorUserId: number;
}

export type Payment = typeof payments.$inferSelect;

export interface PaymentResult {
  payment: Payment;
  replayed: boolean;
}

export function paymentRequestHash(input: Omit<PaymentInput, "idempotencyKey" | "actorUserId">): string {
  return requestHashOf([input.invoiceId, input.amount.amountMinor, input.amount.currency, input.paidOn, input.reference]);
}

export async function recordPayment(db: Db, input: PaymentInput, deps: InvoicingDeps): Promise<PaymentResult> {
  const requestHash = paymentRequestHash(input);
  const grants = await grantsIfSettled(db, input, deps);
  try {
    return await db.transaction(async (tx) => {
      const invoice = await lockInvoice(tx, input.invoiceId);
      const prior = await paymentByKey(tx, input.idempotencyKey);
      if (prior) return replay(prior, requestHash);
      if (!invoice) throw new AppError("not_found", "Invoice was not found.");
      const outstanding = await outstandingMinor(tx, invoice);
      checkPayment(invoice, input, outstanding);
      const payment = await writePayment(tx, invoice, input, requestHash, outstanding, grants, deps);
      return { payment, replayed: false };
    });
  } catch (error) {
    // The same key, committed meanwhile by a payment of another invoice (whose row we did not lock).
    const prior = isUniqueViolation(error) ? await paymentByKey(db, input.idempotencyKey) : undefined;
    if (prior) return replay(prior, requestHash);
    throw error;
  }
}

async function paymentByKey(db: Db, key: string): Promise<Payment | undefined> {
  const [payment] = await db.select().from(payments).where(eq(payments.idempotencyKey, key)).limit(1);
  return payment;
}

function replay(prior: Payment, requestHash: string): PaymentResult {
  return { payment: replayOf(prior, requestHash), replayed: true };
}

/**
 * The grants the invoice brings when this payment settles it, drafted (read, rendered and signed)
 * before the transaction so that no lock is held meanwhile. Null for a replay or an invoice that is
 * not payable: the transaction will refuse or replay it.
 */
async function grantsIfSettled(db: Db, input: PaymentInput, deps: InvoicingDeps): Promise<GrantDraft[] | null> {
  if (await paymentByKey(db, input.idempotencyKey)) return null;
  const invoice = await invoiceById(db, input.invoiceId);
  if (!invoice || !isPayable(invoice.status)) return null;
  return draftGrants(db, [invoice], deps);
}

function checkPayment(invoice: Invoice, input: PaymentInput, outstanding: number): void {
  if (!isPayable(invoice.status))
    throw new AppError("invalid_state", `The invoice is ${invoice.status}; payments are recorded against issued invoices.`);
  checkCashAmount(invoice, input.amount, {
    noun: "payment",
    limitMinor: outstanding,
    code: "overpayment",
    exceeds: (limit) => `The payment exceeds the outstanding ${limit}.`,
  });
}

async function writePayment(
  tx: Db,
  invoice: Invoice,
  input: PaymentInput,
  requestHash: string,
  outstanding: number,
  grants: GrantDraft[] | null,
  deps: InvoicingDeps,
): Promise<Payment> {
  const now = isoNow(deps.clock);
  const [payment] = await tx
    .insert(payments)
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
  assert(payment, "the payment was inserted");
  await logPayment(tx, invoice, payment, now);
  await postTransaction(
    tx,
    {
      code: "payment_received",
      description: `Payment ${input.reference} for invoice ${invoice.number}`,
      invoiceId: invoice.id,
      paymentId: payment.id,
      effectiveOn: input.paidOn,
      transfers: [
        {
          debitAccount: CASH_ACCOUNT,
          creditAccount: receivableAccount(invoice.organizationId),
          amountMinor: payment.amountMinor,
          currency: invoice.currency,
        },
      ],
    },
    now,
  );
  // The payment's share of each line, in this transaction (PRODUCT.md §11.2).
  await attributePaymentToLines(tx, payment, now);
  // A rent payment's waterfall to the bond holders, in this transaction (PRODUCT.md §14).
  await splitRentPayment(tx, payment, deps.clock);
  const status = statusAfterPayment(payment.amountMinor, outstanding);
  await tx.update(invoices).set({ status }).where(eq(invoices.id, invoice.id));
  // Issued meanwhile (it was not payable when the grants were drafted): drafted here, a rare case.
  if (status === "paid") await insertGrants(tx, grants ?? (await draftGrants(tx, [invoice], deps)));
  await recordAudit(
    tx,
    {
      actorUserId: input.actorUserId,
      action: "payment.recorded",
      entityType: "invoice",
      entityId: invoice.id,
      before: { status: invoice.status },
      after: { status, paymentId: payment.id, amountMinor: payment.amountMinor },
    },
    deps.clock,
  );
  return payment;
}

/** The payment's fact in the transparency log, in its transaction. */
async function logPayment(tx: Db, invoice: Invoice, payment: Payment, now: string): Promise<void> {
  await appendFact(
    tx,
    "payment_recorded",
    {
      paymentId: payment.id,
      invoiceId: invoice.id,
      number: invoice.number ?? "",
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      paidOn: payment.paidOn,
      reference: payment.reference,
    },
    now,
  );
}
