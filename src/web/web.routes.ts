// The web pages: server-rendered with handlebars, forms that work without JavaScript,
// sessions in HttpOnly SameSite cookies, CSRF protection on every form.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import express, { type Express, type Request, type RequestHandler } from "express";
import { doubleCsrf } from "csrf-csrf";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import type { ProblemRenderer } from "../http/problem.js";
import { TEMPLATES_DIR } from "../templates.js";
import { SESSION_COOKIE } from "./sessions.js";
import { renderPage } from "./render.js";
import { notices } from "./notices.js";
import { registerPublicPages } from "./public.pages.js";
import { registerAccountPages } from "./account.pages.js";
import { registerOrganizationPages } from "./organizations.pages.js";
import { registerMaintainerPages } from "./maintainers.pages.js";
import { registerTreasuryPages } from "./treasury.pages.js";
import { registerTransparencyPages } from "./transparency.pages.js";

export const BROWSER_COOKIE = "rcp_browser";
const FORM_LIMIT = "100kb";

const cookies = (req: Request) => (req.cookies ?? {}) as Record<string, string | undefined>;

export function registerWebRoutes(app: Express, deps: AppDeps): void {
  const secure = (deps.config.PUBLIC_URL ?? "").startsWith("https:");
  const { doubleCsrfProtection, validateRequest } = doubleCsrf({
    getSecret: () => deps.signer.deriveSecret("csrf"),
    // Tokens are bound to the browser (and so to its session once signed in).
    getSessionIdentifier: (req) => cookies(req)[BROWSER_COOKIE] ?? "",
    cookieName: "rcp_csrf",
    cookieOptions: { sameSite: "lax", secure, path: "/", httpOnly: true },
    getCsrfTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      return typeof body?._csrf === "string" ? body._csrf : req.get("x-csrf-token");
    },
    skipCsrfProtection: (req) => req.path === "/check" && req.method === "POST", // validated after the upload is read
  });

  const browserId: RequestHandler = (req, res, next) => {
    if (!cookies(req)[BROWSER_COOKIE]) {
      const id = randomBytes(18).toString("base64url");
      (req.cookies as Record<string, string>)[BROWSER_COOKIE] = id;
      res.cookie(BROWSER_COOKIE, id, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 365 * 86_400_000 });
    }
    next();
  };

  const csrfInvalid = new AppError("forbidden", "The form has expired or did not come from this site. Reload the page and try again.");
  const validate: RequestHandler = (req, _res, next) => next(validateRequest(req) ? undefined : csrfInvalid);

  app.get("/favicon.ico", (_req, res) => {
    res.type("image/svg+xml").set("Cache-Control", "public, max-age=86400").sendFile(join(TEMPLATES_DIR, "../static/favicon.svg"));
  });
  app.use("/static", express.static(join(TEMPLATES_DIR, "../static"), { maxAge: "1h", index: false }));
  const web = express.Router();
  web.use(browserId);
  web.use(notices(deps.db, deps.clock, secure));
  web.use(express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 100 }));
  web.use((req, res, next) => {
    doubleCsrfProtection(req, res, (err?: unknown) => next(err ? csrfInvalid : undefined));
  });
  app.use(web);
  // Maintainer pages first: /works/new must not be read as the work with slug "new".
  registerMaintainerPages(web, deps);
  registerPublicPages(web, deps, { validate });
  registerAccountPages(web, deps);
  registerOrganizationPages(web, deps);
  registerTreasuryPages(web, deps);
  registerTransparencyPages(web, deps);
}

/** Errors on web pages: a page, not JSON; "sign in" sends the browser to the sign-in form. */
export const renderErrorPage: ProblemRenderer = (req, res, problem) => {
  if (problem.status === 401) {
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl.slice(0, 500))}`);
    return;
  }
  renderPage(req, res, "error", { problem }, { title: problem.title, status: problem.status });
};

export { SESSION_COOKIE };
