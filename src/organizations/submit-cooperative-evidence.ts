import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { cooperativeEvidence, organizations } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import type { CooperativeEvidenceInput } from "./create-organization.js";
import { lockOrganizationRow, type Organization } from "./organizations.queries.js";

function assertAcceptsEvidence(org: Organization): void {
  if (org.kind !== "worker_cooperative") throw new AppError("invalid_state", "Only worker cooperatives submit cooperative evidence.");
  if (org.verificationStatus === "verified") throw new AppError("invalid_state", "The cooperative is already verified.");
}

/** New evidence puts a pending or rejected cooperative (back) in the verification queue; returns both. */
export async function submitCooperativeEvidence(
  db: Db,
  org: Organization,
  input: CooperativeEvidenceInput & { actorUserId: number },
  deps: { clock: Clock },
) {
  assertAcceptsEvidence(org);
  const { actorUserId, ...evidence } = input;
  return db.transaction(async (tx) => {
    // Read again under a lock: a decision made meanwhile (verified) must not be put back to pending.
    const current = await lockOrganizationRow(tx, org.id);
    if (!current) throw new AppError("not_found", "Organization was not found.");
    assertAcceptsEvidence(current);
    const [row] = await tx
      .insert(cooperativeEvidence)
      .values({ organizationId: current.id, ...evidence, submittedBy: actorUserId, createdAt: isoNow(deps.clock) })
      .returning();
    await tx.update(organizations).set({ verificationStatus: "pending" }).where(eq(organizations.id, current.id));
    await recordAudit(
      tx,
      {
        actorUserId,
        action: "organization.evidence_submitted",
        entityType: "organization",
        entityId: current.id,
        before: { verificationStatus: current.verificationStatus },
        after: { verificationStatus: "pending", evidence },
      },
      deps.clock,
    );
    return { evidence: row!, organization: { ...current, verificationStatus: "pending" as const } };
  });
}
