// Issuing: the next number of the year of issue, the due date, and the ledger entries, all in
// the caller's transaction, so a number is never taken without its invoice nor skipped.
import type { Db } from "../db/client.js";
import { prepared } from "../db/prepared.js";
import { isoNow, today } from "../shared/clock.js";
import { assert } from "../shared/errors.js";
import { postTransaction } from "../ledger/post-transaction.js";
import { FEE_INCOME_ACCOUNT, receivableAccount } from "../ledger/accounts.js";
import { createGrantsForInvoice } from "../grants/create-grants.js";
import { dayNumber, fromDayNumber } from "../fees/compute-fees.js";
import type { InvoicingDeps } from "./invoicing-deps.js";

export function formatInvoiceNumber(prefix: string, year: number, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(6, "0")}`;
}

export function nextInvoiceNumber(db: Db, prefix: string, year: number): string {
  const row = prepared(
    db,
    "insert into invoice_number_sequences (year, last_number) values (?, 1) on conflict (year) do update set last_number = last_number + 1 returning last_number",
  ).get(year) as { last_number: number };
  return formatInvoiceNumber(prefix, year, row.last_number);
}

/** Issues a held or freshly created invoice. Must run inside a transaction. */
export function issueInvoice(
  db: Db,
  invoice: { id: number; organizationId: number; month: string; totalMinor: number; currency: string },
  deps: InvoicingDeps,
): string {
  const issuedOn = today(deps.clock);
  const number = nextInvoiceNumber(db, deps.invoicePrefix, Number(issuedOn.slice(0, 4)));
  const dueOn = fromDayNumber(dayNumber(issuedOn) + deps.paymentTermsDays);
  // A zero total (revenue cap of nothing) is settled at once.
  const status = invoice.totalMinor === 0 ? "paid" : "issued";
  const updated = prepared(db, "update invoices set number = ?, status = ?, issued_on = ?, due_on = ? where id = ?").run(
    number,
    status,
    issuedOn,
    dueOn,
    invoice.id,
  );
  assert(updated.changes === 1, "the invoice being issued exists");
  postTransaction(
    db,
    {
      code: "invoice_issued",
      description: `Invoice ${number}: reciprocity fees ${invoice.month}`,
      invoiceId: invoice.id,
      effectiveOn: issuedOn,
      transfers: [
        {
          debitAccount: receivableAccount(invoice.organizationId),
          creditAccount: FEE_INCOME_ACCOUNT,
          amountMinor: invoice.totalMinor,
          currency: invoice.currency,
        },
      ],
    },
    isoNow(deps.clock),
  );
  if (status === "paid")
    createGrantsForInvoice(db, { id: invoice.id, number, organizationId: invoice.organizationId, month: invoice.month }, deps);
  return number;
}
