// The words of organizations: their kinds, a cooperative's verification status, members' roles.
export const ORGANIZATION_KINDS = ["worker_cooperative", "commercial", "nonprofit", "individual", "public_body"] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

/** Cooperative verification: only worker cooperatives carry one. */
export const VERIFICATION_STATUSES = ["pending", "verified", "rejected"] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];
export const VERIFICATION_DECISIONS = ["verified", "rejected"] as const;

export const MEMBER_ROLES = ["owner", "member"] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** A treasurer's review of a size-facts declaration that lowered a fee. */
export const SIZE_FACT_REVIEW_DECISIONS = ["accepted", "rejected"] as const;
export type SizeFactReviewDecision = (typeof SIZE_FACT_REVIEW_DECISIONS)[number];
