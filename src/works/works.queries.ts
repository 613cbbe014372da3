import { and, asc, count, eq, inArray, or, sql, type Column } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { organizations, workMaintainers, workPackages, works } from "../db/schema.js";
import { AppError } from "../shared/errors.js";
import { renderLicense, type LicenseFormat } from "../licenses/render-license.js";

export type Work = typeof works.$inferSelect;

export async function getWorkBySlug(db: Db, slug: string): Promise<Work> {
  const [work] = await db.select().from(works).where(eq(works.slug, slug)).limit(1);
  if (!work) throw new AppError("not_found", `Work ${slug} was not found.`);
  return work;
}

export async function packagesOf(db: Db, workIds: number[]): Promise<Map<number, string[]>> {
  const map = new Map<number, string[]>();
  if (workIds.length === 0) return map;
  for (const row of await db.select().from(workPackages).where(inArray(workPackages.workId, workIds)).orderBy(workPackages.purl)) {
    const list = map.get(row.workId) ?? [];
    list.push(row.purl);
    map.set(row.workId, list);
  }
  return map;
}

export async function isMaintainer(db: Db, workId: number, userId: number): Promise<boolean> {
  const [row] = await db
    .select({ workId: workMaintainers.workId })
    .from(workMaintainers)
    .where(and(eq(workMaintainers.workId, workId), eq(workMaintainers.userId, userId)))
    .limit(1);
  return row !== undefined;
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
export async function workLicense(db: Db, work: Work, workUrl: string, format: LicenseFormat): Promise<string> {
  return renderLicense(
    {
      title: work.title,
      licensorName: await licensorName(db, work.licensorOrganizationId),
      year: Number(work.createdAt.slice(0, 4)),
      versionRange: work.versionRange,
      workUrl,
    },
    format,
  );
}

export async function licensorName(db: Db, organizationId: number): Promise<string> {
  const [row] = await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, organizationId)).limit(1);
  return row?.name ?? "";
}

export async function viewWork(db: Db, work: Work, baseUrl = ""): Promise<WorkView> {
  const packages = await packagesOf(db, [work.id]);
  return workView(work, packages.get(work.id) ?? [], await licensorName(db, work.licensorOrganizationId), baseUrl);
}

/**
 * Case-insensitive `like` on both engines (SQLite's is already, for ASCII; PostgreSQL's is not), with
 * `\` escaping the pattern's own `%` and `_`.
 */
const matches = (column: Column, pattern: string) => sql`lower(${column}) like lower(${pattern}) escape '\\'`;

/** The public registry: search over title, slug, description and package URLs; paginated. */
export async function listWorks(db: Db, q: { q?: string | undefined; limit: number; offset: number }, baseUrl = "") {
  const term = q.q?.trim();
  const pattern = term ? `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const where = pattern
    ? or(
        matches(works.title, pattern),
        matches(works.slug, pattern),
        matches(works.description, pattern),
        matches(works.repositoryFullName, pattern),
        inArray(works.id, db.select({ id: workPackages.workId }).from(workPackages).where(matches(workPackages.purl, pattern))),
      )
    : undefined;
  const [counted] = await db.select({ n: count() }).from(works).where(where);
  const rows = await db
    .select({ work: works, licensor: organizations.name })
    .from(works)
    .innerJoin(organizations, eq(organizations.id, works.licensorOrganizationId))
    .where(where)
    .orderBy(asc(works.title), asc(works.id))
    .limit(q.limit)
    .offset(q.offset);
  const pkgs = await packagesOf(
    db,
    rows.map((r) => r.work.id),
  );
  return {
    total: counted?.n ?? 0,
    limit: q.limit,
    offset: q.offset,
    works: rows.map((r) => workView(r.work, pkgs.get(r.work.id) ?? [], r.licensor, baseUrl)),
  };
}
