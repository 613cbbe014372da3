// Sign in with GitHub: `/auth/github` sends the browser to GitHub with a random state (kept in an
// HttpOnly cookie), `/auth/github/callback` checks the state, exchanges the code, and either signs in
// the user linked to that GitHub login or, for a signed-in user, links the login to them.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, Response, Router } from "express";
import type { AppDeps } from "../deps.js";
import { AppError } from "../shared/errors.js";
import { authorizeUrl, exchangeCode, loginOfToken, type OAuthSettings } from "../github/oauth.js";
import { linkGitHubLogin, userByGitHubLogin } from "../accounts/github-login.js";
import { publicBaseUrl } from "../config.js";
import { createWebSession, SESSION_COOKIE, SESSION_DAYS } from "./sessions.js";
import { redirectWithNotice } from "./render.js";
import { landingFor, safeNext } from "./landing.js";
import { finishGitHubProof, type GitHubProof } from "./github-proof.js";

const STATE_COOKIE = "rcp_oauth_state";
const STATE_MINUTES = 10;
const PROOF_COOKIE = "rcp_oauth_proof";

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const cookieSecure = (deps: AppDeps) => (deps.config.PUBLIC_URL ?? "").startsWith("https:");
const callbackUrl = (deps: AppDeps) => `${publicBaseUrl(deps.config)}/auth/github/callback`;

function oauthSettings({ config }: AppDeps): OAuthSettings {
  if (!config.GITHUB_CLIENT_ID || !config.GITHUB_CLIENT_SECRET)
    throw new AppError("not_found", "Signing in with GitHub is not set up here.");
  return {
    webUrl: config.GITHUB_WEB_URL,
    apiUrl: config.GITHUB_API_URL,
    clientId: config.GITHUB_CLIENT_ID,
    clientSecret: config.GITHUB_CLIENT_SECRET,
    timeoutMs: config.GITHUB_TIMEOUT_MS,
  };
}

/**
 * Sends the browser to GitHub with a fresh state. With `proof`, the callback proves control of that
 * repository for that work with the token GitHub grants (used once, never stored); the proof is bound
 * to the state, and starts only from a form post (CSRF-checked), never from a link.
 */
export function beginGitHubFlow(res: Response, deps: AppDeps, next: string, proof?: GitHubProof): void {
  const s = oauthSettings(deps);
  const state = randomBytes(24).toString("base64url");
  const options = {
    httpOnly: true,
    sameSite: "lax",
    secure: cookieSecure(deps),
    path: "/auth/github",
    maxAge: STATE_MINUTES * 60_000,
  } as const;
  res.cookie(STATE_COOKIE, `${state}:${next}`, options);
  if (proof) res.cookie(PROOF_COOKIE, Buffer.from(JSON.stringify({ ...proof, state })).toString("base64url"), options);
  else res.clearCookie(PROOF_COOKIE, { path: "/auth/github" });
  res.redirect(303, authorizeUrl(s, callbackUrl(deps), state));
}

/** The proof the flow was started for, if it was started with this state. */
function proofOf(req: Request, state: string): GitHubProof | null {
  const kept = (req.cookies as Record<string, string | undefined>)[PROOF_COOKIE];
  if (!kept) return null;
  try {
    const p = JSON.parse(Buffer.from(kept, "base64url").toString("utf8")) as Partial<GitHubProof> & { state?: unknown };
    if (typeof p.state !== "string" || !sameText(p.state, state) || typeof p.slug !== "string" || typeof p.repository !== "string")
      return null;
    return { slug: p.slug, repository: p.repository };
  } catch {
    return null;
  }
}

export function registerGitHubSignIn(app: Router, deps: AppDeps): void {
  const { db, clock } = deps;
  const secure = cookieSecure(deps);

  app.get("/auth/github", (req, res) => {
    beginGitHubFlow(res, deps, safeNext(req.query.next));
  });

  app.get("/auth/github/callback", async (req, res) => {
    const s = oauthSettings(deps);
    const kept = (req.cookies as Record<string, string | undefined>)[STATE_COOKIE] ?? "";
    res.clearCookie(STATE_COOKIE, { path: "/auth/github" });
    res.clearCookie(PROOF_COOKIE, { path: "/auth/github" });
    const [expected = "", next = "/"] = kept.split(/:(.*)/s);
    const { state, code } = req.query;
    if (typeof state !== "string" || typeof code !== "string" || !expected || !sameText(state, expected) || code.length > 200)
      throw new AppError("forbidden", "The sign-in with GitHub did not start here, or took too long. Start again.");
    const token = await exchangeCode(s, code, callbackUrl(deps));
    const login = await loginOfToken(s, token);
    const proof = proofOf(req, state);
    if (req.auth && proof) {
      await finishGitHubProof(req, res, deps, { ...proof, login, token });
      return;
    }
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
