// The words of works: whether a claim is proven (work verification) and what its license file is.
export const WORK_VERIFICATIONS = ["verified", "unverified"] as const;
export type WorkVerification = (typeof WORK_VERIFICATIONS)[number];
export const LICENSE_STATES = ["ppl", "other", "missing", "unknown"] as const;
export type LicenseState = (typeof LICENSE_STATES)[number];
