// GitHub's OAuth web flow, the server's half: the address the browser is sent to, the exchange of the
// returned code for a token, and the login that token belongs to. Works with GitHub Enterprise through
// `GITHUB_WEB_URL` (the web host) and `GITHUB_API_URL` (its REST API).
import { AppError } from "../shared/errors.js";

export interface OAuthSettings {
  webUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

const trimSlash = (u: string) => u.replace(/\/+$/, "");

export function authorizeUrl(s: OAuthSettings, redirectUri: string, state: string): string {
  const params = new URLSearchParams({
    client_id: s.clientId,
    redirect_uri: redirectUri,
    state,
    scope: "read:user",
    allow_signup: "false",
  });
  return `${trimSlash(s.webUrl)}/login/oauth/authorize?${params.toString()}`;
}

const unavailable = (cause?: unknown) =>
  new AppError("github_unavailable", "GitHub did not confirm the sign-in. Try again in a moment.", cause ? { cause } : undefined);

/** Exchanges the code GitHub sent back for an access token (kept only for this request). */
export async function exchangeCode(s: OAuthSettings, code: string, redirectUri: string): Promise<string> {
  let body: { access_token?: string; error?: string };
  try {
    const res = await fetch(`${trimSlash(s.webUrl)}/login/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ client_id: s.clientId, client_secret: s.clientSecret, code, redirect_uri: redirectUri }),
      signal: AbortSignal.timeout(s.timeoutMs),
    });
    if (!res.ok) throw unavailable();
    body = (await res.json()) as typeof body;
  } catch (err) {
    throw err instanceof AppError ? err : unavailable(err);
  }
  if (!body.access_token) throw new AppError("forbidden", "GitHub refused the sign-in (the code expired or was used). Start again.");
  return body.access_token;
}

/** The login of the user a token belongs to, lower-cased. */
export async function loginOfToken(s: OAuthSettings, token: string): Promise<string> {
  try {
    const res = await fetch(`${trimSlash(s.apiUrl)}/user`, {
      headers: { Authorization: `Bearer ${token}`, Accept: "application/vnd.github+json" },
      signal: AbortSignal.timeout(s.timeoutMs),
    });
    if (!res.ok) throw unavailable();
    const user = (await res.json()) as { login?: unknown };
    if (typeof user.login !== "string" || !user.login) throw unavailable();
    return user.login.toLowerCase();
  } catch (err) {
    throw err instanceof AppError ? err : unavailable(err);
  }
}
