import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { cooperativeEvidence, organizations, verificationDecisions } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { getOrganizationRow } from "./organizations.queries.js";

export type VerificationDecision = "verified" | "rejected";

/**
 * A treasurer decides on a pending cooperative. `afterDecision` runs in the same transaction
 * (billing uses it to issue or drop held invoices), so the decision and its consequences land
 * together or not at all.
 */
export function decideVerification(
  db: Db,
  input: { organizationId: number; decision: VerificationDecision; reason: string; actorUserId: number },
  deps: { clock: Clock; afterDecision?: (organizationId: number, decision: VerificationDecision) => void },
) {
  return inTransaction(db, () => {
    const org = getOrganizationRow(db, input.organizationId);
    if (!org) throw new AppError("not_found", "Organization was not found.");
    if (org.kind !== "worker_cooperative")
      throw new AppError("invalid_state", `Only worker cooperatives are verified; this organization is ${org.kind}.`);
    if (org.verificationStatus !== "pending") {
      throw new AppError(
        "invalid_state",
        `The cooperative is ${org.verificationStatus}; only pending cooperatives can be decided. A rejected cooperative may resubmit evidence.`,
      );
    }
    const evidence = db
      .select({ id: cooperativeEvidence.id })
      .from(cooperativeEvidence)
      .where(eq(cooperativeEvidence.organizationId, org.id))
      .orderBy(desc(cooperativeEvidence.id))
      .limit(1)
      .get();
    const row = db
      .insert(verificationDecisions)
      .values({
        organizationId: org.id,
        evidenceId: evidence?.id ?? null,
        decision: input.decision,
        reason: input.reason,
        decidedBy: input.actorUserId,
        createdAt: isoNow(deps.clock),
      })
      .returning()
      .get();
    db.update(organizations).set({ verificationStatus: input.decision }).where(eq(organizations.id, org.id)).run();
    recordAudit(
      db,
      {
        actorUserId: input.actorUserId,
        action: `organization.${input.decision}`,
        entityType: "organization",
        entityId: org.id,
        before: { verificationStatus: org.verificationStatus },
        after: { verificationStatus: input.decision, reason: input.reason },
      },
      deps.clock,
    );
    deps.afterDecision?.(org.id, input.decision);
    return {
      id: row.id,
      organizationId: org.id,
      decision: row.decision,
      reason: row.reason,
      decidedBy: row.decidedBy,
      decidedAt: row.createdAt,
    };
  });
}
