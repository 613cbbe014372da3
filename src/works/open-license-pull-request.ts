import type { Db } from "../db/client.js";
import type { Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import type { Actor } from "../shared/actor.js";
import { recordAudit } from "../audit/record-audit.js";
import { LICENSE_BRANCH, type GitHub, type PullRequestInfo } from "../github/github-client.js";
import { isMaintainer, type Work, workLicense } from "./works.queries.js";

/** Opens (once) the pull request that adds the generated LICENSE; a second call returns it. */
export async function openLicensePullRequest(
  db: Db,
  work: Work,
  input: { githubToken: string; actor: Actor; workUrl: string },
  deps: { clock: Clock; github: GitHub },
): Promise<{ pullRequest: PullRequestInfo; created: boolean }> {
  if (!input.actor.isTreasurer && !(await isMaintainer(db, work.id, input.actor.id))) {
    throw new AppError("forbidden", "Only the work's maintainers may open its license pull request.");
  }
  if (!work.repositoryFullName || work.verification !== "verified" || !work.defaultBranch) {
    throw new AppError("invalid_state", "The work has no verified GitHub repository to open a pull request on.");
  }
  const [owner, repo] = work.repositoryFullName.split("/") as [string, string];
  const existing = await deps.github.findOpenPullRequest(owner, repo, LICENSE_BRANCH, input.githubToken);
  if (existing) return { pullRequest: existing, created: false };
  const licenseText = await workLicense(db, work, input.workUrl, "text");
  const pullRequest = await deps.github.openLicensePullRequest(
    {
      owner,
      repo,
      defaultBranch: work.defaultBranch,
      licenseText,
      title: "Add the Peer Production License",
      body: `This pull request adds the Peer Production License (SPDX: PPL) as registered with the commune fund.\n\nWork page: ${input.workUrl}`,
    },
    input.githubToken,
  );
  // GitHub has the pull request whatever happens here: only the audit entry is ours to write.
  await db.transaction((tx) =>
    recordAudit(
      tx,
      {
        actorUserId: input.actor.id,
        action: "work.license_pull_request_opened",
        entityType: "work",
        entityId: work.id,
        after: pullRequest,
      },
      deps.clock,
    ),
  );
  return { pullRequest, created: true };
}
