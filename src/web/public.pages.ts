import { divideRoundHalfUp, moneyJson } from "../shared/money.js";
import type { Request, RequestHandler, Router } from "express";
import multer from "multer";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { today } from "../shared/clock.js";
import { getGrant } from "../grants/grants.queries.js";
import { verifySignature } from "../grants/signing-key.js";
import { getWorkBySlug, isMaintainer, listWorks, viewWork, workLicense } from "../works/works.queries.js";
import { listForks } from "../works/discover-forks.js";
import { publicBaseUrl } from "../config.js";
import { checkLockfile, UnreadableLockfile, type CheckReportView } from "../checks/check-lockfile.js";
import { checkGuards } from "../checks/check-guards.routes.js";
import { listOrganizationsFor } from "../organizations/organizations.queries.js";
import { renderPage } from "./render.js";
import { idParam } from "./guards.js";
import { formBody, parseForm } from "./forms.js";

const PAGE_SIZE = 20;

/** Public pages whose anonymous answer depends only on the URL and the data (the response cache may keep it). */
export const CACHEABLE_PAGES = ["/", "/works/:slug"] as const;
const CHECK_TITLE = "Check a lockfile or SBOM";

export function registerPublicPages(app: Router, deps: AppDeps, csrf: { validate: RequestHandler }): void {
  registerRegistryPages(app, deps);
  registerCheckPages(app, deps, csrf);
  registerGrantPage(app, deps);
}

function registerRegistryPages(app: Router, deps: AppDeps): void {
  const { db, config } = deps;

  app.get("/", async (req, res) => {
    const q = typeof req.query.q === "string" ? req.query.q.slice(0, 200) : "";
    const page = Math.max(1, Math.min(10_000, Number(req.query.page) || 1));
    const result = await listWorks(db, { q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, withTotal: true }, publicBaseUrl(config));
    const total = result.total ?? 0;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const link = (p: number) => `/?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) }).toString()}`;
    renderPage(
      req,
      res,
      "home",
      {
        q,
        total: total,
        worksWord: total === 1 ? "work" : "works",
        works: result.works.map((w) => ({
          ...w,
          stateBadge: w.license.state === "ppl" ? "ok" : w.license.state === "other" || w.license.state === "missing" ? "bad" : "warn",
        })),
        page,
        pages,
        previous: page > 1 ? link(page - 1) : null,
        next: page < pages ? link(page + 1) : null,
      },
      { title: "The registry of works" },
    );
  });

  app.get("/works/:slug", async (req, res) => {
    if (!/^[a-z0-9-]{1,80}$/.test(req.params.slug)) throw new AppError("not_found", "Work was not found.");
    const work = await getWorkBySlug(db, req.params.slug);
    const base = publicBaseUrl(config);
    const view = await viewWork(db, work, base);
    const canMaintain = Boolean(req.auth && (req.auth.isTreasurer || (await isMaintainer(db, work.id, req.auth.id))));
    const licenseText = await workLicense(db, work, `${base}/works/${work.slug}`, "text");
    renderPage(
      req,
      res,
      "work",
      {
        work: view,
        licenseText,
        badgeMarkdown: `[![PPL](${base}/api/v1/works/${work.slug}/badge.svg)](${base}/works/${work.slug})`,
        canMaintain,
        canOpenPullRequest: canMaintain && work.verification === "verified",
        forks: canMaintain ? (await listForks(db, work.id)).forks : [],
        similarity: work.licenseSimilarityBps === null ? null : `${(work.licenseSimilarityBps / 100).toFixed(1)} %`,
      },
      { title: work.title },
    );
  });
}

