// The words of payouts: a batch is created (its file sent to the bank) and confirmed; each payout in it
// is pending until the bank confirms it, and may come back returned.
export const PAYOUT_BATCH_STATUSES = ["created", "confirmed"] as const;
export type PayoutBatchStatus = (typeof PAYOUT_BATCH_STATUSES)[number];

export const PAYOUT_STATUSES = ["pending", "confirmed", "returned"] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];
