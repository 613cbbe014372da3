import type { Request, Response, Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { registerWork } from "../works/register-work.js";
import { registerWorkBody } from "../works/works.schemas.js";
import { getWorkBySlug, isMaintainer } from "../works/works.queries.js";
import { openLicensePullRequest } from "../works/open-license-pull-request.js";
import { discoverForks } from "../works/discover-forks.js";
import { baseUrlOf } from "../works/works.routes.js";
import { listOrganizationsFor } from "../organizations/organizations.queries.js";
import { emptyForm, formBody, formFromError, optionalText, parseForm, textField, type FormState } from "./forms.js";
import { redirectWithNotice, renderPage } from "./render.js";
import { requireSignedIn } from "./web.routes.js";

const registerForm = z.object({
  repository: optionalText,
  packages: optionalText,
  licensorOrganizationId: z.coerce.number({ error: "choose the licensor" }).int().positive("choose the licensor"),
  versionRange: optionalText,
  githubToken: optionalText,
});

export function registerMaintainerPages(app: Router, deps: AppDeps): void {
  const { db, clock, github, config } = deps;

  const formPage = (req: Request, res: Response, form: FormState, status = 200) => {
    const user = requireSignedIn(req);
    const organizations = listOrganizationsFor(db, user).map((o) => ({
      id: o.id,
      name: o.name,
      selected: String(o.id) === (typeof form.values.licensorOrganizationId === "string" ? form.values.licensorOrganizationId : ""),
    }));
    // The GitHub token is never sent back to the browser.
    form.values.githubToken = "";
    renderPage(req, res, "work-new", { form, organizations }, { title: "Register a work", status });
  };

  app.get("/works/new", (req, res) => formPage(req, res, emptyForm()));

  app.post("/works/new", async (req, res) => {
    const user = requireSignedIn(req);
    const values = formBody(req);
    try {
      const f = parseForm(registerForm, values);
      const input = parseForm(registerWorkBody, {
        ...(f.repository ? { repository: f.repository } : {}),
        ...(f.packages ? { packages: f.packages.split(/[\s,]+/).filter(Boolean) } : {}),
        licensorOrganizationId: f.licensorOrganizationId,
        ...(f.versionRange ? { versionRange: f.versionRange } : {}),
        ...(f.githubToken ? { githubToken: f.githubToken } : {}),
      });
      const result = await registerWork(db, input, user, { clock, github, githubApiUrl: config.GITHUB_API_URL });
      const check = result.licenseCheck;
      const notice = !check
        ? "The work was registered. It has no GitHub repository, so it stays unverified."
        : check.state === "ppl"
          ? `Verified: you control the repository, and its ${check.path} is the Peer Production License (${(check.similarityBps / 100).toFixed(1)} % similar).`
          : check.state === "missing"
            ? "Verified, but the repository has no license file: open the LICENSE pull request below."
            : `Verified, but ${check.path} is ${check.spdxId ?? "not a recognised license"}, not the PPL: open the LICENSE pull request below.`;
      redirectWithNotice(
        res,
        `/works/${result.work.slug}`,
        notice + (result.suggestedPackages.length ? ` Its package.json suggests ${result.suggestedPackages.join(", ")}.` : ""),
      );
    } catch (err) {
      formPage(req, res, formFromError(values, err), err instanceof AppError ? err.status : 500);
    }
  });

  const maintained = (req: Request) => {
    const user = requireSignedIn(req);
    const work = getWorkBySlug(db, String(req.params.slug));
    if (!user.isTreasurer && !isMaintainer(db, work.id, user.id))
      throw new AppError("forbidden", "Only the work's maintainers may do this.");
    return { user, work };
  };

  app.post("/works/:slug/pull-request", async (req, res) => {
    const { user, work } = maintained(req);
    const token = textField(req, "githubToken");
    if (!token) {
      redirectWithNotice(res, `/works/${work.slug}`, "Give a GitHub token with write access to open the pull request.");
      return;
    }
    try {
      const { pullRequest, created } = await openLicensePullRequest(
        db,
        work,
        { githubToken: token, actor: user, workUrl: `${baseUrlOf(req, config.PUBLIC_URL)}/works/${work.slug}` },
        { clock, github },
      );
      redirectWithNotice(
        res,
        `/works/${work.slug}`,
        `${created ? "Opened" : "Already open"}: pull request #${pullRequest.number} (${pullRequest.htmlUrl}).`,
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      redirectWithNotice(res, `/works/${work.slug}`, `The pull request could not be opened: ${err.message}`);
    }
  });

  app.post("/works/:slug/forks", async (req, res) => {
    const { work } = maintained(req);
    try {
      const result = await discoverForks(db, work, { clock, github });
      redirectWithNotice(
        res,
        `/works/${work.slug}`,
        `${result.forks.length} fork(s) found${result.truncated ? " (the first thousand)" : ""}.`,
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      redirectWithNotice(res, `/works/${work.slug}`, `Forks could not be listed: ${err.message}`);
    }
  });
}
