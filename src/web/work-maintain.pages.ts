// The maintainers' page of a work: what they say of it (description, versions under the PPL), who uses
// it (licensees), where its income is, and its claim history with disputes.
import type { Router } from "express";
import type { AppDeps } from "../deps.js";
import { today } from "../shared/clock.js";
import { registerWorkBody } from "../works/works.schemas.js";
import { updateWorkDetails } from "../works/update-work.js";
import { licenseesOf } from "../works/licensees.queries.js";
import { claimHistory } from "../works/work-claims.js";
import { formBody, formFromNotice, optionalText, parseForm } from "./forms.js";
import { attempt, redirectWithNotice, renderPage } from "./render.js";
import { requireSignedIn, requireWorkMaintainer } from "./guards.js";
import { worksMaintainedBy } from "../works/works.queries.js";
import { readableDate, readableInstant } from "./format.js";
import { proveRepositoryControl } from "../works/prove-control.js";
import { AppError } from "../shared/errors.js";
import { proveControlDeps, provenNotice, refuseProof } from "./github-proof.js";
import { beginGitHubFlow } from "./github-sign-in.pages.js";

const detailsForm = registerWorkBody.pick({ description: true, versionRange: true });

export function registerWorkMaintainPages(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;

  app.get("/works/mine", async (req, res) => {
    const user = requireSignedIn(req);
    const slugs = await worksMaintainedBy(db, user.id);
    renderPage(req, res, "works-mine", { works: slugs.map((slug) => ({ slug })) }, { title: "Your works" });
  });

  app.get("/works/:slug/maintain", async (req, res) => {
    const { user, work } = await requireWorkMaintainer(db, req);
    const day = today(clock);
    const { total, licensees } = await licenseesOf(db, work.id, day);
    const { events, disputes } = await claimHistory(db, user, work.slug);
    renderPage(
      req,
      res,
      "work-maintain",
      {
        work,
        form: formFromNotice(res, "details", { description: work.description ?? "", versionRange: work.versionRange ?? "" }),
        repositoryForm: formFromNotice(res, "repository", { repository: work.repositoryUrl ?? "" }),
        proveControl: work.verification !== "verified" || work.repositoryGithubId === null,
        gitHubSignIn: Boolean(deps.config.GITHUB_CLIENT_ID && deps.config.GITHUB_CLIENT_SECRET),
        licensees: licensees.map((l) => ({ ...l, sinceText: readableDate(l.since) })),
        total,
        more: total > licensees.length ? total - licensees.length : 0,
        history: events.map((e) => ({ ...e, atText: readableInstant(e.createdAt) })),
        disputes: disputes.map((d) => ({ ...d, openedText: readableInstant(d.createdAt) })),
      },
      { title: `Maintain ${work.title}` },
    );
  });

  app.post("/works/:slug/details", async (req, res) => {
    const { user, work } = await requireWorkMaintainer(db, req);
    const page = `/works/${work.slug}/maintain`;
    await attempt(req, res, { backTo: page, prefix: "The work was not changed", form: "details" }, async () => {
      const body = formBody(req);
      const f = parseForm(detailsForm, {
        description: optionalText.parse(body.description),
        versionRange: optionalText.parse(body.versionRange),
      });
      await updateWorkDetails(db, user, work, { description: f.description ?? null, versionRange: f.versionRange ?? null }, { clock });
      await redirectWithNotice(res, page, "The work's description and versions were saved.");
    });
  });

  registerProveControl(app, deps);
}

/** Adds the repository and proves control: with a pasted token, or through GitHub sign-in (no token). */
function registerProveControl(app: Router, deps: AppDeps): void {
  app.post("/works/:slug/repository", async (req, res) => {
    const { user, work } = await requireWorkMaintainer(deps.db, req);
    const body = formBody(req);
    const repository = typeof body.repository === "string" ? body.repository.trim().slice(0, 500) : "";
    if (body.method === "github") {
      beginGitHubFlow(res, deps, `/works/${work.slug}/maintain`, { slug: work.slug, repository });
      return;
    }
    const githubToken = typeof body.githubToken === "string" ? body.githubToken.trim() : "";
    try {
      if (!githubToken)
        throw new AppError("validation_failed", "give a GitHub token, or prove with GitHub sign-in", {
          errors: [{ path: "/githubToken", message: "is required to prove control with a token" }],
        });
      const result = await proveRepositoryControl(deps.db, user, work, { repository, githubToken }, proveControlDeps(deps));
      const notice = provenNotice(result.work.repositoryFullName ?? repository, result.work.verification, result.licenseCheck);
      await redirectWithNotice(res, `/works/${work.slug}/maintain`, notice);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      await refuseProof(res, work.slug, repository, err);
    }
  });
}
