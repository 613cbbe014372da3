import { inArray } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { cooperativeEvidence, githubLogins, memberships, organizations } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Organization } from "./organizations.queries.js";
import type { OrganizationKind } from "./vocabulary.js";

export interface CooperativeEvidenceInput {
  jurisdiction: string;
  registryNumber: string;
  bylawsUrl: string;
  workerOwnerCount: number;
  distributesAllSurplus: boolean;
}

export interface CreateOrganizationInput {
  name: string;
  kind: OrganizationKind;
  country?: string | undefined;
  githubLogins?: string[] | undefined;
  cooperative?: CooperativeEvidenceInput | undefined;
  ownerUserId: number;
}

function assertEvidenceFitsKind(input: CreateOrganizationInput): void {
  const isCoop = input.kind === "worker_cooperative";
  if (isCoop && !input.cooperative) {
    throw new AppError("validation_failed", "A worker cooperative must give its cooperative evidence.", {
      errors: [{ path: "/cooperative", message: "is required for a worker_cooperative" }],
    });
  }
  if (!isCoop && input.cooperative) {
    throw new AppError("validation_failed", "Only a worker cooperative carries cooperative evidence.", {
      errors: [{ path: "/cooperative", message: `is not allowed for kind ${input.kind}` }],
    });
  }
}

export async function createOrganization(db: Db, input: CreateOrganizationInput, deps: { clock: Clock }): Promise<Organization> {
  assertEvidenceFitsKind(input);
  const logins = [...new Set((input.githubLogins ?? []).map((l) => l.toLowerCase()))];
  const now = isoNow(deps.clock);
  return db.transaction(async (tx) => {
    await assertLoginsFree(tx, logins);
    const [org] = await tx
      .insert(organizations)
      .values({
        name: input.name,
        kind: input.kind,
        country: input.country ?? null,
        verificationStatus: input.kind === "worker_cooperative" ? "pending" : null,
        createdAt: now,
      })
      .returning();
    const created = org!;
    await tx.insert(memberships).values({ organizationId: created.id, userId: input.ownerUserId, role: "owner", createdAt: now });
    await claimLogins(tx, created.id, logins);
    if (input.cooperative) {
      await tx
        .insert(cooperativeEvidence)
        .values({ organizationId: created.id, ...input.cooperative, submittedBy: input.ownerUserId, createdAt: now });
    }
    await recordAudit(
      tx,
      {
        actorUserId: input.ownerUserId,
        action: "organization.created",
        entityType: "organization",
        entityId: created.id,
        after: { ...created, githubLogins: logins, cooperative: input.cooperative ?? null },
      },
      deps.clock,
    );
    return created;
  });
}

export async function assertLoginsFree(db: Db, logins: string[], exceptOrganizationId?: number): Promise<void> {
  if (logins.length === 0) return;
  const rows = await db.select().from(githubLogins).where(inArray(githubLogins.login, logins));
  const taken = rows.filter((r) => r.organizationId !== exceptOrganizationId);
  if (taken.length > 0) {
    throw new AppError("conflict", `GitHub login ${taken.map((t) => t.login).join(", ")} already belongs to another organization.`, {
      errors: taken.map((t) => ({ path: "/githubLogins", message: `${t.login} belongs to another organization` })),
    });
  }
}

/**
 * Inside a transaction: gives `logins` (checked free with `assertLoginsFree` first) to the organization.
 * A login claimed meanwhile by another organization (another process, on PostgreSQL) is the same conflict.
 */
export async function claimLogins(tx: Db, organizationId: number, logins: string[]): Promise<void> {
  if (logins.length === 0) return;
  const claimed = await tx
    .insert(githubLogins)
    .values(logins.map((login) => ({ login, organizationId })))
    .onConflictDoNothing()
    .returning({ login: githubLogins.login });
  if (claimed.length === logins.length) return;
  const mine = new Set(claimed.map((c) => c.login));
  await assertLoginsFree(
    tx,
    logins.filter((l) => !mine.has(l)),
    organizationId,
  );
  throw new AppError("conflict", "A GitHub login was claimed by another organization at the same time.");
}
