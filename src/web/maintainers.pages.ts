import type { Request, Response, Router } from "express";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { registerWork, type RegisterWorkResult } from "../works/register-work.js";
import { registerWorkBody } from "../works/works.schemas.js";
import { openLicensePullRequest } from "../works/open-license-pull-request.js";
import { discoverForks } from "../works/discover-forks.js";
import { publicBaseUrl } from "../config.js";
import { listOrganizationsFor } from "../organizations/organizations.queries.js";
import { emptyForm, formBody, formFromError, optionalText, parseForm, textField, type FormState } from "./forms.js";
import { redirectWithError, redirectWithNotice, renderPage } from "./render.js";
import { requireSignedIn, requireWorkMaintainer } from "./guards.js";
import { registerWorkMaintainPages } from "./work-maintain.pages.js";

const registerForm = z.object({
  repository: optionalText,
  packages: optionalText,
  licensorOrganizationId: z.coerce.number({ error: "choose the licensor" }).int().positive("choose the licensor"),
  versionRange: optionalText,
  githubToken: optionalText,
});

/** What the maintainer is told after registering: whether the work is verified and what its license file is. */
function registeredNotice(result: RegisterWorkResult): string {
  const check = result.licenseCheck;
  const notice = !check
    ? "The work was registered. It has no GitHub repository, so it stays unverified."
    : check.state === "ppl"
      ? `Verified: you control the repository, and its ${check.path} is the Peer Production License (${(check.similarityBps / 100).toFixed(1)} % similar).`
      : check.state === "missing"
        ? "Verified, but the repository has no license file: open the LICENSE pull request below."
        : `Verified, but ${check.path} is ${check.spdxId ?? "not a recognised license"}, not the PPL: open the LICENSE pull request below.`;
  return notice + (result.suggestedPackages.length ? ` Its package.json suggests ${result.suggestedPackages.join(", ")}.` : "");
}

export function registerMaintainerPages(app: Router, deps: AppDeps): void {
  registerWorkForm(app, deps);
  registerWorkActions(app, deps);
  registerWorkMaintainPages(app, deps);
}

function registerWorkForm(app: Router, deps: AppDeps): void {
  const { db, clock, github, config } = deps;

  const formPage = async (req: Request, res: Response, form: FormState, status = 200) => {
    const user = requireSignedIn(req);
    const organizations = (await listOrganizationsFor(db, user)).map((o) => ({
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
      const result = await registerWork(db, input, user, { clock, github, githubApiUrl: config.GITHUB_API_URL, npm: deps.npm });
      await redirectWithNotice(res, `/works/${result.work.slug}`, registeredNotice(result));
    } catch (err) {
      await formPage(req, res, formFromError(values, err), err instanceof AppError ? err.status : 500);
    }
  });
}

function registerWorkActions(app: Router, deps: AppDeps): void {
  const { db, clock, github, config } = deps;

  app.post("/works/:slug/pull-request", async (req, res) => {
    const { user, work } = await requireWorkMaintainer(db, req);
    const token = textField(req, "githubToken");
    if (!token) {
      await redirectWithError(
        res,
        `/works/${work.slug}`,
        "Give a GitHub token with write access to open the pull request.",
        "pull-request",
      );
      return;
    }
    try {
      const { pullRequest, created } = await openLicensePullRequest(
        db,
        work,
        { githubToken: token, actor: user, workUrl: `${publicBaseUrl(config)}/works/${work.slug}` },
        { clock, github },
      );
      await redirectWithNotice(
        res,
        `/works/${work.slug}`,
        `${created ? "Opened" : "Already open"}: pull request #${pullRequest.number} (${pullRequest.htmlUrl}).`,
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      await redirectWithError(res, `/works/${work.slug}`, `The pull request could not be opened: ${err.message}`, "pull-request");
    }
  });

  app.post("/works/:slug/forks", async (req, res) => {
    const { work } = await requireWorkMaintainer(db, req);
    try {
      const result = await discoverForks(db, work, { clock, github });
      await redirectWithNotice(
        res,
        `/works/${work.slug}`,
        `${result.forks.length} fork(s) found${result.truncated ? " (the first thousand)" : ""}.`,
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      await redirectWithError(res, `/works/${work.slug}`, `Forks could not be listed: ${err.message}`);
    }
  });
}
