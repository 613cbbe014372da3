import type { RequestHandler, Router } from "express";
import multer from "multer";
import { z } from "zod";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { today } from "../shared/clock.js";
import { getGrant } from "../grants/grants.queries.js";
import { verifySignature } from "../grants/signing-key.js";
import { getWorkBySlug, isMaintainer, listWorks, viewWork, workLicense } from "../works/works.queries.js";
import { listForks } from "../works/discover-forks.js";
import { baseUrlOf } from "../works/works.routes.js";
import { readLockfile } from "../checks/readers/read-lockfile.js";
import { runCheck } from "../checks/run-check.js";
import { openUsageWorkIds, saveCheck } from "../checks/save-check.js";
import { listOrganizationsFor, requireOrganizationAccess } from "../organizations/organizations.queries.js";
import { renderPage } from "./render.js";

const PAGE_SIZE = 20;

export function registerPublicPages(app: Router, deps: AppDeps, csrf: { validate: RequestHandler }): void {
  const { db, clock, config } = deps;

  app.get("/", (req, res) => {
    const q = typeof req.query.q === "string" ? req.query.q.slice(0, 200) : "";
    const page = Math.max(1, Math.min(10_000, Number(req.query.page) || 1));
    const result = listWorks(db, { q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, baseUrlOf(req, config.PUBLIC_URL));
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    const link = (p: number) => `/?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) }).toString()}`;
    renderPage(
      req,
      res,
      "home",
      {
        q,
        total: result.total,
        worksWord: result.total === 1 ? "work" : "works",
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

  app.get("/works/:slug", (req, res) => {
    if (!/^[a-z0-9-]{1,80}$/.test(req.params.slug)) throw new AppError("not_found", "Work was not found.");
    const work = getWorkBySlug(db, req.params.slug);
    const base = baseUrlOf(req, config.PUBLIC_URL);
    const view = viewWork(db, work, base);
    const canMaintain = Boolean(req.auth && (req.auth.isTreasurer || isMaintainer(db, work.id, req.auth.id)));
    const licenseText = workLicense(db, work, `${base}/works/${work.slug}`, "text");
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
        forks: canMaintain ? listForks(db, work.id).forks : [],
        similarity: work.licenseSimilarityBps === null ? null : `${(work.licenseSimilarityBps / 100).toFixed(1)} %`,
      },
      { title: work.title },
    );
  });

  const checkOrganizations = (req: Parameters<RequestHandler>[0]) =>
    req.auth ? listOrganizationsFor(db, req.auth).map((o) => ({ id: o.id, name: o.name })) : [];

  app.get("/check", (req, res) => {
    const selected = Number(req.query.organizationId) || null;
    renderPage(
      req,
      res,
      "check",
      {
        organizations: checkOrganizations(req).map((o) => ({ ...o, selected: o.id === selected })),
        report: null,
        maxMegabytes: Math.floor(config.MAX_UPLOAD_BYTES / 1_048_576),
      },
      { title: "Check a lockfile or SBOM" },
    );
  });

  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: config.MAX_UPLOAD_BYTES, files: 1, fields: 10 } });
  app.post(
    "/check",
    (req, res, next) => {
      upload.single("lockfile")(req, res, (err: unknown) => {
        if (err instanceof multer.MulterError)
          next(
            new AppError(
              err.code === "LIMIT_FILE_SIZE" ? "payload_too_large" : "bad_request",
              err.code === "LIMIT_FILE_SIZE"
                ? `The file is larger than ${Math.floor(config.MAX_UPLOAD_BYTES / 1_048_576)} MB.`
                : err.message,
            ),
          );
        else next(err as Error | undefined);
      });
    },
    csrf.validate,
    (req, res) => {
      const organizations = checkOrganizations(req);
      const body = z.object({ organizationId: z.string().optional() }).parse(req.body ?? {});
      const orgId = body.organizationId ? Number(body.organizationId) : null;
      const formView = {
        organizations: organizations.map((o) => ({ ...o, selected: o.id === orgId })),
        maxMegabytes: Math.floor(config.MAX_UPLOAD_BYTES / 1_048_576),
      };
      if (!req.file) {
        renderPage(
          req,
          res,
          "check",
          { ...formView, report: null, error: "Choose a lockfile or SBOM to upload." },
          { title: "Check a lockfile or SBOM", status: 422 },
        );
        return;
      }
      let read;
      try {
        read = readLockfile(req.file.buffer);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        renderPage(
          req,
          res,
          "check",
          { ...formView, report: null, error: err.message },
          { title: "Check a lockfile or SBOM", status: err.status },
        );
        return;
      }
      const organization = orgId && req.auth ? requireOrganizationAccess(db, req.auth, orgId) : null;
      const declared = organization ? openUsageWorkIds(db, organization.id, "commercial", today(clock)) : undefined;
      const report = runCheck(db, read, { organization, declaredWorkIds: declared }, { clock });
      const checkId = organization ? saveCheck(db, report, req.auth?.id ?? null, { clock }) : null;
      renderPage(
        req,
        res,
        "check",
        {
          ...formView,
          fileName: req.file.originalname,
          report: {
            ...report,
            checkId,
            organizationName: organization?.name ?? null,
            undeclared: report.matches.filter((m) => (m.obligation === "fee" || m.obligation === "held") && !m.declaredUsage).length,
            matches: report.matches.map((m) => ({
              ...m,
              alternative: m.licenseChoice === "non_ppl_alternative",
              declaredText: m.declaredUsage === undefined ? "" : m.declaredUsage ? "declared" : "not declared",
            })),
          },
          today: today(clock),
        },
        { title: "Check report" },
      );
    },
  );

  app.get("/grants/:id", (req, res) => {
    if (!/^[0-9a-f-]{36}$/.test(req.params.id)) throw new AppError("not_found", "Grant was not found.");
    const grant = getGrant(db, req.params.id);
    const valid = verifySignature(deps.signer.publicKeyPem, grant.document, grant.signature);
    renderPage(req, res, "grant", { grant, valid, publicKeyPem: deps.signer.publicKeyPem }, { title: `Grant ${grant.id}` });
  });
}
