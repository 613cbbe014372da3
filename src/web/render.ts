// Rendering a page: the page template inside the layout, with the signed-in user and a CSRF token.
import type { Request, Response } from "express";
import { render } from "../templates.js";
import { AppError } from "../shared/errors.js";
import { keepNotice, noticeOf } from "./notices.js";
import type { Menu } from "./landing.js";

export interface PageOptions {
  title: string;
  status?: number;
  notice?: string | undefined;
}

export function renderPage(req: Request, res: Response, page: string, view: object, options: PageOptions): void {
  const body = render(`pages/${page}.html.hbs`, withCsrfToken(req, { ...view, user: req.auth ?? null }));
  const html = render(
    "layouts/main.html.hbs",
    withCsrfToken(req, {
      title: options.title,
      body,
      user: req.auth ?? null,
      menu: req.auth
        ? ((res.locals as { menu?: Menu }).menu ?? { works: null, registerWork: false, treasury: req.auth.isTreasurer })
        : null,
      notice: options.notice ? { kind: "success", message: options.notice, isError: false } : noticeView(res),
    }),
  );
  // A page with a form (a CSRF token) or for a signed-in user is that visitor's alone; the others are public
  // and may be kept by shared caches, including the server's own response cache.
  if (req.auth || (res.locals as { csrfToken?: string }).csrfToken !== undefined) res.set("Cache-Control", "private, no-store");
  res
    .status(options.status ?? 200)
    .type("html")
    .send(html);
}

/** `csrfToken` for the template, made only when the template shows a form that uses it. */
function withCsrfToken<T extends object>(req: Request, view: T): T & { csrfToken: string } {
  return Object.defineProperty(view, "csrfToken", { get: () => csrfTokenOf(req), enumerable: true }) as T & { csrfToken: string };
}

/** One token per response: each generation sets the cookie anew, so the page must use one. */
function csrfTokenOf(req: Request): string {
  const locals = req.res?.locals as { csrfToken?: string } | undefined;
  if (locals?.csrfToken !== undefined) return locals.csrfToken;
  const token = req.csrfToken ? req.csrfToken() : "";
  if (locals) locals.csrfToken = token;
  return token;
}

function noticeView(res: Response) {
  const notice = noticeOf(res);
  return notice ? { ...notice, isError: notice.kind === "error", errors: notice.errors ?? [] } : null;
}

/** Redirect after a successful form post (POST/redirect/GET), with a one-time notice kept server-side. */
export async function redirectWithNotice(res: Response, path: string, message: string): Promise<void> {
  await keepNotice(res, { kind: "success", message });
  res.redirect(303, path);
}

/** Redirect after a refused action that has no fields to mark: the page shows an error summary. */
export async function redirectWithError(res: Response, path: string, message: string, form?: string): Promise<void> {
  await keepNotice(res, { kind: "error", message, form, errors: form ? [{ path: "githubToken", message: "was refused" }] : [] });
  res.redirect(303, path);
}

/**
 * A refused form action (an overpayment, a decided cooperative …) shown on the page the user came from
 * as an error summary, with the fields at fault and what was typed (read back by `formFromNotice`);
 * anything else is a real error and goes on.
 */
export async function attempt(
  req: Request,
  res: Response,
  to: { backTo: string; prefix: string; form?: string },
  action: () => void | Promise<void>,
): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(
      Object.entries(body).filter(([k, v]) => !/^_csrf$|password|token|secret/i.test(k) && typeof v === "string" && v.length <= 2000) as [
        string,
        string,
      ][],
    );
    await keepNotice(res, {
      kind: "error",
      message: `${to.prefix}: ${err.message}`,
      form: to.form,
      errors: (err.errors ?? []).map((e) => ({ path: e.path.replace(/^\//, "") || "form", message: e.message })),
      values,
    });
    res.redirect(303, to.backTo);
  }
}
