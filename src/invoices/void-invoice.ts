// Voiding issues a credit note and reverses the invoice's ledger entries; nothing is edited.
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { creditNotes, invoices, ledgerTransactions, ledgerTransfers } from "../db/schema.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { postTransaction } from "../ledger/post-transaction.js";
import { paidMinor, type Invoice } from "./invoices.queries.js";

export function voidInvoice(db: Db, ref: { id: number }, input: { reason: string; actorUserId: number }, deps: { clock: Clock }): Invoice {
  return inTransaction(db, () => {
    const invoice = db.select().from(invoices).where(eq(invoices.id, ref.id)).get();
    if (!invoice) throw new AppError("not_found", "Invoice was not found.");
    if (invoice.status === "void") throw new AppError("invalid_state", "The invoice is already void.");
    if (paidMinor(db, invoice.id) > 0)
      throw new AppError("invalid_state", "The invoice has payments recorded against it; it cannot be voided.");
    const now = isoNow(deps.clock);
    if (invoice.status !== "held") {
      const originals = db
        .select({ t: ledgerTransfers })
        .from(ledgerTransfers)
        .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerTransfers.transactionId))
        .where(
          and(
            eq(ledgerTransactions.invoiceId, invoice.id),
            eq(ledgerTransactions.code, "invoice_issued"),
            isNull(ledgerTransfers.reversesTransferId),
          ),
        )
        .all()
        .map((r) => r.t);
      postTransaction(
        db,
        {
          code: "invoice_voided",
          description: `Credit note for invoice ${invoice.number}: ${input.reason}`,
          invoiceId: invoice.id,
          effectiveOn: today(deps.clock),
          transfers: originals.map((t) => ({
            debitAccount: t.creditAccount,
            creditAccount: t.debitAccount,
            amountMinor: t.amountMinor,
            currency: t.currency,
            reversesTransferId: t.id,
          })),
        },
        now,
      );
    }
    db.insert(creditNotes)
      .values({
        invoiceId: invoice.id,
        reason: input.reason,
        amountMinor: invoice.status === "held" ? 0 : invoice.totalMinor,
        createdBy: input.actorUserId,
        createdAt: now,
      })
      .run();
    db.update(invoices).set({ status: "void" }).where(eq(invoices.id, invoice.id)).run();
    recordAudit(
      db,
      {
        actorUserId: input.actorUserId,
        action: "invoice.voided",
        entityType: "invoice",
        entityId: invoice.id,
        before: { status: invoice.status },
        after: { status: "void", reason: input.reason },
      },
      deps.clock,
    );
    return { ...invoice, status: "void" };
  });
}
