// PRODUCT.md §3: what a usage demands, from its purpose and the organization's classification.
import type { OrganizationKind, VerificationStatus } from "../organizations/vocabulary.js";
import type { UsagePurpose } from "./vocabulary.js";

export const OBLIGATIONS = ["none", "held", "fee"] as const;
export type Obligation = (typeof OBLIGATIONS)[number];

export function obligationOf(
  purpose: UsagePurpose,
  org: { kind: OrganizationKind; verificationStatus: VerificationStatus | null },
): Obligation {
  if (purpose === "noncommercial") return "none"; // PPL §4(b)
  if (org.kind === "worker_cooperative") {
    if (org.verificationStatus === "verified") return "none"; // PPL §4(c)
    if (org.verificationStatus === "pending") return "held";
  }
  return "fee"; // PPL §4(d): a commercial reciprocity license is needed
}
