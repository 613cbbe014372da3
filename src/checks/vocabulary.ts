// The words of checks: what a match demands of the checking organization.
/** `unverified`: the work's claim is not proven, so nothing is owed (and nothing billed) for it. */
export const CHECK_OBLIGATIONS = ["none", "held", "fee", "unpriced", "unverified"] as const;
export type CheckObligation = (typeof CHECK_OBLIGATIONS)[number];
