// The words of the open books: the kinds of fact the transparency log holds.
export const FACT_KINDS = [
  "ledger_entry",
  "invoice_issued",
  "invoice_voided",
  "payment_recorded",
  "refund_recorded",
  "grant_issued",
  "grant_revoked",
  "fee_schedule_saved",
  "distribution_policy_created",
  "distribution_run_drafted",
  "distribution_run_approved",
  "payout_batch_created",
  "payout_batch_confirmed",
  "payout_returned",
  "statement_issued",
  "asset_sold",
] as const;
export type FactKind = (typeof FACT_KINDS)[number];

/** Height of a C2SP tlog tile: 2^8 = 256 hashes (or entries) a tile. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
