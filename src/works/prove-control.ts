// A work's maintainers add its repository later (a work registered by its packages only) and prove
// control of it later, with the same rule as at registration (`readGitHub`, `proveClaim`): a token with
// admin or maintain permission on the GitHub repository, used for the check and not stored. A proven
// claim is written with its license check, the repository's own pkg:github purl and a claim event; a
// work a treasurer verified by hand stays verified.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { execute, lockForUpdate } from "../db/sql.js";
import { workLicenseHistory, workPackages, works } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import type { Actor } from "../shared/actor.js";
import { recordAudit } from "../audit/record-audit.js";
import type { GitHub } from "../github/github-client.js";
import { fromParts, parsePurl, type ParsedPurl } from "../purl/purl.js";
import { isGitHubHost, parseRepositoryUrl, type RepositoryRef } from "./parse-repository.js";
import { assertUnclaimed, proveClaim, readGitHub, type Claim, type GitHubFacts, type LicenseCheck } from "./register-work.js";
import { recordClaimEvent } from "./work-claims.js";
import { getWorkBySlug, isMaintainer, type Work } from "./works.queries.js";
import type { NpmRegistry } from "./npm-registry.js";

export interface ProveControlInput {
  /** The repository URL; defaults to the work's own. A work that has one cannot name another. */
  repository?: string | undefined;
  githubToken: string;
}

export interface ProveControlDeps {
  clock: Clock;
  github: GitHub;
  githubApiUrl: string;
  npm?: NpmRegistry | undefined;
}

const refused = (message: string) => new AppError("validation_failed", message, { errors: [{ path: "/repository", message }] });

/** The repository the maintainer names, checked against the work's own and the GitHub host. */
function repositoryToProve(work: Work, given: string | undefined, githubApiUrl: string): RepositoryRef {
  const url = given?.trim() || work.repositoryUrl;
  if (!url) throw refused("give the work's repository URL");
  const repo = parseRepositoryUrl(url);
  if (typeof repo === "string") throw refused(repo);
  if (work.repositoryKey && repo.key !== work.repositoryKey) throw refused(`is not the work's repository (${work.repositoryUrl})`);
  if (!isGitHubHost(repo.host, githubApiUrl)) throw refused("control can be proven for GitHub repositories only");
  return repo;
}

export async function proveRepositoryControl(
  db: Db,
  actor: Actor,
  work: Work,
  input: ProveControlInput,
  deps: ProveControlDeps,
): Promise<{ work: Work; licenseCheck: LicenseCheck; claim: Claim }> {
  if (!actor.isTreasurer && !(await isMaintainer(db, work.id, actor.id)))
    throw new AppError("forbidden", "Only the work's maintainers may do this.");
  const repo = repositoryToProve(work, input.repository, deps.githubApiUrl);
  await assertUnclaimed(db, repo.key, [], undefined, work.id);
  const facts = await readGitHub(repo, input.githubToken, deps.github);
  const purls = new Map<string, ParsedPurl>();
  const rows = await db.select({ purl: workPackages.purl }).from(workPackages).where(eq(workPackages.workId, work.id));
  for (const { purl } of rows) {
    const parsed = parsePurl(purl);
    if (typeof parsed !== "string") purls.set(parsed.base, parsed);
  }
  const own = ownPurl(facts);
  purls.set(own.base, own);
  const claim = await proveClaim({ repo, onGitHub: true, purls }, facts, deps.npm);
  const updated = await db.transaction((tx) => writeProof(tx, actor, work.slug, facts, claim, deps.clock));
  return { work: updated, licenseCheck: facts.licenseCheck, claim };
}

const ownPurl = (facts: GitHubFacts) => {
  const [owner, name] = facts.repository.fullName.split("/") as [string, string];
  return fromParts("github", owner, name, null);
};

async function writeProof(tx: Db, actor: Actor, slug: string, facts: GitHubFacts, claim: Claim, clock: Clock): Promise<Work> {
  await execute(tx, sql`select ${works.id} from ${works} where ${works.slug} = ${slug}${lockForUpdate(tx)}`);
  const before = await getWorkBySlug(tx, slug);
  const gh = facts.repository;
  if (before.repositoryKey && before.repositoryKey !== gh.key) throw refused(`is not the work's repository (${before.repositoryUrl})`);
  const own = ownPurl(facts);
  await assertUnclaimed(tx, gh.key, [own.base], gh.id, before.id);
  const now = isoNow(clock);
  const check = facts.licenseCheck;
  // Proof adds to a claim: a work a treasurer verified by hand is not unverified by it.
  const verification = before.verification === "verified" ? "verified" : claim.verification;
  const [work] = await tx
    .update(works)
    .set({
      repositoryGithubId: gh.id,
      repositoryFullName: gh.fullName,
      repositoryKey: gh.key,
      repositoryUrl: gh.url,
      defaultBranch: gh.defaultBranch,
      verification,
      licenseState: check.state,
      licenseSpdxId: check.spdxId,
      licenseSimilarityBps: check.similarityBps,
      licensePath: check.path,
      licenseCheckedAt: now,
      updatedAt: now,
    })
    .where(eq(works.id, before.id))
    .returning();
  if (!work) throw new AppError("not_found", "Work was not found.");
  const [has] = await tx.select({ purl: workPackages.purl }).from(workPackages).where(eq(workPackages.purl, own.base)).limit(1);
  if (!has)
    await tx.insert(workPackages).values({ workId: work.id, purl: own.base, type: own.type, namespace: own.namespace, name: own.name });
  await tx
    .insert(workLicenseHistory)
    .values({ workId: work.id, effectiveOn: now.slice(0, 10), state: check.state, spdxId: check.spdxId, createdAt: now });
  await recordClaimEvent(
    tx,
    { workId: work.id, event: "control_proven", verification, reason: claim.reason, actorUserId: actor.id },
    clock,
  );
  await recordAudit(
    tx,
    {
      actorUserId: actor.id,
      action: "work.control_proven",
      entityType: "work",
      entityId: work.id,
      before: { repositoryUrl: before.repositoryUrl, verification: before.verification, licenseState: before.licenseState },
      after: { repositoryUrl: work.repositoryUrl, verification, licenseState: work.licenseState, reason: claim.reason },
    },
    clock,
  );
  return work;
}
