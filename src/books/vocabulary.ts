// The words of the open books: the kinds of fact the transparency log holds.
export const FACT_KINDS = [
  "ledger_entry",
  "invoice_issued",
  "invoice_voided",
  "payment_recorded",
  "grant_issued",
  "grant_revoked",
  "refund_recorded",
  "fee_schedule_saved",
  "distribution_run",
  "payout_recorded",
] as const;
export type FactKind = (typeof FACT_KINDS)[number];

/** Height of a C2SP tlog tile: 2^8 = 256 hashes (or entries) a tile. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
