import { inArray } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { cooperativeEvidence, githubLogins, memberships, organizations, type OrganizationKind } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Organization } from "./organizations.queries.js";

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

export function createOrganization(db: Db, input: CreateOrganizationInput, deps: { clock: Clock }): Organization {
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
  const logins = [...new Set((input.githubLogins ?? []).map((l) => l.toLowerCase()))];
  const now = isoNow(deps.clock);
  return inTransaction(db, () => {
    assertLoginsFree(db, logins);
    const org = db
      .insert(organizations)
      .values({
        name: input.name,
        kind: input.kind,
        country: input.country ?? null,
        verificationStatus: isCoop ? "pending" : null,
        createdAt: now,
      })
      .returning()
      .get();
    db.insert(memberships).values({ organizationId: org.id, userId: input.ownerUserId, role: "owner", createdAt: now }).run();
    if (logins.length > 0)
      db.insert(githubLogins)
        .values(logins.map((login) => ({ login, organizationId: org.id })))
        .run();
    if (input.cooperative) {
      db.insert(cooperativeEvidence)
        .values({ organizationId: org.id, ...input.cooperative, submittedBy: input.ownerUserId, createdAt: now })
        .run();
    }
    recordAudit(
      db,
      {
        actorUserId: input.ownerUserId,
        action: "organization.created",
        entityType: "organization",
        entityId: org.id,
        after: { ...org, githubLogins: logins, cooperative: input.cooperative ?? null },
      },
      deps.clock,
    );
    return org;
  });
}

export function assertLoginsFree(db: Db, logins: string[], exceptOrganizationId?: number): void {
  if (logins.length === 0) return;
  const taken = db
    .select()
    .from(githubLogins)
    .where(inArray(githubLogins.login, logins))
    .all()
    .filter((r) => r.organizationId !== exceptOrganizationId);
  if (taken.length > 0) {
    throw new AppError("conflict", `GitHub login ${taken.map((t) => t.login).join(", ")} already belongs to another organization.`, {
      errors: taken.map((t) => ({ path: "/githubLogins", message: `${t.login} belongs to another organization` })),
    });
  }
}
