// Payments with Idempotency-Key semantics: the same key and body replay the first result, the
// same key with another body is refused, and a payment never exceeds what is outstanding.
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { invoices, payments } from "../db/schema.js";
import { isoNow } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { formatMoney, type Money } from "../shared/money.js";
import { recordAudit } from "../audit/record-audit.js";
import { postTransaction } from "../ledger/post-transaction.js";
import { CASH_ACCOUNT, receivableAccount } from "../ledger/accounts.js";
import { createGrantsForInvoice } from "../grants/create-grants.js";
import type { InvoicingDeps } from "../invoices/invoicing-deps.js";
import { outstandingMinor } from "../invoices/invoices.queries.js";

export interface PaymentInput {
  invoiceId: number;
  amount: Money;
  paidOn: string;
  reference: string;
  idempotencyKey: string;
  actorUserId: number;
}

export type Payment = typeof payments.$inferSelect;

export function paymentRequestHash(input: Omit<PaymentInput, "idempotencyKey" | "actorUserId">): string {
  const canonical = JSON.stringify([input.invoiceId, input.amount.amountMinor, input.amount.currency, input.paidOn, input.reference]);
  return createHash("sha256").update(canonical).digest("hex");
}

export function recordPayment(db: Db, input: PaymentInput, deps: InvoicingDeps): { payment: Payment; replayed: boolean } {
  const requestHash = paymentRequestHash(input);
  return inTransaction(db, () => {
    const prior = db.select().from(payments).where(eq(payments.idempotencyKey, input.idempotencyKey)).get();
    if (prior) {
      if (prior.requestHash !== requestHash)
        throw new AppError("idempotency_conflict", "This Idempotency-Key was used with a different request.");
      return { payment: prior, replayed: true };
    }
    const invoice = db.select().from(invoices).where(eq(invoices.id, input.invoiceId)).get();
    if (!invoice) throw new AppError("not_found", "Invoice was not found.");
    if (invoice.status !== "issued" && invoice.status !== "partially_paid")
      throw new AppError("invalid_state", `The invoice is ${invoice.status}; payments are recorded against issued invoices.`);
    if (input.amount.currency !== invoice.currency) {
      throw new AppError("validation_failed", `The invoice is in ${invoice.currency}.`, {
        errors: [{ path: "/amount/currency", message: `must be ${invoice.currency}` }],
      });
    }
    const outstanding = outstandingMinor(db, invoice);
    if (input.amount.amountMinor > outstanding) {
      throw new AppError("overpayment", `The payment exceeds the outstanding ${formatMoney(outstanding, invoice.currency)}.`, {
        errors: [{ path: "/amount", message: `must not exceed ${formatMoney(outstanding, invoice.currency)}` }],
      });
    }
    if (input.amount.amountMinor <= 0)
      throw new AppError("validation_failed", "A payment must be positive.", {
        errors: [{ path: "/amount", message: "must be positive" }],
      });
    const now = isoNow(deps.clock);
    const payment = db
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
      .returning()
      .get();
    postTransaction(
      db,
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
    const fullyPaid = payment.amountMinor === outstanding;
    const status = fullyPaid ? "paid" : "partially_paid";
    db.update(invoices).set({ status }).where(eq(invoices.id, invoice.id)).run();
    if (fullyPaid) createGrantsForInvoice(db, invoice, deps);
    recordAudit(
      db,
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
    return { payment, replayed: false };
  });
}
