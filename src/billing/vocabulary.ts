// The words of billing runs.
export const BILLING_RUN_STATUSES = ["running", "completed", "crashed"] as const;
export type BillingRunStatus = (typeof BILLING_RUN_STATUSES)[number];
