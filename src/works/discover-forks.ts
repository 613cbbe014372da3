// Usage discovery: forks of a registered repository, attributed to organizations through the
// GitHub logins they declared. Unknown owners are kept for treasurers to follow up.
import { eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { forkSightings, organizations, works } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import type { GitHub } from "../github/github-client.js";
import { organizationIdForLogin } from "../organizations/organizations.queries.js";
import type { Work } from "./works.queries.js";

export async function discoverForks(db: Db, work: Work, deps: { clock: Clock; github: GitHub }) {
  if (!work.repositoryFullName || work.verification !== "verified") {
    throw new AppError("invalid_state", "Only works with a verified GitHub repository have forks to discover.");
  }
  const [owner, repo] = work.repositoryFullName.split("/") as [string, string];
  // GitHub is asked before the transaction opens; the sightings are upserts, so concurrent discoveries agree.
  const { forks, truncated } = await deps.github.listForks(owner, repo);
  const seenAt = isoNow(deps.clock);
  await db.transaction(async (tx) => {
    for (const f of forks) {
      const organizationId = (await organizationIdForLogin(tx, f.ownerLogin)) ?? null;
      await tx
        .insert(forkSightings)
        .values({ workId: work.id, forkFullName: f.fullName, ownerLogin: f.ownerLogin.toLowerCase(), organizationId, seenAt })
        .onConflictDoUpdate({
          target: [forkSightings.workId, forkSightings.forkFullName],
          set: { organizationId, seenAt, ownerLogin: f.ownerLogin.toLowerCase() },
        });
    }
  });
  return { ...(await listForks(db, work.id)), truncated };
}

export async function listForks(db: Db, workId: number) {
  const rows = await db
    .select({ fork: forkSightings, orgName: organizations.name })
    .from(forkSightings)
    .leftJoin(organizations, eq(organizations.id, forkSightings.organizationId))
    .where(eq(forkSightings.workId, workId))
    .orderBy(forkSightings.forkFullName);
  return {
    forks: rows.map((r) => ({
      fullName: r.fork.forkFullName,
      ownerLogin: r.fork.ownerLogin,
      organization: r.fork.organizationId === null ? null : { id: r.fork.organizationId, name: r.orgName },
      seenAt: r.fork.seenAt,
    })),
  };
}

/** For treasurers: fork owners no organization has claimed, across all works. */
export async function unattributedForkOwners(db: Db) {
  const rows = await db
    .select({ login: forkSightings.ownerLogin, fork: forkSightings.forkFullName, slug: works.slug })
    .from(forkSightings)
    .innerJoin(works, eq(works.id, forkSightings.workId))
    .where(isNull(forkSightings.organizationId))
    .orderBy(forkSightings.ownerLogin, forkSightings.forkFullName);
  const byLogin = new Map<string, { login: string; forks: { fullName: string; workSlug: string }[] }>();
  for (const r of rows) {
    const entry = byLogin.get(r.login) ?? { login: r.login, forks: [] };
    entry.forks.push({ fullName: r.fork, workSlug: r.slug });
    byLogin.set(r.login, entry);
  }
  return { owners: [...byLogin.values()] };
}