/** The report as the check page shows it. */
function reportView(report: CheckReportView, organizationName: string | null) {
  return {
    ...report,
    organizationName,
    // Usages are declared per work (one fee per work, whatever its versions): count works, not packages.
    undeclared: new Set(report.matches.filter((m) => m.declaredUsage === false).map((m) => m.work.slug)).size,
    monthlyFee: report.totals.annualFee
      ? moneyJson(Number(divideRoundHalfUp(BigInt(report.totals.annualFee.amountMinor), 12n)), report.totals.annualFee.currency)
      : null,
    nothingOwed: organizationName !== null && (!report.totals.annualFee || report.totals.annualFee.amountMinor === 0),
    matches: report.matches.map((m) => ({
      ...m,
      alternative: m.licenseChoice === "non_ppl_alternative",
      declaredText: m.declaredUsage === undefined ? "" : m.declaredUsage ? "declared" : "not declared",
    })),
    works: report.works.map((w) => ({
      ...w,
      unverified: w.obligation === "unverified",
      declaredText: w.declaredUsage === undefined ? "" : w.declaredUsage ? "declared" : "not declared",
    })),
  };
}

function registerCheckPages(app: Router, deps: AppDeps, csrf: { validate: RequestHandler }): void {
  const { db, clock, config } = deps;
  const maxMegabytes = Math.floor(config.MAX_UPLOAD_BYTES / 1_048_576);

  const checkOrganizations = async (req: Request) =>
    req.auth ? (await listOrganizationsFor(db, req.auth)).map((o) => ({ id: o.id, name: o.name })) : [];

  app.get("/check", async (req, res) => {
    const selected = Number(req.query.organizationId) || null;
    const organizations = (await checkOrganizations(req)).map((o) => ({ ...o, selected: o.id === selected }));
    renderPage(req, res, "check", { organizations, report: null, maxMegabytes }, { title: CHECK_TITLE });
  });

  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: config.MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 12, fieldSize: 10_000 },
  });
  const readUpload: RequestHandler = (req, res, next) => {
    upload.single("lockfile")(req, res, (err: unknown) => {
      if (err === undefined || err === null || err instanceof AppError) next(err ?? undefined);
      else if (err instanceof multer.MulterError && err.code === "LIMIT_FILE_SIZE")
        next(new AppError("payload_too_large", `The file is larger than ${maxMegabytes} MB.`));
      // Every other failure to read the form (a limit, a broken multipart body, a bad boundary) is the
      // client's: busboy's plain Errors included.
      else next(new AppError("bad_request", `The upload could not be read: ${err instanceof Error ? err.message : "error"}.`));
    });
  };

  // The API's limits, with the same counts: anonymous checks a minute per address, checks in flight.
  const guards = checkGuards(deps);
  app.post("/check", guards.rateLimit, guards.concurrency, readUpload, csrf.validate, async (req, res) => {
    const body = parseForm(z.object({ organizationId: z.string().max(20).optional() }), formBody(req));
    const orgId = body.organizationId ? Number(body.organizationId) : null;
    const formView = {
      organizations: (await checkOrganizations(req)).map((o) => ({ ...o, selected: o.id === orgId })),
      maxMegabytes,
    };
    const refuse = (error: string, status: number) =>
      renderPage(req, res, "check", { ...formView, report: null, error }, { title: CHECK_TITLE, status });
    if (!req.file) {
      refuse("Choose a lockfile or SBOM to upload.", 422);
      return;
    }
    // Only a signed-in user checks for an organization; the form's choice is ignored otherwise.
    const organizationId = orgId && req.auth ? idParam(body.organizationId, "Organization was not found.") : null;
    let checked;
    try {
      checked = await checkLockfile(db, { body: req.file.buffer, organizationId, actor: req.auth ?? null }, { clock });
    } catch (err) {
      if (!(err instanceof UnreadableLockfile)) throw err;
      refuse(err.message, err.status);
      return;
    }
    renderPage(
      req,
      res,
      "check",
      {
        ...formView,
        fileName: req.file.originalname,
        report: reportView(checked.report, checked.organization?.name ?? null),
        today: today(clock),
      },
      { title: "Check report" },
    );
  });
}

function registerGrantPage(app: Router, deps: AppDeps): void {
  app.get("/grants/:id", async (req, res) => {
    if (!/^[0-9a-f-]{36}$/.test(req.params.id)) throw new AppError("not_found", "Grant was not found.");
    const grant = await getGrant(deps.db, req.params.id);
    const valid = verifySignature(deps.signer.publicKeyPem, grant.document, grant.signature);
    renderPage(req, res, "grant", { grant, valid, publicKeyPem: deps.signer.publicKeyPem }, { title: `Grant ${grant.id}` });
  });
}
