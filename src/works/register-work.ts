// Registering a work: GitHub is asked first (control, license file, package.json), outside any
// transaction; then everything is written in one transaction, or nothing is.
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { inTransaction } from "../db/client.js";
import { workMaintainers, workPackages, works, type LicenseState } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError, type FieldError } from "../shared/errors.js";
import { recordAudit } from "../audit/record-audit.js";
import type { AuthUser } from "../http/auth.js";
import type { GitHub } from "../github/github-client.js";
import { recogniseLicense } from "../licenses/recognise-license.js";
import { npmPurl, parsePurl, fromParts, type ParsedPurl } from "../purl/purl.js";
import { membershipOf, getOrganizationRow } from "../organizations/organizations.queries.js";
import { isGitHubHost, parseRepositoryUrl, type RepositoryRef } from "./parse-repository.js";
import type { Work } from "./works.queries.js";

export interface RegisterWorkInput {
  repository?: string | undefined;
  packages?: string[] | undefined;
  licensorOrganizationId: number;
  versionRange?: string | undefined;
  githubToken?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
}

export interface LicenseCheck {
  state: LicenseState;
  spdxId: string | null;
  similarityBps: number;
  pplSimilarityBps: number;
  path: string | null;
}

export interface RegisterWorkResult {
  work: Work;
  licenseCheck: LicenseCheck | null;
  suggestedPackages: string[];
}

export function licenseCheckOf(file: { path: string; text: string } | null): LicenseCheck {
  if (!file) return { state: "missing", spdxId: null, similarityBps: 0, pplSimilarityBps: 0, path: null };
  const r = recogniseLicense(file.text);
  return {
    state: r.spdxId === "PPL" ? "ppl" : "other",
    spdxId: r.spdxId,
    similarityBps: r.similarityBps,
    pplSimilarityBps: r.pplSimilarityBps,
    path: file.path,
  };
}

export function slugify(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "work"
  );
}

