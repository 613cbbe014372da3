import { and, eq, inArray, isNull, or, gte, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { execute, lockForUpdate } from "../db/sql.js";
import { checks, usages, works } from "../db/schema.js";
import type { UsagePurpose } from "../usage/vocabulary.js";
import { isoNow, today, type Clock } from "../shared/clock.js";
import { AppError, assert } from "../shared/errors.js";
import type { Organization } from "../organizations/organizations.queries.js";
import { declareUsages } from "../usage/declare-usage.js";
import type { CheckReport } from "./run-check.js";

/** An organization's check is kept, so a member can turn it into usage declarations. */
export async function saveCheck(db: Db, report: CheckReport, actorUserId: number | null, deps: { clock: Clock }): Promise<number> {
  const [row] = await db.transaction((tx) =>
    tx
      .insert(checks)
      .values({
        organizationId: report.organizationId,
        format: report.format,
        componentCount: report.componentCount,
        matches: JSON.stringify({ workIds: report.matchedWorkIds, purls: report.matches.map((m) => m.purl) }),
        createdBy: actorUserId,
        createdAt: isoNow(deps.clock),
      })
      .returning({ id: checks.id }),
  );
  assert(row, "an inserted check is returned");
  return row.id;
}

/** Work ids with an open usage of this purpose on or after `on`. */
export async function openUsageWorkIds(db: Db, organizationId: number, purpose: UsagePurpose, on: string): Promise<Set<number>> {
  const rows = await db
    .select({ workId: usages.workId })
    .from(usages)
    .where(
      and(eq(usages.organizationId, organizationId), eq(usages.purpose, purpose), or(isNull(usages.endedOn), gte(usages.endedOn, on))),
    );
  return new Set(rows.map((r) => r.workId));
}

/** Declares a usage for every matched work the organization has not declared yet, in one transaction. */
export async function usagesFromCheck(
  db: Db,
  org: Organization,
  input: { checkId: number; purpose: UsagePurpose; startedOn: string; actorUserId: number },
  deps: { clock: Clock },
) {
  return db.transaction(async (tx) => {
    // The check is locked before its usages are compared: converting one check twice at once
    // declares each usage once.
    await execute(
      tx,
      sql`select ${checks.id} from ${checks} where ${checks.id} = ${input.checkId} and ${checks.organizationId} = ${org.id}${lockForUpdate(tx)}`,
    );
    const [check] = await tx
      .select({ matches: checks.matches })
      .from(checks)
      .where(and(eq(checks.id, input.checkId), eq(checks.organizationId, org.id)))
      .limit(1);
    if (!check) throw new AppError("not_found", "Check was not found.");
    const { workIds } = JSON.parse(check.matches) as { workIds: number[] };
    const already = await openUsageWorkIds(tx, org.id, input.purpose, today(deps.clock));
    const wanted = workIds.filter((id) => !already.has(id));
    const slugs = wanted.length
      ? await tx.select({ slug: works.slug }).from(works).where(inArray(works.id, wanted)).orderBy(works.slug)
      : [];
    const created = await declareUsages(
      tx,
      org,
      slugs.map((w) => ({ workSlug: w.slug, purpose: input.purpose, startedOn: input.startedOn })),
      input.actorUserId,
      deps,
    );
    return { created, alreadyDeclared: workIds.length - wanted.length };
  });
}
