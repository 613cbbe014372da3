// Sign in with GitHub: `/auth/github` sends the browser to GitHub with a random state (kept in an
// HttpOnly cookie), `/auth/github/callback` checks the state, exchanges the code, and either signs in
// the user linked to that GitHub login or, for a signed-in user, links the login to them.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, Router } from "express";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { authorizeUrl, exchangeCode, loginOfToken, type OAuthSettings } from "../github/oauth.js";
import { linkGitHubLogin, userByGitHubLogin } from "../accounts/github-login.js";
import { publicBaseUrl } from "../config.js";
import { createWebSession, SESSION_COOKIE, SESSION_DAYS } from "./sessions.js";
import { redirectWithNotice } from "./render.js";
import { landingFor, safeNext } from "./landing.js";

const STATE_COOKIE = "rcp_oauth_state";
const STATE_MINUTES = 10;

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function registerGitHubSignIn(app: Router, deps: AppDeps): void {
  const { db, clock, config } = deps;
  const secure = (config.PUBLIC_URL ?? "").startsWith("https:");
  const settings = (): OAuthSettings => {
    if (!config.GITHUB_CLIENT_ID || !config.GITHUB_CLIENT_SECRET)
      throw new AppError("not_found", "Signing in with GitHub is not set up here.");
    return {
      webUrl: config.GITHUB_WEB_URL,
      apiUrl: config.GITHUB_API_URL,
      clientId: config.GITHUB_CLIENT_ID,
      clientSecret: config.GITHUB_CLIENT_SECRET,
      timeoutMs: config.GITHUB_TIMEOUT_MS,
    };
  };
  const callbackUrl = (_req: Request) => `${publicBaseUrl(config)}/auth/github/callback`;

  app.get("/auth/github", (req, res) => {
    const s = settings();
    const state = randomBytes(24).toString("base64url");
    const next = safeNext(req.query.next);
    res.cookie(STATE_COOKIE, `${state}:${next}`, {
      httpOnly: true,
      sameSite: "lax",
      secure,
      path: "/auth/github",
      maxAge: STATE_MINUTES * 60_000,
    });
    res.redirect(303, authorizeUrl(s, callbackUrl(req), state));
  });

  app.get("/auth/github/callback", async (req, res) => {
    const s = settings();
    const kept = (req.cookies as Record<string, string | undefined>)[STATE_COOKIE] ?? "";
    res.clearCookie(STATE_COOKIE, { path: "/auth/github" });
    const [expected = "", next = "/"] = kept.split(/:(.*)/s);
    const { state, code } = req.query;
    if (typeof state !== "string" || typeof code !== "string" || !expected || !sameText(state, expected) || code.length > 200)
      throw new AppError("forbidden", "The sign-in with GitHub did not start here, or took too long. Start again.");
    const login = await loginOfToken(s, await exchangeCode(s, code, callbackUrl(req)));
    if (req.auth) {
      await linkGitHubLogin(db, { userId: req.auth.id, login }, { clock });
      await redirectWithNotice(res, "/tokens", `Your GitHub login ${login} is linked: you can sign in with GitHub.`);
      return;
    }
    const user = await userByGitHubLogin(db, login);
    if (!user)
      throw new AppError(
        "forbidden",
        `No user here is linked to the GitHub login ${login}. Sign in with your email and password once, then link GitHub from your API tokens page.`,
      );
    const secret = await createWebSession(db, user.id, clock);
    res.cookie(SESSION_COOKIE, secret, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: SESSION_DAYS * 86_400_000 });
    res.redirect(303, next === "/" ? await landingFor(db, user) : safeNext(next));
  });
}