export async function registerWork(
  db: Db,
  input: RegisterWorkInput,
  actor: AuthUser,
  deps: { clock: Clock; github: GitHub; githubApiUrl: string },
): Promise<RegisterWorkResult> {
  const errors: FieldError[] = [];
  if (!input.repository && (!input.packages || input.packages.length === 0)) {
    errors.push({ path: "/repository", message: "give a repository URL, package URLs, or both" });
  }
  let repo: RepositoryRef | undefined;
  if (input.repository) {
    const parsed = parseRepositoryUrl(input.repository);
    if (typeof parsed === "string") errors.push({ path: "/repository", message: parsed });
    else repo = parsed;
  }
  const purls = new Map<string, ParsedPurl>();
  (input.packages ?? []).forEach((p, i) => {
    const parsed = parsePurl(p);
    if (typeof parsed === "string") errors.push({ path: `/packages/${i}`, message: parsed });
    else if (parsed.version) errors.push({ path: `/packages/${i}`, message: "must not carry a version: use versionRange" });
    else purls.set(parsed.base, parsed);
  });
  const licensor = getOrganizationRow(db, input.licensorOrganizationId);
  if (!licensor || (!actor.isTreasurer && membershipOf(db, licensor.id, actor.id) === undefined)) {
    errors.push({ path: "/licensorOrganizationId", message: "is not an organization you belong to" });
  }
  const onGitHub = repo !== undefined && isGitHubHost(repo.host, deps.githubApiUrl);
  if (onGitHub && !input.githubToken) errors.push({ path: "/githubToken", message: "is required to prove control of a GitHub repository" });
  if (errors.length > 0) throw new AppError("validation_failed", "The work cannot be registered as given.", { errors });

  if (repo && onGitHub) purls.set(fromParts("github", repo.owner, repo.name, null).base, fromParts("github", repo.owner, repo.name, null));
  assertUnclaimed(db, repo?.key, [...purls.keys()]);

  let title = input.title ?? repo?.name ?? [...purls.values()][0]!.name;
  let description = input.description ?? null;
  let licenseCheck: LicenseCheck | null = null;
  const suggestedPackages: string[] = [];
  let github: { id: number; fullName: string; url: string; defaultBranch: string; key: string } | null = null;

  if (repo && onGitHub) {
    const token = input.githubToken!;
    const info = await deps.github.getRepository(repo.owner, repo.name, token).catch((err: unknown) => {
      if (err instanceof AppError && err.code === "not_found") {
        throw new AppError("validation_failed", `GitHub has no repository ${repo.owner}/${repo.name}, or the token cannot see it.`, {
          errors: [{ path: "/repository", message: "was not found on GitHub" }],
        });
      }
      throw err;
    });
    const permission = info.permissions
      ? info.permissions.admin
        ? "admin"
        : info.permissions.maintain
          ? "maintain"
          : "lower"
      : await deps.github.permissionOf(info.ownerLogin, info.name, token);
    if (permission !== "admin" && permission !== "maintain") {
      throw new AppError(
        "github_permission_denied",
        `The GitHub token needs admin or maintain permission on ${info.fullName} to prove control of it.`,
      );
    }
    licenseCheck = licenseCheckOf(await deps.github.getLicenseFile(info.ownerLogin, info.name, token));
    const pkg = await deps.github.getFile(info.ownerLogin, info.name, "package.json", info.defaultBranch, token);
    const suggested = pkg ? suggestNpmPurl(pkg.text) : null;
    if (suggested && !purls.has(suggested)) suggestedPackages.push(suggested);
    title = input.title ?? info.name;
    description = input.description ?? info.description;
    const canonical = parseRepositoryUrl(`https://${repo.host}/${info.fullName}`) as RepositoryRef;
    github = { id: info.id, fullName: info.fullName, url: canonical.url, defaultBranch: info.defaultBranch, key: canonical.key };
  }

  const now = isoNow(deps.clock);
  const work = inTransaction(db, () => {
    assertUnclaimed(db, github?.key ?? repo?.key, [...purls.keys()], github?.id);
    const slug = uniqueSlug(db, slugify(title));
    const row = db
      .insert(works)
      .values({
        slug,
        title,
        description,
        repositoryGithubId: github?.id ?? null,
        repositoryFullName: github?.fullName ?? (repo ? `${repo.owner}/${repo.name}` : null),
        repositoryKey: github?.key ?? repo?.key ?? null,
        repositoryUrl: github?.url ?? repo?.url ?? null,
        defaultBranch: github?.defaultBranch ?? null,
        licensorOrganizationId: input.licensorOrganizationId,
        versionRange: input.versionRange ?? null,
        verification: github ? "verified" : "unverified",
        licenseState: licenseCheck?.state ?? "unknown",
        licenseSpdxId: licenseCheck?.spdxId ?? null,
        licenseSimilarityBps: licenseCheck?.similarityBps ?? null,
        licensePath: licenseCheck?.path ?? null,
        licenseCheckedAt: licenseCheck ? now : null,
        registeredBy: actor.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    if (purls.size > 0) {
      db.insert(workPackages)
        .values([...purls.values()].map((p) => ({ workId: row.id, purl: p.base, type: p.type, namespace: p.namespace, name: p.name })))
        .run();
    }
    db.insert(workMaintainers).values({ workId: row.id, userId: actor.id }).run();
    recordAudit(
      db,
      {
        actorUserId: actor.id,
        action: "work.registered",
        entityType: "work",
        entityId: row.id,
        after: { ...row, packages: [...purls.keys()] },
      },
      deps.clock,
    );
    return row;
  });
  return { work, licenseCheck, suggestedPackages };
}

function assertUnclaimed(db: Db, repositoryKey: string | undefined, purls: string[], githubId?: number): void {
  if (repositoryKey) {
    const existing = db.select({ slug: works.slug }).from(works).where(eq(works.repositoryKey, repositoryKey)).get();
    if (existing)
      throw new AppError("duplicate_work", `The repository is already registered as work ${existing.slug}.`, {
        errors: [{ path: "/repository", message: `is already registered as ${existing.slug}` }],
      });
  }
  if (githubId !== undefined) {
    const existing = db.select({ slug: works.slug }).from(works).where(eq(works.repositoryGithubId, githubId)).get();
    if (existing)
      throw new AppError("duplicate_work", `The repository is already registered as work ${existing.slug}.`, {
        errors: [{ path: "/repository", message: `is already registered as ${existing.slug}` }],
      });
  }
  if (purls.length > 0) {
    const taken = db
      .select({ purl: workPackages.purl, slug: works.slug })
      .from(workPackages)
      .innerJoin(works, eq(works.id, workPackages.workId))
      .where(inArray(workPackages.purl, purls))
      .all();
    if (taken.length > 0) {
      throw new AppError("purl_taken", `Package ${taken.map((t) => t.purl).join(", ")} already belongs to another work.`, {
        errors: taken.map((t) => ({ path: "/packages", message: `${t.purl} belongs to work ${t.slug}` })),
      });
    }
  }
}

/** Slugs that name pages rather than works. */
const RESERVED_SLUGS = new Set(["new"]);

function uniqueSlug(db: Db, base: string): string {
  for (let n = RESERVED_SLUGS.has(base) ? 2 : 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!db.select({ id: works.id }).from(works).where(eq(works.slug, candidate)).get()) return candidate;
  }
}

function suggestNpmPurl(packageJsonText: string): string | null {
  try {
    const pkg = JSON.parse(packageJsonText) as { name?: unknown; private?: unknown };
    if (typeof pkg.name !== "string" || pkg.private === true) return null;
    if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(pkg.name)) return null;
    return npmPurl(pkg.name, null).base;
  } catch {
    return null;
  }
}
