import { and, eq, inArray, isNull, or, gte } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { checks, usages, works, type UsagePurpose } from "../db/schema.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import type { Organization } from "../organizations/organizations.queries.js";
import { declareUsages } from "../usage/declare-usage.js";
import type { CheckReport } from "./run-check.js";

/** An organization's check is kept, so a member can turn it into usage declarations. */
export function saveCheck(db: Db, report: CheckReport, actorUserId: number | null, deps: { clock: Clock }): number {
  return inTransaction(
    db,
    () =>
      db
        .insert(checks)
        .values({
          organizationId: report.organizationId,
          format: report.format,
          componentCount: report.componentCount,
          matches: JSON.stringify({ workIds: report.matchedWorkIds, purls: report.matches.map((m) => m.purl) }),
          createdBy: actorUserId,
          createdAt: isoNow(deps.clock),
        })
        .returning({ id: checks.id })
        .get().id,
  );
}

/** Work ids with an open usage of this purpose on or after `on`. */
export function openUsageWorkIds(db: Db, organizationId: number, purpose: UsagePurpose, on: string): Set<number> {
  return new Set(
    db
      .select({ workId: usages.workId })
      .from(usages)
      .where(
        and(eq(usages.organizationId, organizationId), eq(usages.purpose, purpose), or(isNull(usages.endedOn), gte(usages.endedOn, on))),
      )
      .all()
      .map((r) => r.workId),
  );
}

/** Declares a usage for every matched work the organization has not declared yet, in one transaction. */
export function usagesFromCheck(
  db: Db,
  org: Organization,
  input: { checkId: number; purpose: UsagePurpose; startedOn: string; actorUserId: number },
  deps: { clock: Clock },
) {
  const check = db
    .select()
    .from(checks)
    .where(and(eq(checks.id, input.checkId), eq(checks.organizationId, org.id)))
    .get();
  if (!check) throw new AppError("not_found", "Check was not found.");
  const { workIds } = JSON.parse(check.matches) as { workIds: number[] };
  const already = openUsageWorkIds(db, org.id, input.purpose, today(deps.clock));
  const wanted = workIds.filter((id) => !already.has(id));
  const slugs = wanted.length ? db.select({ slug: works.slug }).from(works).where(inArray(works.id, wanted)).orderBy(works.slug).all() : [];
  const created = declareUsages(
    db,
    org,
    slugs.map((w) => ({ workSlug: w.slug, purpose: input.purpose, startedOn: input.startedOn })),
    input.actorUserId,
    deps,
  );
  return { created, alreadyDeclared: workIds.length - wanted.length };
}
