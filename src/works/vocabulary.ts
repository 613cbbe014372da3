// The words of works: whether a claim is proven (work verification) and what its license file is.
export const WORK_VERIFICATIONS = ["verified", "unverified"] as const;
export type WorkVerification = (typeof WORK_VERIFICATIONS)[number];
export const LICENSE_STATES = ["ppl", "other", "missing", "unknown"] as const;
export type LicenseState = (typeof LICENSE_STATES)[number];
/** A contest of a work's claim: open until a treasurer upholds it (the claim is withdrawn) or dismisses it. */
export const DISPUTE_STATUSES = ["open", "upheld", "dismissed"] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
export const DISPUTE_DECISIONS = ["upheld", "dismissed"] as const;
export type DisputeDecision = (typeof DISPUTE_DECISIONS)[number];
/** The events of a work's claim history. */
export const CLAIM_EVENTS = [
  "registered",
  "verified",
  "rejected",
  "disputed",
  "dispute_upheld",
  "dispute_dismissed",
  "control_proven",
] as const;
export type ClaimEvent = (typeof CLAIM_EVENTS)[number];
/** A treasurer's decision on a work's claim. */
export const WORK_DECISIONS = ["verified", "rejected"] as const;
export type WorkDecision = (typeof WORK_DECISIONS)[number];
