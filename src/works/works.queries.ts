import { and, asc, count, eq, gt, inArray, or, sql, type Column } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { organizations, workMaintainers, workPackages, works } from "../db/schema.js";
import { AppError } from "../shared/errors.js";
import { renderLicense, type LicenseFormat } from "../licenses/render-license.js";

export type Work = typeof works.$inferSelect;

/**
 * The public reads' statements, built (and on SQLite compiled) once per handle rather than per request:
 * drizzle's query building and better-sqlite3's `prepare` were most of a read's cost. On PostgreSQL they
 * are named prepared statements, parsed once per pooled connection.
 */
function perHandle<P>(build: (db: Db) => P): (db: Db) => P {
  const prepared = new WeakMap<Db, P>();
  return (db) => {
    let statement = prepared.get(db);
    if (statement === undefined) {
      statement = build(db);
      prepared.set(db, statement);
    }
    return statement;
  };
}

/** Runs a statement that `perHandle` prepared, with its named placeholders' values. */
function run<T>(statement: { execute(values?: Record<string, unknown>): Promise<T> }, values: Record<string, unknown>): Promise<T> {
  // eslint-disable-next-line no-restricted-syntax -- a prepared query-builder statement, not raw SQL
  return statement.execute(values);
}

const workBySlugStatement = perHandle((db) =>
  db
    .select()
    .from(works)
    .where(eq(works.slug, sql.placeholder("slug")))
    .limit(1)
    .prepare("works_by_slug"),
);

/** The packages of n works (a page holds at most 200): one statement per n, `work_id in ($1 … $n)`. */
const PREPARED_PACKAGE_LISTS = 200;
const packagesOfStatements = perHandle(() => new Map<number, ReturnType<typeof packagesOfStatement>>());
function packagesOfStatement(db: Db, n: number) {
  return db
    .select({ workId: workPackages.workId, purl: workPackages.purl })
    .from(workPackages)
    .where(
      inArray(
        workPackages.workId,
        Array.from({ length: n }, (_, i) => sql.placeholder(`w${i}`)),
      ),
    )
    .orderBy(workPackages.purl)
    .prepare(`work_packages_of_${n}`);
}

const licensorNameStatement = perHandle((db) =>
  db
    .select({ name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, sql.placeholder("id")))
    .limit(1)
    .prepare("works_licensor_name"),
);

export async function getWorkBySlug(db: Db, slug: string): Promise<Work> {
  const [work] = await run(workBySlugStatement(db), { slug });
  if (!work) throw new AppError("not_found", `Work ${slug} was not found.`);
  return work;
}

export async function packagesOf(db: Db, workIds: number[]): Promise<Map<number, string[]>> {
  const map = new Map<number, string[]>();
  if (workIds.length === 0) return map;
  let rows: { workId: number; purl: string }[];
  if (workIds.length <= PREPARED_PACKAGE_LISTS) {
    const statements = packagesOfStatements(db);
    let statement = statements.get(workIds.length);
    if (!statement) {
      statement = packagesOfStatement(db, workIds.length);
      statements.set(workIds.length, statement);
    }
    rows = await run(statement, Object.fromEntries(workIds.map((id, i) => [`w${i}`, id])));
  } else {
    rows = await db.select().from(workPackages).where(inArray(workPackages.workId, workIds)).orderBy(workPackages.purl);
  }
  for (const row of rows) addPackage(map, row);
  return map;
}

function addPackage(map: Map<number, string[]>, row: { workId: number; purl: string }): void {
  const list = map.get(row.workId);
  if (list) list.push(row.purl);
  else map.set(row.workId, [row.purl]);
}

