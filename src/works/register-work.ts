// Registering a work: GitHub is asked first (control, license file, package.json), outside any
// transaction; then everything is written in one transaction, or nothing is. The existence checks
// give a clear 409; under concurrency the unique indexes (repository key, GitHub id, purl, slug) are
// the final word, and a registration that loses the race gets the same 409 the checks give.
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { isUniqueViolation } from "../db/sql.js";
import { workLicenseHistory, workMaintainers, workPackages, works } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError, assert, type FieldError } from "../shared/errors.js";
import type { Actor } from "../shared/actor.js";
import { recordAudit } from "../audit/record-audit.js";
import type { GitHub } from "../github/github-client.js";
import { recogniseLicense } from "../licenses/recognise-license.js";
import { npmPurl, parsePurl, fromParts, type ParsedPurl } from "../purl/purl.js";
import { membershipOf, getOrganizationRow } from "../organizations/organizations.queries.js";
import { isGitHubHost, parseRepositoryUrl, type RepositoryRef } from "./parse-repository.js";
import type { LicenseState, WorkVerification } from "./vocabulary.js";
import type { NpmRegistry } from "./npm-registry.js";
import { recordClaimEvent } from "./work-claims.js";
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

/** The request as understood: the repository (if any) and every package URL the work claims. */
export interface Registration {
  repo: RepositoryRef | undefined;
  onGitHub: boolean;
  /** By versionless purl; a GitHub repository claims its own pkg:github purl too. */
  purls: Map<string, ParsedPurl>;
}

/** What GitHub says of a repository whose control the token proved. */
export interface GitHubFacts {
  repository: { id: number; fullName: string; url: string; defaultBranch: string; key: string };
  name: string;
  description: string | null;
  licenseCheck: LicenseCheck;
  suggestedPackage: string | null;
}

/** The row to write, all but its slug (chosen in the transaction), and the packages it claims. */
interface WorkPlan {
  values: Omit<typeof works.$inferInsert, "id" | "slug">;
  /** Why the claim is verified or not, for the work's claim history. */
  claimReason: string;
  slugBase: string;
  purls: ParsedPurl[];
  githubId: number | undefined;
}

export async function registerWork(
  db: Db,
  input: RegisterWorkInput,
  actor: Actor,
  deps: { clock: Clock; github: GitHub; githubApiUrl: string; npm?: NpmRegistry | undefined },
): Promise<RegisterWorkResult> {
  const licensorAllowed = await mayLicenseFor(db, actor, input.licensorOrganizationId);
  const registration = parseRegistration(input, licensorAllowed, deps.githubApiUrl);
  const { repo, purls } = registration;
  await assertUnclaimed(db, repo?.key, [...purls.keys()]);
  const facts = repo && registration.onGitHub ? await readGitHub(repo, input.githubToken!, deps.github) : null;
  const claim = await proveClaim(registration, facts, deps.npm);
  const plan = planWork(input, registration, facts, claim, actor, isoNow(deps.clock));
  const work = await insertWork(db, plan, actor, deps.clock);
  const suggested = facts?.suggestedPackage;
  return { work, licenseCheck: facts?.licenseCheck ?? null, suggestedPackages: suggested && !purls.has(suggested) ? [suggested] : [] };
}

async function mayLicenseFor(db: Db, actor: Actor, organizationId: number): Promise<boolean> {
  const licensor = await getOrganizationRow(db, organizationId);
  if (!licensor) return false;
  return actor.isTreasurer || (await membershipOf(db, licensor.id, actor.id)) !== undefined;
}

/** Validates the request as a whole: every problem is reported at once, as a 422. */
function parseRegistration(input: RegisterWorkInput, licensorAllowed: boolean, githubApiUrl: string): Registration {
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
  if (!licensorAllowed) errors.push({ path: "/licensorOrganizationId", message: "is not an organization you belong to" });
  const onGitHub = repo !== undefined && isGitHubHost(repo.host, githubApiUrl);
  if (onGitHub && !input.githubToken) errors.push({ path: "/githubToken", message: "is required to prove control of a GitHub repository" });
  if (errors.length > 0) throw new AppError("validation_failed", "The work cannot be registered as given.", { errors });

  if (repo && onGitHub) {
    const own = fromParts("github", repo.owner, repo.name, null);
    purls.set(own.base, own);
  }
  return { repo, onGitHub, purls };
}

