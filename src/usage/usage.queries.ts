import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { usages, works } from "../db/schema.js";
import type { Organization } from "../organizations/organizations.queries.js";
import { obligationOf } from "./obligation.js";

export type Usage = typeof usages.$inferSelect;

export function usageView(u: Usage, work: { slug: string; title: string }, org: Organization) {
  return {
    id: u.id,
    organizationId: u.organizationId,
    workSlug: work.slug,
    workTitle: work.title,
    purpose: u.purpose,
    startedOn: u.startedOn,
    endedOn: u.endedOn,
    obligation: obligationOf(u.purpose, org),
    createdAt: u.createdAt,
  };
}

export async function listUsages(db: Db, org: Organization) {
  const rows = await db
    .select({ usage: usages, slug: works.slug, title: works.title })
    .from(usages)
    .innerJoin(works, eq(works.id, usages.workId))
    .where(eq(usages.organizationId, org.id))
    .orderBy(asc(usages.startedOn), asc(usages.id));
  return rows.map((r) => usageView(r.usage, r, org));
}
