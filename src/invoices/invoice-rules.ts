// The rules of an invoice's life that every feature applies the same way: which invoices take
// payments, what is still owed, the status an issue or a payment leaves, and how numbers are written.
import type { InvoiceStatus } from "./vocabulary.js";

/** Payments are recorded against issued invoices only: not held, paid or void ones. */
export const PAYABLE_STATUSES = ["issued", "partially_paid"] as const satisfies readonly InvoiceStatus[];

export function isPayable(status: InvoiceStatus): boolean {
  return (PAYABLE_STATUSES as readonly InvoiceStatus[]).includes(status);
}

/** Overdue: still payable after its due date (`today` is an ISO date). */
export const isOverdue = (invoice: { status: InvoiceStatus; dueOn: string | null }, today: string): boolean =>
  isPayable(invoice.status) && invoice.dueOn !== null && invoice.dueOn < today;

/**
 * What is still owed: nothing on a held or void invoice, else the total less payments and credits.
 * Credits exist only on void invoices, so a caller without them may leave them out.
 */
export function outstandingOf(invoice: { status: InvoiceStatus; totalMinor: number }, paidMinor: number, creditedMinor = 0): number {
  return invoice.status === "held" || invoice.status === "void" ? 0 : invoice.totalMinor - paidMinor - creditedMinor;
}

/** A zero total (a revenue cap of nothing) is settled at once. */
export const issuedStatus = (totalMinor: number): "paid" | "issued" => (totalMinor === 0 ? "paid" : "issued");

/** A payment of all that is outstanding settles the invoice. */
export const statusAfterPayment = (amountMinor: number, outstandingMinor: number): "paid" | "partially_paid" =>
  amountMinor === outstandingMinor ? "paid" : "partially_paid";

/** `RCP-2026-000001`: the prefix, the year of issue and the number within the year. */
export function formatInvoiceNumber(prefix: string, year: number, n: number): string {
  return `${prefix}-${year}-${String(n).padStart(6, "0")}`;
}

const INVOICE_NUMBER = /^([A-Z0-9]{2,10})-(\d{4})-(\d{6,15})$/;

/** What a URL may name an invoice by: its number, or the id of a held invoice (which has none yet). */
export const INVOICE_REF_PATTERN = /^([A-Z0-9]{2,10}-\d{4}-\d{6,15}|\d{1,15})$/;

/** The parts of a number written by `formatInvoiceNumber`; undefined for anything else. */
export function parseInvoiceNumber(number: string): { prefix: string; year: number; n: number } | undefined {
  const m = INVOICE_NUMBER.exec(number);
  return m ? { prefix: m[1]!, year: Number(m[2]), n: Number(m[3]) } : undefined;
}
