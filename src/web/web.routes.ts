// The web pages: server-rendered with handlebars, forms that work without JavaScript,
// sessions in HttpOnly SameSite cookies, CSRF protection on every form.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import express, { type Express, type Request, type RequestHandler, type Router } from "express";
import type { AppDeps } from "../deps.js";
import type { ProblemRenderer } from "../http/problem.js";
import { TEMPLATES_DIR } from "../templates.js";
import { SESSION_COOKIE } from "./sessions.js";
import { BROWSER_COOKIE, csrfFor } from "./csrf.js";
import { renderPage } from "./render.js";
import { notices } from "./notices.js";
import { menuFor } from "./landing.js";
import { registerPublicPages } from "./public.pages.js";
import { registerAccountPages } from "./account.pages.js";
import { registerOrganizationPages } from "./organizations.pages.js";
import { registerMaintainerPages } from "./maintainers.pages.js";
import { registerTreasuryPages } from "./treasury.pages.js";
import { registerTransparencyPages } from "./transparency.pages.js";
import { registerDistributionPages } from "./distribution.pages.js";
import { registerIncomePages } from "./income.pages.js";
import { registerBooksDownload } from "./books.pages.js";
import { registerVenturePages } from "./venture.pages.js";

const cookies = (req: Request) => (req.cookies ?? {}) as Record<string, string | undefined>;
const FORM_LIMIT = "100kb";
const STATE_CHANGING = new Set(["post", "put", "patch", "delete"]);

/**
 * The router the page files register on: every state-changing route validates the CSRF token before its
 * handlers, unless it places `validate` itself (after reading an upload). Validation belongs to the routes,
 * so a path no route answers is a 404 whatever its method, never the CSRF refusal.
 */
function csrfGuarded(router: Router, validate: RequestHandler): Router {
  return new Proxy(router, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== "function") return value;
      if (typeof key === "string" && STATE_CHANGING.has(key))
        return (path: string, ...handlers: RequestHandler[]) =>
          (value as (...a: unknown[]) => unknown).call(target, path, ...(handlers.includes(validate) ? handlers : [validate, ...handlers]));
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

export function registerWebRoutes(app: Express, deps: AppDeps): void {
  const secure = (deps.config.PUBLIC_URL ?? "").startsWith("https:");
  const csrf = csrfFor(deps);

  const browserId: RequestHandler = (req, res, next) => {
    if (!cookies(req)[BROWSER_COOKIE]) {
      const id = randomBytes(18).toString("base64url");
      (req.cookies as Record<string, string>)[BROWSER_COOKIE] = id;
      res.cookie(BROWSER_COOKIE, id, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 365 * 86_400_000 });
    }
    next();
  };

  app.get("/favicon.ico", (_req, res) => {
    res.type("image/svg+xml").set("Cache-Control", "public, max-age=86400").sendFile(join(TEMPLATES_DIR, "../static/favicon.svg"));
  });
  app.use("/static", express.static(join(TEMPLATES_DIR, "../static"), { maxAge: "1h", index: false }));
  const web = express.Router();
  web.use(browserId);
  web.use(notices(deps.db, deps.clock, secure));
  web.use(express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 100 }));
  web.use(csrf.attachToken);
  // The menu of a signed-in user's pages (see renderPage): only what they can do.
  web.use(async (req, res, next) => {
    if (req.auth && req.method === "GET") res.locals.menu = await menuFor(deps.db, req.auth);
    next();
  });
  app.use(web);
  const pages = csrfGuarded(web, csrf.validate);
  // Maintainer pages first: /works/new must not be read as the work with slug "new".
  registerMaintainerPages(pages, deps);
  registerIncomePages(pages, deps);
  registerPublicPages(pages, deps, { validate: csrf.validate });
  registerAccountPages(pages, deps);
  registerOrganizationPages(pages, deps);
  registerTreasuryPages(pages, deps);
  registerTransparencyPages(pages, deps);
  registerDistributionPages(pages, deps);
  registerBooksDownload(pages, deps);
  registerVenturePages(pages, deps);
}

/** Errors on web pages: a page, not JSON; "sign in" sends the browser to the sign-in form. */
export const renderErrorPage: ProblemRenderer = (req, res, problem) => {
  if (problem.status === 401) {
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl.slice(0, 500))}`);
    return;
  }
  renderPage(req, res, "error", { problem }, { title: problem.title, status: problem.status });
};

export { BROWSER_COOKIE, SESSION_COOKIE };
