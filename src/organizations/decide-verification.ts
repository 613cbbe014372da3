import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { cooperativeEvidence, organizations, verificationDecisions } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import { lockOrganizationRow, type Organization } from "./organizations.queries.js";

export type VerificationDecision = "verified" | "rejected";

export interface DecideVerificationInput {
  organizationId: number;
  decision: VerificationDecision;
  reason: string;
  actorUserId: number;
}

/** Only a pending worker cooperative can be decided. */
function assertDecidable(org: Organization | undefined): asserts org is Organization {
  if (!org) throw new AppError("not_found", "Organization was not found.");
  if (org.kind !== "worker_cooperative")
    throw new AppError("invalid_state", `Only worker cooperatives are verified; this organization is ${org.kind}.`);
  if (org.verificationStatus !== "pending") {
    throw new AppError(
      "invalid_state",
      `The cooperative is ${org.verificationStatus}; only pending cooperatives can be decided. A rejected cooperative may resubmit evidence.`,
    );
  }
}

/**
 * A treasurer decides on a pending cooperative. `afterDecision` runs in the same transaction, with its
 * handle `tx` (billing uses it to issue or drop held invoices), so the decision and its consequences
 * land together or not at all.
 */
export async function decideVerification(
  db: Db,
  input: DecideVerificationInput,
  deps: { clock: Clock; afterDecision?: (tx: Db, organizationId: number, decision: VerificationDecision) => Promise<void> },
) {
  return db.transaction(async (tx) => {
    // Locked: of two decisions at once, the second sees the first's outcome and is refused.
    const org = await lockOrganizationRow(tx, input.organizationId);
    assertDecidable(org);
    const [evidence] = await tx
      .select({ id: cooperativeEvidence.id })
      .from(cooperativeEvidence)
      .where(eq(cooperativeEvidence.organizationId, org.id))
      .orderBy(desc(cooperativeEvidence.id))
      .limit(1);
    const row = await writeDecision(tx, org, evidence?.id ?? null, input, deps.clock);
    await deps.afterDecision?.(tx, org.id, input.decision);
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

async function writeDecision(tx: Db, org: Organization, evidenceId: number | null, input: DecideVerificationInput, clock: Clock) {
  const [row] = await tx
    .insert(verificationDecisions)
    .values({
      organizationId: org.id,
      evidenceId,
      decision: input.decision,
      reason: input.reason,
      decidedBy: input.actorUserId,
      createdAt: isoNow(clock),
    })
    .returning();
  await tx.update(organizations).set({ verificationStatus: input.decision }).where(eq(organizations.id, org.id));
  await recordAudit(
    tx,
    {
      actorUserId: input.actorUserId,
      action: `organization.${input.decision}`,
      entityType: "organization",
      entityId: org.id,
      before: { verificationStatus: org.verificationStatus },
      after: { verificationStatus: input.decision, reason: input.reason },
    },
    clock,
  );
  return row!;
}
