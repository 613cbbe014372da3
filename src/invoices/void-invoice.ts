// Voiding issues a credit note and reverses the invoice's ledger entries; nothing is edited. What the
// buyer had paid becomes a refund due (the liability `refund:{organizationId}`) until refunds pay it
// out, and the grants the invoice brought are revoked.
// The invoice's row is locked first: a payment of the invoice (which locks it too) either committed
// before, and is part of the refund due, or waits and finds the invoice void.
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { creditNotes, grants, invoiceLines, invoices, ledgerTransactions, ledgerTransfers } from "../db/schema.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { postTransaction } from "../ledger/post-transaction.js";
import { receivableAccount, refundAccount } from "../ledger/accounts.js";
import { appendFact } from "../books/append-fact.js";
import { withoutAbsent } from "../books/canonical.js";
import { logGrantsRevoked } from "../books/facts.js";
import { lockInvoice, paidMinor, type Invoice } from "./invoices.queries.js";

export async function voidInvoice(
  db: Db,
  ref: { id: number },
  input: { reason: string; actorUserId: number },
  deps: { clock: Clock },
): Promise<Invoice> {
  return db.transaction(async (tx) => {
    const invoice = await lockInvoice(tx, ref.id);
    if (!invoice) throw new AppError("not_found", "Invoice was not found.");
    if (invoice.status === "void") throw new AppError("invalid_state", "The invoice is already void.");
    const [rent] = await tx
      .select({ id: invoiceLines.id })
      .from(invoiceLines)
      .where(and(eq(invoiceLines.invoiceId, invoice.id), eq(invoiceLines.kind, "rent")))
      .limit(1);
    // Its payments went to the bond holders (PRODUCT.md §14): a rent invoice is corrected by the next month's rent.
    if (rent) throw new AppError("invalid_state", "A rent invoice is not voided.");
    const paid = await paidMinor(tx, invoice.id);
    const at = { now: isoNow(deps.clock), today: today(deps.clock) };
    if (invoice.status !== "held") await reverseIssue(tx, invoice, { reason: input.reason, paidMinor: paid }, at);
    await tx.insert(creditNotes).values({
      invoiceId: invoice.id,
      reason: input.reason,
      amountMinor: invoice.status === "held" ? 0 : invoice.totalMinor,
      createdBy: input.actorUserId,
      createdAt: at.now,
    });
    await tx.update(invoices).set({ status: "void" }).where(eq(invoices.id, invoice.id));
    const revoked = await tx
      .update(grants)
      .set({ revokedOn: at.today })
      .where(and(eq(grants.invoiceId, invoice.id), isNull(grants.revokedOn)))
      .returning({ id: grants.id });
    const creditedMinor = invoice.status === "held" ? 0 : invoice.totalMinor;
    await appendFact(
      tx,
      "invoice_voided",
      withoutAbsent({
        invoiceId: invoice.id,
        number: invoice.number,
        creditNoteAmountMinor: creditedMinor,
        currency: invoice.currency,
        reason: input.reason,
      }),
      at.now,
    );
    await logGrantsRevoked(
      tx,
      invoice.id,
      revoked.map((g) => g.id),
      at.today,
      at.now,
    );
    await recordAudit(
      tx,
      {
        actorUserId: input.actorUserId,
        action: "invoice.voided",
        entityType: "invoice",
        entityId: invoice.id,
        before: { status: invoice.status, paidMinor: paid },
        after: { status: "void", reason: input.reason, refundDueMinor: paid, grantsRevoked: revoked.length },
      },
      deps.clock,
    );
    return { ...invoice, status: "void" };
  });
}

/**
 * Posts the mirror of every transfer the invoice's issue made and, when the buyer had paid, moves
 * what it paid from its receivable to the refund due, in one ledger entry.
 */
async function reverseIssue(
  tx: Db,
  invoice: Invoice,
  input: { reason: string; paidMinor: number },
  at: { now: string; today: string },
): Promise<void> {
  const originals = await tx
    .select({ t: ledgerTransfers })
    .from(ledgerTransfers)
    .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerTransfers.transactionId))
    .where(
      and(
        eq(ledgerTransactions.invoiceId, invoice.id),
        eq(ledgerTransactions.code, "invoice_issued"),
        isNull(ledgerTransfers.reversesTransferId),
      ),
    );
  await postTransaction(
    tx,
    {
      code: "invoice_voided",
      description: `Credit note for invoice ${invoice.number}: ${input.reason}`,
      invoiceId: invoice.id,
      effectiveOn: at.today,
      transfers: [
        ...originals.map(({ t }) => ({
          debitAccount: t.creditAccount,
          creditAccount: t.debitAccount,
          amountMinor: t.amountMinor,
          currency: t.currency,
          reversesTransferId: t.id,
        })),
        {
          debitAccount: receivableAccount(invoice.organizationId),
          creditAccount: refundAccount(invoice.organizationId),
          amountMinor: input.paidMinor,
          currency: invoice.currency,
        },
      ],
    },
    at.now,
  );
}
