// CSRF protection (double-submit cookie, csrf-csrf): one instance per app, shared by the web pages and by
// the API, where a state-changing request authenticated by the web session cookie needs the token too.
import type { Request, RequestHandler } from "express";
import { doubleCsrf } from "csrf-csrf";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";

export const BROWSER_COOKIE = "rcp_browser";
export const CSRF_HEADER = "x-csrf-token";

export interface Csrf {
  /** Gives every request `req.csrfToken()`; validates nothing (routes do, see `validate`). */
  attachToken: RequestHandler;
  /** Refuses a request whose form field `_csrf` or `X-CSRF-Token` header is not this browser's token. */
  validate: RequestHandler;
  /** Whether the request carries this browser's token. */
  isValid(req: Request): boolean;
}

const cookies = (req: Request) => (req.cookies ?? {}) as Record<string, string | undefined>;
const instances = new WeakMap<AppDeps, Csrf>();

export function csrfFor(deps: AppDeps): Csrf {
  let csrf = instances.get(deps);
  if (csrf) return csrf;
  const secure = (deps.config.PUBLIC_URL ?? "").startsWith("https:");
  const { doubleCsrfProtection, validateRequest } = doubleCsrf({
    getSecret: () => deps.signer.deriveSecret("csrf"),
    // Tokens are bound to the browser (and so to its session once signed in).
    getSessionIdentifier: (req) => cookies(req)[BROWSER_COOKIE] ?? "",
    cookieName: "rcp_csrf",
    cookieOptions: { sameSite: "lax", secure, path: "/", httpOnly: true },
    getCsrfTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      return typeof body?._csrf === "string" ? body._csrf : req.get(CSRF_HEADER);
    },
    // Validation is each route's own (`validate`): a path no route answers is a 404, never a CSRF 403.
    skipCsrfProtection: () => true,
  });
  const invalid = () => new AppError("forbidden", "The form has expired or did not come from this site. Reload the page and try again.");
  csrf = {
    attachToken: doubleCsrfProtection,
    validate: (req, _res, next) => next(validateRequest(req) ? undefined : invalid()),
    isValid: (req) => validateRequest(req),
  };
  instances.set(deps, csrf);
  return csrf;
}