/** The slugs of the works a user maintains, in registration order. */
export async function worksMaintainedBy(db: Db, userId: number): Promise<string[]> {
  const rows = await db
    .select({ slug: works.slug })
    .from(workMaintainers)
    .innerJoin(works, eq(works.id, workMaintainers.workId))
    .where(eq(workMaintainers.userId, userId))
    .orderBy(works.id);
  return rows.map((r) => r.slug);
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
  const [row] = await run(licensorNameStatement(db), { id: organizationId });
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

const worksCountStatement = perHandle((db) => db.select({ n: count() }).from(works).prepare("works_count"));

/**
 * One statement per page size (1–200): a LIMIT bound as a parameter makes SQLite recompile the statement on
 * every run, so the size is written into the statement instead.
 */
function perLimit<P>(build: (db: Db, limit: number) => P): (db: Db, limit: number) => P {
  const statements = perHandle(() => new Map<number, P>());
  return (db, limit) => {
    const byLimit = statements(db);
    let statement = byLimit.get(limit);
    if (statement === undefined) byLimit.set(limit, (statement = build(db, limit)));
    return statement;
  };
}

const worksPageStatement = perLimit((db, limit) =>
  db
    .select({ work: works, licensor: organizations.name })
    .from(works)
    .innerJoin(organizations, eq(organizations.id, works.licensorOrganizationId))
    .orderBy(asc(works.title), asc(works.id))
    .limit(limit)
    .offset(sql.placeholder("offset"))
    .prepare(`works_page_${limit}`),
);

// After a (title, id) key: read from the works_title_id index in order, however deep the page.
const worksAfterStatement = perLimit((db, limit) =>
  db
    .select({ work: works, licensor: organizations.name })
    .from(works)
    .innerJoin(organizations, eq(organizations.id, works.licensorOrganizationId))
    .where(
      or(gt(works.title, sql.placeholder("title")), and(eq(works.title, sql.placeholder("title")), gt(works.id, sql.placeholder("id")))),
    )
    .orderBy(asc(works.title), asc(works.id))
    .limit(limit)
    .prepare(`works_after_${limit}`),
);

/** Where a registry page starts: after a work's (title, id), or at an offset (the numbered web pages). */
export interface RegistryQuery {
  q?: string | undefined;
  limit: number;
  offset?: number;
  after?: { title: string; id: number } | undefined;
  /** Count the matching works (the web page shows the number of pages; the API does not pay for it). */
  withTotal?: boolean;
}

/** The public registry: search over title, slug, description and package URLs; paginated. */
export async function listWorks(db: Db, q: RegistryQuery, baseUrl = "") {
  const term = q.q?.trim();
  if (!term) {
    // The unfiltered registry (the common read): fixed statements.
    const [counted] = q.withTotal ? await worksCountStatement(db).execute() : [];
    const rows = q.after
      ? await run(worksAfterStatement(db, q.limit), { ...q.after })
      : await run(worksPageStatement(db, q.limit), { offset: q.offset ?? 0 });
    return registryPage(db, rows, counted?.n ?? null, baseUrl);
  }
  const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const where = or(
    matches(works.title, pattern),
    matches(works.slug, pattern),
    matches(works.description, pattern),
    matches(works.repositoryFullName, pattern),
    inArray(works.id, db.select({ id: workPackages.workId }).from(workPackages).where(matches(workPackages.purl, pattern))),
  );
  const [counted] = q.withTotal ? await db.select({ n: count() }).from(works).where(where) : [];
  const after = q.after ? or(gt(works.title, q.after.title), and(eq(works.title, q.after.title), gt(works.id, q.after.id))) : undefined;
  const rows = await db
    .select({ work: works, licensor: organizations.name })
    .from(works)
    .innerJoin(organizations, eq(organizations.id, works.licensorOrganizationId))
    .where(and(where, after))
    .orderBy(asc(works.title), asc(works.id))
    .limit(q.limit)
    .offset(q.after ? 0 : (q.offset ?? 0));
  return registryPage(db, rows, counted?.n ?? null, baseUrl);
}

/** A page of the registry: the works of `rows` with their packages. */
async function registryPage(db: Db, rows: { work: Work; licensor: string }[], total: number | null, baseUrl: string) {
  const pkgs = await packagesOf(
    db,
    rows.map((r) => r.work.id),
  );
  return {
    total,
    /** Each work's sort key, for a cursor. */
    keys: rows.map((r) => ({ title: r.work.title, id: r.work.id })),
    works: rows.map((r) => workView(r.work, pkgs.get(r.work.id) ?? [], r.licensor, baseUrl)),
  };
}