/** Proves control of the repository (admin or maintain) and reads its license file and package.json. */
export async function readGitHub(repo: RepositoryRef, token: string, github: GitHub): Promise<GitHubFacts> {
  const info = await github.getRepository(repo.owner, repo.name, token).catch((err: unknown) => {
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
    : await github.permissionOf(info.ownerLogin, info.name, token);
  if (permission !== "admin" && permission !== "maintain") {
    throw new AppError(
      "github_permission_denied",
      `The GitHub token needs admin or maintain permission on ${info.fullName} to prove control of it.`,
    );
  }
  const licenseCheck = licenseCheckOf(await github.getLicenseFile(info.ownerLogin, info.name, token));
  const pkg = await github.getFile(info.ownerLogin, info.name, "package.json", info.defaultBranch, token);
  const canonical = parseRepositoryUrl(`https://${repo.host}/${info.fullName}`) as RepositoryRef;
  return {
    repository: { id: info.id, fullName: info.fullName, url: canonical.url, defaultBranch: info.defaultBranch, key: canonical.key },
    name: info.name,
    description: info.description,
    licenseCheck,
    suggestedPackage: pkg ? suggestNpmPurl(pkg.text) : null,
  };
}

/** The work as it will be written: what the request gives, completed by what GitHub said. */
function planWork(
  input: RegisterWorkInput,
  registration: Registration,
  facts: GitHubFacts | null,
  claim: Claim,
  actor: Actor,
  now: string,
): WorkPlan {
  const { repo, purls } = registration;
  const github = facts?.repository ?? null;
  const licenseCheck = facts?.licenseCheck ?? null;
  const title = input.title ?? facts?.name ?? repo?.name ?? [...purls.values()][0]!.name;
  return {
    slugBase: slugify(title),
    claimReason: claim.reason,
    purls: [...purls.values()],
    githubId: github?.id,
    values: {
      title,
      description: input.description ?? facts?.description ?? null,
      repositoryGithubId: github?.id ?? null,
      repositoryFullName: github?.fullName ?? (repo ? `${repo.owner}/${repo.name}` : null),
      repositoryKey: github?.key ?? repo?.key ?? null,
      repositoryUrl: github?.url ?? repo?.url ?? null,
      defaultBranch: github?.defaultBranch ?? null,
      licensorOrganizationId: input.licensorOrganizationId,
      versionRange: input.versionRange ?? null,
      verification: claim.verification,
      licenseState: licenseCheck?.state ?? "unknown",
      licenseSpdxId: licenseCheck?.spdxId ?? null,
      licenseSimilarityBps: licenseCheck?.similarityBps ?? null,
      licensePath: licenseCheck?.path ?? null,
      licenseCheckedAt: licenseCheck ? now : null,
      registeredBy: actor.id,
      createdAt: now,
      updatedAt: now,
    },
  };
}

export interface Claim {
  verification: WorkVerification;
  reason: string;
}

/**
 * Whether the registration proves every claim it makes: control of the repository (its own pkg:github
 * purl with it), and each npm package's registry metadata naming that repository. Any other claim
 * waits for a treasurer. Asks the registry outside any transaction.
 */
export async function proveClaim(registration: Registration, facts: GitHubFacts | null, npm: NpmRegistry | undefined): Promise<Claim> {
  if (!facts) return { verification: "unverified", reason: "no repository control proven: a treasurer may verify the claim" };
  const repository = facts.repository;
  const own = fromParts("github", repository.fullName.split("/")[0]!, repository.fullName.split("/")[1]!, null).base;
  const unproven: string[] = [];
  for (const p of registration.purls.values()) {
    if (p.base === own || p.base === fromParts("github", registration.repo!.owner, registration.repo!.name, null).base) continue;
    if (p.type !== "npm" || !npm) {
      unproven.push(`${p.base} (no registry proof for ${p.type} packages)`);
      continue;
    }
    const said = await npm.repositoryOf(p.namespace ? `${p.namespace}/${p.name}` : p.name);
    if (said.key !== repository.key)
      unproven.push(
        `${p.base} (${said.key === null ? `registry: ${said.why.replace("_", " ")}` : `its registry metadata names ${said.key}`})`,
      );
  }
  if (unproven.length > 0)
    return { verification: "unverified", reason: `control of ${repository.fullName} proven; not proven: ${unproven.join("; ")}` };
  return {
    verification: "verified",
    reason: `control of ${repository.fullName} proven${registration.purls.size > 1 ? "; its packages' registry metadata names it" : ""}`,
  };
}

/** Attempts at the write when only the slug was taken meanwhile (each attempt picks the next free one). */
const WRITE_ATTEMPTS = 5;

async function insertWork(db: Db, plan: WorkPlan, actor: Actor, clock: Clock): Promise<Work> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => writeWork(tx, plan, actor, clock));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // A concurrent registration committed first (PostgreSQL: a unique index waits for it). Its
      // claim on the repository or a package is reported as the check would have; a slug it took is
      // not a conflict, and the next attempt picks another.
      await assertUnclaimed(
        db,
        plan.values.repositoryKey ?? undefined,
        plan.purls.map((p) => p.base),
        plan.githubId,
      );
      if (attempt >= WRITE_ATTEMPTS)
        throw new AppError("conflict", "The work could not be registered while other registrations were made: try again.", { cause: err });
    }
  }
}

