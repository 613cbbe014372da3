// Proving control of a work's repository with GitHub sign-in instead of a pasted token: the maintainers'
// page starts the OAuth flow for a proof, and the callback ends here with the fresh token, which proves
// control through the same domain function as a pasted token does, and is then dropped (never stored).
import type { Request, Response } from "express";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { getUser } from "../accounts/create-user.js";
import { linkGitHubLogin } from "../accounts/github-login.js";
import { getWorkBySlug, isMaintainer } from "../works/works.queries.js";
import { proveRepositoryControl, type ProveControlDeps } from "../works/prove-control.js";
import type { LicenseCheck } from "../works/register-work.js";
import { keepNotice } from "./notices.js";
import { redirectWithNotice } from "./render.js";
import { requireSignedIn } from "./guards.js";

/** What the proof is for: the work and the repository its maintainer named. */
export interface GitHubProof {
  slug: string;
  repository: string;
}

export const proveControlDeps = (deps: AppDeps): ProveControlDeps => ({
  clock: deps.clock,
  github: deps.github,
  githubApiUrl: deps.config.GITHUB_API_URL,
  npm: deps.npm,
});

/** The maintainer's notice after a proof. */
export function provenNotice(fullName: string, verification: string, check: LicenseCheck): string {
  const license =
    check.state === "ppl"
      ? `its ${check.path} is the Peer Production License`
      : check.state === "missing"
        ? "it has no license file: open the LICENSE pull request on the work's page"
        : `its ${check.path} is ${check.spdxId ?? "not a recognised license"}, not the PPL`;
  return `Control of ${fullName} proven; the work is ${verification}, and ${license}.`;
}

/** A refused proof, shown on the maintainers' page as an error summary with the repository kept. */
export async function refuseProof(res: Response, slug: string, repository: string, err: AppError): Promise<void> {
  await keepNotice(res, {
    kind: "error",
    message: `Control was not proven: ${err.message}`,
    form: "repository",
    errors: (err.errors ?? []).map((e) => ({ path: e.path.replace(/^\//, "") || "form", message: e.message })),
    values: { repository },
  });
  res.redirect(303, `/works/${slug}/maintain`);
}

export async function finishGitHubProof(
  req: Request,
  res: Response,
  deps: AppDeps,
  proof: GitHubProof & { login: string; token: string },
): Promise<void> {
  const user = requireSignedIn(req);
  const work = await getWorkBySlug(deps.db, proof.slug);
  if (!user.isTreasurer && !(await isMaintainer(deps.db, work.id, user.id)))
    throw new AppError("forbidden", "Only the work's maintainers may do this.");
  try {
    const linked = (await getUser(deps.db, user.id))?.githubLogin;
    if (linked && linked !== proof.login)
      throw new AppError(
        "forbidden",
        `You are linked to the GitHub login ${linked}, but GitHub signed you in as ${proof.login}. Sign in to GitHub as ${linked}, or paste a token.`,
      );
    if (!linked) await linkGitHubLogin(deps.db, { userId: user.id, login: proof.login }, { clock: deps.clock });
    const result = await proveRepositoryControl(
      deps.db,
      user,
      work,
      { repository: proof.repository, githubToken: proof.token },
      proveControlDeps(deps),
    );
    const notice = provenNotice(result.work.repositoryFullName ?? proof.repository, result.work.verification, result.licenseCheck);
    await redirectWithNotice(res, `/works/${work.slug}/maintain`, notice);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    await refuseProof(res, work.slug, proof.repository, err);
  }
}
