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

/**
 * Hands out the numbers of one year inside one transaction: reads the sequence once, writes it
 * back once (`flush`, before the transaction commits). A rollback takes the numbers back too.
 */
export class InvoiceNumberer {
  private last: number;
  private readonly initial: number;
  constructor(
    private readonly db: Db,
    private readonly prefix: string,
    readonly year: number,
  ) {
    const row = prepared(db, "select last_number from invoice_number_sequences where year = ?").get(year) as
      { last_number: number } | undefined;
    this.initial = this.last = row?.last_number ?? 0;
  }
  next(): string {
    this.last += 1;
    return formatInvoiceNumber(this.prefix, this.year, this.last);
  }
  flush(): void {
    if (this.last === this.initial) return;
    prepared(
      this.db,
      "insert into invoice_number_sequences (year, last_number) values (?, ?) on conflict (year) do update set last_number = excluded.last_number",
    ).run(this.year, this.last);
  }
}

export interface IssueTerms {
  issuedOn: string;
  dueOn: string;
  year: number;
}

export function issueTerms(deps: InvoicingDeps): IssueTerms {
  const issuedOn = today(deps.clock);
  return { issuedOn, dueOn: fromDayNumber(dayNumber(issuedOn) + deps.paymentTermsDays), year: Number(issuedOn.slice(0, 4)) };
}

/** A zero total (a revenue cap of nothing) is settled at once. */
export const issuedStatus = (totalMinor: number): "paid" | "issued" => (totalMinor === 0 ? "paid" : "issued");

export interface IssuableInvoice {
  id: number;
  organizationId: number;
  month: string;
  totalMinor: number;
  currency: string;
}

/** The ledger side of issuing (and the grants of a zero invoice). Inside the caller's transaction. */
export function recordIssue(db: Db, invoice: IssuableInvoice, number: string, issuedOn: string, deps: InvoicingDeps): void {
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
  if (invoice.totalMinor === 0)
    createGrantsForInvoice(db, { id: invoice.id, number, organizationId: invoice.organizationId, month: invoice.month }, deps);
}

/** Issues a held invoice. Must run inside a transaction. */
export function issueInvoice(db: Db, invoice: IssuableInvoice, deps: InvoicingDeps): string {
  const terms = issueTerms(deps);
  const numberer = new InvoiceNumberer(db, deps.invoicePrefix, terms.year);
  const number = numberer.next();
  const updated = prepared(
    db,
    "update invoices set number = ?, status = ?, issued_on = ?, due_on = ? where id = ? and status = 'held'",
  ).run(number, issuedStatus(invoice.totalMinor), terms.issuedOn, terms.dueOn, invoice.id);
  assert(updated.changes === 1, "the invoice being issued exists and is held");
  numberer.flush();
  recordIssue(db, invoice, number, terms.issuedOn, deps);
  return number;
}
