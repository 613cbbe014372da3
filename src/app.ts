// The express app factory, used by `npm start` and by the tests alike.
import { registerAssetRoutes } from "./assets/assets.routes.js";
import { registerBondRoutes } from "./bonds/bonds.routes.js";
import { registerVentureRoutes } from "./bonds/venture.routes.js";
import express, { type Express, type RequestHandler } from "express";
import { logRequest, requestLog } from "./http/request-log.js";
import { proxyHint } from "./http/proxy-hint.js";
import { securityHead, securityHeaders } from "./http/security-headers.js";
import { healthCheck } from "./http/health.js";
import { ResponseCache } from "./http/response-cache.js";
import { dataVersionReader } from "./db/data-version.js";
import { CACHEABLE_PAGES } from "./web/public.pages.js";
import { NOTICE_COOKIE } from "./web/notices.js";
import { ApiRouter } from "./http/route.js";
import { authenticate } from "./http/auth.js";
import { errorHandler, notFoundHandler } from "./http/problem.js";
import { buildOpenApi } from "./http/openapi.js";
import { registerAccountRoutes } from "./accounts/accounts.routes.js";
import { registerOrganizationRoutes } from "./organizations/organizations.routes.js";
import { registerAuditRoutes } from "./audit/audit.routes.js";
import { registerWorkRoutes } from "./works/works.routes.js";
import { registerWebhookRoutes } from "./github/webhooks.routes.js";
import type { AppDeps } from "./deps.js";
import { VERSION } from "./version.js";
import cookieParser from "cookie-parser";
import { registerWebRoutes, renderErrorPage } from "./web/web.routes.js";
import { SESSION_COOKIE, userForSession } from "./web/sessions.js";
import { csrfFor } from "./web/csrf.js";
import { AppError } from "./shared/errors.js";
import { registerUsageRoutes } from "./usage/usage.routes.js";
import { registerCheckRoutes } from "./checks/checks.routes.js";
import { registerFeeRoutes } from "./fees/fees.routes.js";
import { registerBillingRoutes } from "./billing/billing.routes.js";
import { registerInvoiceRoutes } from "./invoices/invoices.routes.js";
import { registerLedgerRoutes } from "./ledger/ledger.routes.js";
import { registerGrantRoutes, registerSigningKeyRoute } from "./grants/grants.routes.js";
import { registerBooksLogRoutes, registerBooksRoutes } from "./books/books.routes.js";
import { registerDistributionRoutes } from "./distribution/distribution.routes.js";
import { registerPayoutRoutes } from "./payouts/payouts.routes.js";

/** The API's features, in registration order. */
const API_FEATURES: ((api: ApiRouter, deps: AppDeps) => void)[] = [
  registerAccountRoutes,
  registerOrganizationRoutes,
  registerAuditRoutes,
  registerWorkRoutes,
  registerUsageRoutes,
  registerCheckRoutes,
  registerFeeRoutes,
  registerBillingRoutes,
  registerInvoiceRoutes,
  registerLedgerRoutes,
  registerGrantRoutes,
  registerBooksRoutes,
  registerDistributionRoutes,
  registerPayoutRoutes,
  registerAssetRoutes,
  registerBondRoutes,
  registerVentureRoutes,
];

/** JSON request bodies: generous for an API that takes lists, small enough to refuse abuse. */
export const JSON_BODY_LIMIT = "1mb";

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // X-Forwarded-* are believed only from the proxies TRUST_PROXY names (express's syntax). Without it, the first
  // forwarded request from a local address (a proxy forgotten in the settings) gets one warning in the log.
  const trustProxy = trustProxySetting(deps.config.TRUST_PROXY);
  app.set("trust proxy", trustProxy);
  if (trustProxy === false) app.use(proxyHint(deps.logger));
  // Public reads answered whole from memory until the next commit, ahead of every other middleware: a served
  // answer carries the headers it was stored with (the security headers among them), its own request id and
  // log line.
  const version = dataVersionReader(deps.db);
  const responseCache = new ResponseCache({
    version,
    perRequest: (req, res) => [["X-Request-Id", logRequest(deps.logger, req, res)]],
    personalCookies: [SESSION_COOKIE, NOTICE_COOKIE],
  });
  app.use(responseCache.middleware());
  // Served over plain HTTP (the default), asking browsers to upgrade requests or to remember HTTPS
  // would break the pages for anyone not on localhost; both are on when PUBLIC_URL is https.
  const https = (deps.config.PUBLIC_URL ?? "").startsWith("https:");
  const security = {
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } },
    strictTransportSecurity: https,
  };
  // Liveness: the database answered a read after the request arrived (the data version: a compiled statement on
  // SQLite; on PostgreSQL the round trip pending when it arrived, or a new one — one round trip at most, not the two
  // a cache's fresh read may wait); its head is written in one call, ahead of the per-request middleware, cookies,
  // sessions and routers.
  app.get("/healthz", healthCheck(version.joinPending, deps.logger, securityHead(security)));
  // One line per request (id, method, URL, status, time); the client's X-Request-Id is kept when it looks like one.
  app.use(requestLog(deps.logger));
  app.use(securityHeaders(security));
  registerWebhookRoutes(app, deps);
  app.use(cookieParser());
  app.use(
    authenticate(deps.db, deps.clock, (req) =>
      userForSession(deps.db, (req.cookies as Record<string, string | undefined>)[SESSION_COOKIE], deps.clock),
    ),
  );

  registerSigningKeyRoute(app, deps);
  registerBooksLogRoutes(app, deps);

  const apiRouter = express.Router();
  const api = new ApiRouter(
    apiRouter,
    "/api/v1",
    express.json({ limit: JSON_BODY_LIMIT, type: ["application/json", "application/*+json"] }),
    deps.config.CHECK_RESPONSES,
    sessionNeedsCsrfToken(deps),
  );
  for (const register of API_FEATURES) register(api, deps);
  responseCache.allow([...api.cacheablePaths, ...CACHEABLE_PAGES]);

  const openapi = buildOpenApi(api.routes, { version: VERSION, serverUrl: "/api/v1" });
  apiRouter.get("/openapi.json", (_req, res) => {
    res.json(openapi);
  });
  app.use("/api/v1", apiRouter);
  // Whatever the method, an unknown API path is a 404 problem, never the web pages' CSRF refusal.
  app.use("/api", notFoundHandler);
  registerWebRoutes(app, deps);

  app.use(notFoundHandler);
  app.use(errorHandler(renderErrorPage));
  return app;
}

/**
 * The API takes bearer tokens; a state-changing request that the web session cookie authenticates (a page's
 * script) must also carry the page's CSRF token in `X-CSRF-Token`, or another site could make the browser
 * send it.
 */
function sessionNeedsCsrfToken(deps: AppDeps): RequestHandler {
  const csrf = csrfFor(deps);
  return (req, _res, next) => {
    if (req.auth?.via !== "session" || csrf.isValid(req)) {
      next();
      return;
    }
    next(
      new AppError(
        "forbidden",
        "A request signed in by the web session cookie needs the page's CSRF token in the X-CSRF-Token header; API clients send `Authorization: Bearer <token>`.",
      ),
    );
  };
}

/** `TRUST_PROXY`: unset believes no proxy; `true`, a hop count, or addresses/subnets as express takes them. */
function trustProxySetting(value: string | undefined): boolean | number | string {
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