async function writeWork(tx: Db, plan: WorkPlan, actor: Actor, clock: Clock): Promise<Work> {
  const purls = plan.purls.map((p) => p.base);
  await assertUnclaimed(tx, plan.values.repositoryKey ?? undefined, purls, plan.githubId);
  const slug = await uniqueSlug(tx, plan.slugBase);
  const [row] = await tx
    .insert(works)
    .values({ ...plan.values, slug })
    .returning();
  assert(row, "an inserted work is returned");
  if (plan.purls.length > 0) {
    await tx
      .insert(workPackages)
      .values(plan.purls.map((p) => ({ workId: row.id, purl: p.base, type: p.type, namespace: p.namespace, name: p.name })));
  }
  await tx.insert(workMaintainers).values({ workId: row.id, userId: actor.id });
  await recordClaimEvent(
    tx,
    { workId: row.id, event: "registered", verification: row.verification, reason: plan.claimReason, actorUserId: actor.id },
    clock,
  );
  if (row.licenseCheckedAt) {
    await tx.insert(workLicenseHistory).values({
      workId: row.id,
      effectiveOn: row.licenseCheckedAt.slice(0, 10),
      state: row.licenseState,
      spdxId: row.licenseSpdxId,
      createdAt: row.licenseCheckedAt,
    });
  }
  await recordAudit(
    tx,
    { actorUserId: actor.id, action: "work.registered", entityType: "work", entityId: row.id, after: { ...row, packages: purls } },
    clock,
  );
  return row;
}

const duplicateWork = (slug: string) =>
  new AppError("duplicate_work", `The repository is already registered as work ${slug}.`, {
    errors: [{ path: "/repository", message: `is already registered as ${slug}` }],
  });

/** Throws when another work (not `exceptWorkId`) claims the repository or one of the packages. */
export async function assertUnclaimed(
  db: Db,
  repositoryKey: string | undefined,
  purls: string[],
  githubId?: number,
  exceptWorkId?: number,
): Promise<void> {
  const other = (rows: { id: number; slug: string }[]) => rows.find((r) => r.id !== exceptWorkId);
  if (repositoryKey) {
    const existing = other(await db.select({ id: works.id, slug: works.slug }).from(works).where(eq(works.repositoryKey, repositoryKey)));
    if (existing) throw duplicateWork(existing.slug);
  }
  if (githubId !== undefined) {
    const existing = other(await db.select({ id: works.id, slug: works.slug }).from(works).where(eq(works.repositoryGithubId, githubId)));
    if (existing) throw duplicateWork(existing.slug);
  }
  if (purls.length > 0) {
    const rows = await db
      .select({ purl: workPackages.purl, slug: works.slug, id: works.id })
      .from(workPackages)
      .innerJoin(works, eq(works.id, workPackages.workId))
      .where(inArray(workPackages.purl, purls));
    const taken = rows.filter((r) => r.id !== exceptWorkId);
    if (taken.length > 0) {
      throw new AppError("purl_taken", `Package ${taken.map((t) => t.purl).join(", ")} already belongs to another work.`, {
        errors: taken.map((t) => ({ path: "/packages", message: `${t.purl} belongs to work ${t.slug}` })),
      });
    }
  }
}

/** Slugs that name pages rather than works. */
const RESERVED_SLUGS = new Set(["new", "mine"]);

async function uniqueSlug(db: Db, base: string): Promise<string> {
  for (let n = RESERVED_SLUGS.has(base) ? 2 : 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const [taken] = await db.select({ id: works.id }).from(works).where(eq(works.slug, candidate)).limit(1);
    if (!taken) return candidate;
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
