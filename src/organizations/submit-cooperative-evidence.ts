import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { cooperativeEvidence, organizations } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import type { CooperativeEvidenceInput } from "./create-organization.js";
import type { Organization } from "./organizations.queries.js";

/** New evidence puts a pending or rejected cooperative (back) in the verification queue; returns both. */
export function submitCooperativeEvidence(
  db: Db,
  org: Organization,
  input: CooperativeEvidenceInput & { actorUserId: number },
  deps: { clock: Clock },
) {
  if (org.kind !== "worker_cooperative") throw new AppError("invalid_state", "Only worker cooperatives submit cooperative evidence.");
  if (org.verificationStatus === "verified") throw new AppError("invalid_state", "The cooperative is already verified.");
  const { actorUserId, ...evidence } = input;
  return inTransaction(db, () => {
    const row = db
      .insert(cooperativeEvidence)
      .values({ organizationId: org.id, ...evidence, submittedBy: actorUserId, createdAt: isoNow(deps.clock) })
      .returning()
      .get();
    db.update(organizations).set({ verificationStatus: "pending" }).where(eq(organizations.id, org.id)).run();
    recordAudit(
      db,
      {
        actorUserId,
        action: "organization.evidence_submitted",
        entityType: "organization",
        entityId: org.id,
        before: { verificationStatus: org.verificationStatus },
        after: { verificationStatus: "pending", evidence },
      },
      deps.clock,
    );
    return { evidence: row, organization: { ...org, verificationStatus: "pending" as const } };
  });
}
