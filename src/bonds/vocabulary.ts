// The words of the venture commune's bonds (PRODUCT.md §14).

/** How a bond issue prices its bonds: one declared rate, or a single-price auction. */
export const ISSUE_MODES = ["fixed", "auction"] as const;
export type IssueMode = (typeof ISSUE_MODES)[number];

/** How the principal comes back: equal payments, equal principal, or all rent until redeemed. */
export const REPAYMENT_METHODS = ["annuity", "straight_line", "sweep"] as const;
export type RepaymentMethod = (typeof REPAYMENT_METHODS)[number];

/** What clearing did to one subscription. */
export const ALLOTMENT_OUTCOMES = ["filled", "prorated", "refused"] as const;
export type AllotmentOutcome = (typeof ALLOTMENT_OUTCOMES)[number];

/** A bond issue from opening to redemption. */
export const ISSUE_STATUSES = ["open", "cleared", "cancelled", "redeemed"] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/** The share of the lessee's declared surplus a month's repayment may take, by default (PRODUCT.md §14). */
export const DEFAULT_CAP_BPS = 5000;

/** Deferred months in a row that put an asset on the treasurer's review list. */
export const REVIEW_AFTER_DEFERRED_MONTHS = 12;

/** Rates are basis points a year; a month's rate is rateBps / 120,000 (30/360). */
export const MONTHLY_RATE_DENOMINATOR = 120_000n;

/** ACT/365: a broken period's interest is balance × rateBps × days / (10,000 × 365). */
export const BROKEN_PERIOD_DENOMINATOR = 3_650_000n;
