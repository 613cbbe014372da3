// The words of usage: why an organization uses a work.
export const USAGE_PURPOSES = ["commercial", "noncommercial"] as const;
export type UsagePurpose = (typeof USAGE_PURPOSES)[number];
