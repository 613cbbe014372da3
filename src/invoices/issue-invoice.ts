// Issuing: the next number of the year of issue, the due date, and the ledger entries, all in
// the caller's transaction, so a number is never taken without its invoice nor skipped.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { lockForUpdate, queryRows, toInt } from "../db/sql.js";
import { invoiceNumberSequences, invoices } from "../db/schema.js";
import { isoNow, today } from "../shared/clock.js";
import { assert } from "../shared/errors.js";
import { postTransactions } from "../ledger/post-transaction.js";
import { FEE_INCOME_ACCOUNT, receivableAccount, rentIncomeAccount } from "../ledger/accounts.js";
import { createGrantsForInvoices } from "../grants/create-grants.js";
import { dayNumber, fromDayNumber } from "../fees/compute-fees.js";
import { fixLineNets } from "../distribution/attribution.js";
import { formatInvoiceNumber, issuedStatus } from "./invoice-rules.js";
import type { InvoicingDeps } from "./invoicing-deps.js";
import { appendFacts } from "../books/append-fact.js";

/**
 * Hands out the numbers of one year inside one transaction. `open` locks the year's row of
 * `invoice_number_sequences` until the transaction ends, so one transaction at a time numbers
 * invoices (on every process); `flush` writes the last number back before the commit. A rollback
 * takes the numbers back too: no gap, never a SEQUENCE (which does not roll back).
 */
export class InvoiceNumberer {
  private readonly initial: number;

  private constructor(
    private readonly tx: Db,
    private readonly prefix: string,
    readonly year: number,
    private last: number,
  ) {
    this.initial = last;
  }

  static async open(tx: Db, prefix: string, year: number): Promise<InvoiceNumberer> {
    // The year's first invoice creates its row; a concurrent creator waits for it, then does nothing.
    await tx.insert(invoiceNumberSequences).values({ year, lastNumber: 0 }).onConflictDoNothing();
    const [row] = await queryRows<{ last_number: unknown }>(
      tx,
      sql`select last_number from invoice_number_sequences where year = ${year}${lockForUpdate(tx)}`,
    );
    assert(row, "the year's sequence row exists");
    return new InvoiceNumberer(tx, prefix, year, toInt(row.last_number));
  }

  next(): string {
    this.last += 1;
    return formatInvoiceNumber(this.prefix, this.year, this.last);
  }

  async flush(): Promise<void> {
    if (this.last === this.initial) return;
    await this.tx.update(invoiceNumberSequences).set({ lastNumber: this.last }).where(eq(invoiceNumberSequences.year, this.year));
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

export interface IssuableInvoice {
  id: number;
  organizationId: number;
  month: string;
  totalMinor: number;
  currency: string;
  /** Rent lines (PRODUCT.md §14): their amounts are the asset's rent income, the rest fee income. */
  rentLines?: readonly { assetId: number; amountMinor: number }[];
}

export interface IssuedInvoice extends IssuableInvoice {
  number: string;
}

/**
 * The ledger side of issuing invoices (and the grants of zero invoices), in the caller's transaction:
 * one ledger transaction per invoice with something to receive, written together.
 */
export async function recordIssues(tx: Db, issued: IssuedInvoice[], issuedOn: string, deps: InvoicingDeps): Promise<void> {
  await appendFacts(
    tx,
    issued.map((invoice) => ({
      kind: "invoice_issued" as const,
      payload: {
        invoiceId: invoice.id,
        number: invoice.number,
        organizationId: invoice.organizationId,
        month: invoice.month,
        totalMinor: invoice.totalMinor,
        currency: invoice.currency,
        issuedOn,
      },
    })),
    isoNow(deps.clock),
  );
  await postTransactions(
    tx,
    issued.map((invoice) => ({
      code: "invoice_issued",
      description: `Invoice ${invoice.number}: ${invoice.rentLines?.length ? "rent" : "reciprocity fees"} ${invoice.month}`,
      invoiceId: invoice.id,
      effectiveOn: issuedOn,
      transfers: issueTransfers(invoice),
    })),
    isoNow(deps.clock),
  );
  // What each fee line nets after the revenue cap is fixed now, once (PRODUCT.md §11.1).
  await fixLineNets(
    tx,
    issued.map((invoice) => invoice.id),
    isoNow(deps.clock),
  );
  // A zero invoice is paid as it is issued, so its grants come with it. Their documents name the
  // number, which exists only from here on: they are rendered in this transaction (zero invoices are rare).
  await createGrantsForInvoices(
    tx,
    issued.filter((invoice) => invoice.totalMinor === 0),
    deps,
  );
}

/** Receivable against fee income, and against each rent line's asset's rent income. */
function issueTransfers(invoice: IssuedInvoice) {
  const rent = invoice.rentLines ?? [];
  const receivable = receivableAccount(invoice.organizationId);
  return [
    {
      debitAccount: receivable,
      creditAccount: FEE_INCOME_ACCOUNT,
      amountMinor: invoice.totalMinor - rent.reduce((s, l) => s + l.amountMinor, 0),
      currency: invoice.currency,
    },
    ...rent.map((l) => ({
      debitAccount: receivable,
      creditAccount: rentIncomeAccount(l.assetId),
      amountMinor: l.amountMinor,
      currency: invoice.currency,
    })),
  ];
}

/** Issues a held invoice. Must run inside a transaction (`tx`). */
export async function issueInvoice(tx: Db, invoice: IssuableInvoice, deps: InvoicingDeps): Promise<string> {
  const terms = issueTerms(deps);
  const numberer = await InvoiceNumberer.open(tx, deps.invoicePrefix, terms.year);
  const number = numberer.next();
  const updated = await tx
    .update(invoices)
    .set({ number, status: issuedStatus(invoice.totalMinor), issuedOn: terms.issuedOn, dueOn: terms.dueOn })
    .where(and(eq(invoices.id, invoice.id), eq(invoices.status, "held")))
    .returning({ id: invoices.id });
  assert(updated.length === 1, "the invoice being issued exists and is held");
  await numberer.flush();
  await recordIssues(tx, [{ ...invoice, number }], terms.issuedOn, deps);
  return number;
}
