// The words of invoices: their lifecycle and the kinds of line they carry.
export const INVOICE_STATUSES = ["held", "issued", "partially_paid", "paid", "void"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
/** What an invoice bills: `fees` (the billing run's, one per organization and month) or `rent` (the rent run's, one per lessee and month). */
export const INVOICE_KINDS = ["fees", "rent"] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];
/** `rent`: a productive asset's monthly rent, invoiced to its lessee (PRODUCT.md §14). */
export const INVOICE_LINE_KINDS = ["fee", "revenue_cap", "rent"] as const;
export type InvoiceLineKind = (typeof INVOICE_LINE_KINDS)[number];
/** What a fee line was priced as: a fee, or held while a cooperative's verification is pending. */
export const LINE_OBLIGATIONS = ["fee", "held"] as const;
