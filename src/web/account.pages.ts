import type { Request, Response, Router } from "express";
import { z } from "zod";
import { rateLimit } from "express-rate-limit";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { RATE_LIMIT_VALIDATE, rateLimitStore } from "../http/rate-limit-store.js";
import { findUserByEmail, getUser } from "../accounts/create-user.js";
import { verifyPassword } from "../accounts/passwords.js";
import { createApiToken, listApiTokens, revokeApiToken } from "../accounts/tokens.js";
import { createWebSession, destroyWebSession, SESSION_COOKIE, SESSION_DAYS } from "./sessions.js";
import { emptyForm, formBody, formFromError, parseForm, textField, type FormState } from "./forms.js";
import { redirectWithNotice, renderPage } from "./render.js";
import { idParam, requireSignedIn } from "./guards.js";
import { landingFor, safeNext } from "./landing.js";
import { registerGitHubSignIn } from "./github-sign-in.pages.js";

// A stored hash to compare against when the email is unknown, so both paths take the same time.
const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

export function registerAccountPages(app: Router, deps: AppDeps): void {
  registerSignInPages(app, deps);
  registerTokenPages(app, deps);
  registerGitHubSignIn(app, deps);
}

function registerSignInPages(app: Router, deps: AppDeps): void {
  const { db, clock, config } = deps;
  const secure = (config.PUBLIC_URL ?? "").startsWith("https:");

  app.get("/login", (req, res) => {
    renderPage(
      req,
      res,
      "login",
      { form: emptyForm(), next: safeNext(req.query.next), github: Boolean(config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET) },
      { title: "Sign in" },
    );
  });

  // Password guessing is slowed per client address; a successful sign-in does not count. The counts
  // are in the database, so every server process on it shares them.
  const loginLimiter = rateLimit({
    windowMs: 60_000,
    limit: config.LOGIN_RATE_LIMIT_PER_MINUTE,
    skipSuccessfulRequests: true,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    store: rateLimitStore(db, clock, "login"),
    validate: RATE_LIMIT_VALIDATE,
    handler: (_req, _res, next) => next(new AppError("rate_limited", "Too many sign-in attempts from here. Wait a minute and try again.")),
  });

  app.post("/login", loginLimiter, async (req, res) => {
    // A repeated or over-long field is a form to correct (422), not a failure.
    const body = parseForm(
      z.object({
        email: z.string().max(254).default(""),
        password: z.string().max(200).default(""),
        next: z.string().max(2000).optional(),
      }),
      formBody(req),
    );
    const user = body.email ? await findUserByEmail(db, body.email) : undefined;
    const ok = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !user.passwordHash || !ok) {
      const form = { ...emptyForm({ email: body.email }), summary: "The email or password is not right." };
      const github = Boolean(config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET);
      renderPage(req, res, "login", { form, next: safeNext(body.next), github }, { title: "Sign in", status: 401 });
      return;
    }
    const secret = await createWebSession(db, user.id, clock);
    res.cookie(SESSION_COOKIE, secret, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: SESSION_DAYS * 86_400_000 });
    const next = safeNext(body.next);
    res.redirect(303, next === "/" ? await landingFor(db, user) : next);
  });

  app.post("/logout", async (req, res) => {
    await destroyWebSession(db, (req.cookies as Record<string, string | undefined>)[SESSION_COOKIE]);
    res.clearCookie(SESSION_COOKIE, { path: "/" });
    res.redirect(303, "/");
  });
}

function registerTokenPages(app: Router, deps: AppDeps): void {
  const { db, clock, config } = deps;

  const tokensPage = async (req: Request, res: Response, view: { created: unknown; form: FormState }, status = 200) => {
    const user = requireSignedIn(req);
    const tokens = (await listApiTokens(db, user.id)).map((t) => ({ ...t, active: !t.revokedAt }));
    const me = await getUser(db, user.id);
    const github = { enabled: Boolean(config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET), login: me?.githubLogin ?? null };
    renderPage(req, res, "tokens", { tokens, github, ...view }, { title: "API tokens", status });
  };

  app.get("/tokens", (req, res) => tokensPage(req, res, { created: null, form: emptyForm() }));

  app.post("/tokens", async (req, res) => {
    const user = requireSignedIn(req);
    const name = textField(req, "name");
    if (!name || name.length > 100) {
      const form = formFromError(
        { name },
        new AppError("validation_failed", "Please correct the fields marked below.", {
          errors: [{ path: "/name", message: "give the token a name (up to 100 characters)" }],
        }),
      );
      await tokensPage(req, res, { created: null, form }, 422);
      return;
    }
    const created = await createApiToken(db, { userId: user.id, name, actorUserId: user.id }, { clock });
    res.set("Cache-Control", "no-store");
    await tokensPage(req, res, { created, form: emptyForm() });
  });

  app.post("/tokens/:id/revoke", async (req, res) => {
    const user = requireSignedIn(req);
    const id = idParam(req.params.id, "Token was not found.");
    await revokeApiToken(db, { userId: user.id, tokenId: id, actorUserId: user.id }, { clock });
    await redirectWithNotice(res, "/tokens", "The token was revoked.");
  });
}
