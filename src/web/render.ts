// Rendering a page: the page template inside the layout, with the signed-in user and a CSRF token.
import type { Request, Response } from "express";
import { render } from "../templates.js";
import { AppError } from "../shared/errors.js";

export interface PageOptions {
  title: string;
  status?: number;
  notice?: string | undefined;
}

export function renderPage(req: Request, res: Response, page: string, view: object, options: PageOptions): void {
  const body = render(`pages/${page}.html.hbs`, { ...view, csrfToken: csrfTokenOf(req), user: req.auth ?? null });
  const html = render("layouts/main.html.hbs", {
    title: options.title,
    body,
    user: req.auth ?? null,
    csrfToken: csrfTokenOf(req),
    notice: options.notice ?? (typeof req.query.notice === "string" ? req.query.notice.slice(0, 300) : null),
  });
  res
    .status(options.status ?? 200)
    .type("html")
    .send(html);
}

/** One token per response: each generation sets the cookie anew, so the page must use one. */
function csrfTokenOf(req: Request): string {
  const locals = req.res?.locals as { csrfToken?: string } | undefined;
  if (locals?.csrfToken !== undefined) return locals.csrfToken;
  const token = req.csrfToken ? req.csrfToken() : "";
  if (locals) locals.csrfToken = token;
  return token;
}

/** Redirect after a successful form post (POST/redirect/GET), with a one-line notice. */
export function redirectWithNotice(res: Response, path: string, notice: string): void {
  const url = new URL(path, "http://x");
  url.searchParams.set("notice", notice);
  res.redirect(303, url.pathname + url.search);
}

/**
 * A refused form action (an overpayment, a decided cooperative …) shown as a notice on the page
 * the user came from, with the fields at fault; anything else is a real error and goes on.
 */
export async function attempt(res: Response, backTo: string, prefix: string, action: () => void | Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    const details = err.errors?.map((e) => `${e.path.replace(/^\//, "") || "form"} ${e.message}`).join("; ");
    redirectWithNotice(res, backTo, `${prefix}: ${err.message}${details ? ` (${details})` : ""}`);
  }
}
