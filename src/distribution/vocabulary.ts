// The words of distribution (PRODUCT.md §11): the kinds of bucket a policy splits the pool into, a run's
// lifecycle, and what an attribution records (a payment's share of a line, or a refund taking it back).
export const BUCKET_KINDS = ["licensors", "dividend", "fixed", "reserve"] as const;
export type BucketKind = (typeof BUCKET_KINDS)[number];

export const DISTRIBUTION_RUN_STATUSES = ["draft", "approved"] as const;
export type DistributionRunStatus = (typeof DISTRIBUTION_RUN_STATUSES)[number];

export const ATTRIBUTION_KINDS = ["payment", "refund"] as const;
export type AttributionKind = (typeof ATTRIBUTION_KINDS)[number];

/** How an allocation came about: the basis shown beside its amount. */
export const ALLOCATION_BASES = ["work", "split", "per_capita", "fixed", "reserve"] as const;
export type AllocationBasis = (typeof ALLOCATION_BASES)[number];

/** Drips' limits on a work's splits: receivers and the sum of their weights (parts per million). */
export const MAX_SPLIT_RECEIVERS = 200;
export const TOTAL_SPLIT_WEIGHT = 1_000_000;

/** Shares of a policy's buckets sum to this (basis points). */
export const TOTAL_SHARE_BPS = 10_000;
