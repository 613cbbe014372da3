// The words of the ledger: one code per kind of movement.
export const LEDGER_CODES = [
  "invoice_issued",
  "payment_received",
  "invoice_voided",
  "refund_paid",
  "distribution_approved",
  "payout_confirmed",
  "payout_returned",
  "bond_issue_cleared",
  "rent_receipt_split",
  "asset_sold",
] as const;
export type LedgerCode = (typeof LEDGER_CODES)[number];
