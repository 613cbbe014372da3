// Who uses a work: the organizations with usages of it, for its maintainers (one row per organization,
// its earliest start, and whether a usage is still running on `day`).
import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { organizations, usages } from "../db/schema.js";
import { toInt } from "../db/sql.js";

/** At most this many organizations are listed; `total` counts them all. */
export const LICENSEES_SHOWN = 200;

export async function licenseesOf(db: Db, workId: number, day: string) {
  const rows = await db
    .select({
      organizationId: organizations.id,
      name: organizations.name,
      kind: organizations.kind,
      since: sql<string>`min(${usages.startedOn})`,
      running:
        sql<number>`sum(case when ${usages.startedOn} <= ${day} and (${usages.endedOn} is null or ${usages.endedOn} >= ${day}) then 1 else 0 end)`.mapWith(
          toInt,
        ),
    })
    .from(usages)
    .innerJoin(organizations, eq(organizations.id, usages.organizationId))
    .where(eq(usages.workId, workId))
    .groupBy(organizations.id, organizations.name, organizations.kind)
    .orderBy(asc(organizations.name), asc(organizations.id))
    .limit(LICENSEES_SHOWN);
  const [count] = await db
    .select({ n: sql<number>`count(distinct ${usages.organizationId})`.mapWith(toInt) })
    .from(usages)
    .where(eq(usages.workId, workId));
  return { total: count?.n ?? 0, licensees: rows.map((r) => ({ ...r, running: r.running > 0 })) };
}
