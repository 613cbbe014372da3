import { and, asc, count, eq, inArray, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { organizations, workMaintainers, workPackages, works } from "../db/schema.js";
import { AppError } from "../shared/errors.js";
import { renderLicense, type LicenseFormat } from "../licenses/render-license.js";

export type Work = typeof works.$inferSelect;

export function getWorkBySlug(db: Db, slug: string): Work {
  const work = db.select().from(works).where(eq(works.slug, slug)).get();
  if (!work) throw new AppError("not_found", `Work ${slug} was not found.`);
  return work;
}

export function packagesOf(db: Db, workIds: number[]): Map<number, string[]> {
  const map = new Map<number, string[]>();
  if (workIds.length === 0) return map;
  for (const row of db.select().from(workPackages).where(inArray(workPackages.workId, workIds)).orderBy(workPackages.purl).all()) {
    const list = map.get(row.workId) ?? [];
    list.push(row.purl);
    map.set(row.workId, list);
  }
  return map;
}

export function isMaintainer(db: Db, workId: number, userId: number): boolean {
  return (
    db
      .select()
      .from(workMaintainers)
      .where(and(eq(workMaintainers.workId, workId), eq(workMaintainers.userId, userId)))
      .get() !== undefined
  );
}

export function workView(work: Work, packages: string[], licensorName: string, baseUrl = "") {
  return {
    slug: work.slug,
    title: work.title,
    description: work.description,
    repository: work.repositoryUrl
      ? { url: work.repositoryUrl, fullName: work.repositoryFullName, defaultBranch: work.defaultBranch }
      : null,
    packages,
    licensor: { id: work.licensorOrganizationId, name: licensorName },
    versionRange: work.versionRange,
    verification: work.verification,
    license: {
      state: work.licenseState,
      spdxId: work.licenseSpdxId,
      similarityBps: work.licenseSimilarityBps,
      path: work.licensePath,
      checkedAt: work.licenseCheckedAt,
    },
    links: {
      self: `${baseUrl}/api/v1/works/${work.slug}`,
      license: `${baseUrl}/api/v1/works/${work.slug}/license`,
      badge: `${baseUrl}/api/v1/works/${work.slug}/badge.svg`,
      page: `${baseUrl}/works/${work.slug}`,
    },
    createdAt: work.createdAt,
    updatedAt: work.updatedAt,
  };
}

export type WorkView = ReturnType<typeof workView>;

/** A work's LICENSE: the header names the work, its licensor and the year it was registered. */
export function workLicense(db: Db, work: Work, workUrl: string, format: LicenseFormat): string {
  return renderLicense(
    {
      title: work.title,
      licensorName: licensorName(db, work.licensorOrganizationId),
      year: Number(work.createdAt.slice(0, 4)),
      versionRange: work.versionRange,
      workUrl,
    },
    format,
  );
}

export function licensorName(db: Db, organizationId: number): string {
  return db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, organizationId)).get()?.name ?? "";
}

export function viewWork(db: Db, work: Work, baseUrl = ""): WorkView {
  return workView(work, packagesOf(db, [work.id]).get(work.id) ?? [], licensorName(db, work.licensorOrganizationId), baseUrl);
}

/** The public registry: search over title, slug, description and package URLs; paginated. */
export function listWorks(db: Db, q: { q?: string | undefined; limit: number; offset: number }, baseUrl = "") {
  const term = q.q?.trim();
  const pattern = term ? `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const where = pattern
    ? or(
        sql`${works.title} like ${pattern} escape '\\'`,
        sql`${works.slug} like ${pattern} escape '\\'`,
        sql`${works.description} like ${pattern} escape '\\'`,
        sql`${works.repositoryFullName} like ${pattern} escape '\\'`,
        inArray(
          works.id,
          db
            .select({ id: workPackages.workId })
            .from(workPackages)
            .where(sql`${workPackages.purl} like ${pattern} escape '\\'`),
        ),
      )
    : undefined;
  const total = db.select({ n: count() }).from(works).where(where).get()?.n ?? 0;
  const rows = db
    .select({ work: works, licensor: organizations.name })
    .from(works)
    .innerJoin(organizations, eq(organizations.id, works.licensorOrganizationId))
    .where(where)
    .orderBy(asc(works.title), asc(works.id))
    .limit(q.limit)
    .offset(q.offset)
    .all();
  const pkgs = packagesOf(
    db,
    rows.map((r) => r.work.id),
  );
  return {
    total,
    limit: q.limit,
    offset: q.offset,
    works: rows.map((r) => workView(r.work, pkgs.get(r.work.id) ?? [], r.licensor, baseUrl)),
  };
}
