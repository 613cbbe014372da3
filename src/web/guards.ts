// Who may see a page: the signed-in user, a treasurer, a work's maintainer, an organization's member.
// A guard throws the AppError the page answers with; the error page turns "sign in" into the sign-in form.
import type { Request } from "express";
import type { Db } from "../db/client.js";
import type { AuthUser } from "../http/auth.js";
import { AppError } from "../shared/errors.js";
import { MAX_ID } from "../shared/schemas.js";
import { getWorkBySlug, isMaintainer, type Work } from "../works/works.queries.js";
import { requireOrganizationAccess, type Organization } from "../organizations/organizations.queries.js";

/** A numeric id from the path or a form; anything that cannot be an id is a page that does not exist. */
export function idParam(value: unknown, notFound: string): number {
  const id = typeof value === "string" ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_ID) throw new AppError("not_found", notFound);
  return id;
}

export function requireSignedIn(req: Request): AuthUser {
  if (!req.auth) throw new AppError("unauthenticated", "Sign in to see this page.");
  return req.auth;
}

export function requireTreasurer(req: Request): AuthUser {
  const user = requireSignedIn(req);
  // Not a treasurer: the page does not exist for them.
  if (!user.isTreasurer) throw new AppError("not_found", "No such page.");
  return user;
}

/** The work of `:slug`, for its maintainers and treasurers. */
export async function requireWorkMaintainer(db: Db, req: Request): Promise<{ user: AuthUser; work: Work }> {
  const user = requireSignedIn(req);
  const work = await getWorkBySlug(db, String(req.params.slug));
  if (!user.isTreasurer && !(await isMaintainer(db, work.id, user.id)))
    throw new AppError("forbidden", "Only the work's maintainers may do this.");
  return { user, work };
}

/** The organization of `:id`, for its members (or owners) and treasurers; 404 for anyone else. */
export async function requireOrganizationMember(
  db: Db,
  req: Request,
  need: "member" | "owner" = "member",
): Promise<{ user: AuthUser; org: Organization }> {
  const user = requireSignedIn(req);
  const id = idParam(req.params.id, "Organization was not found.");
  return { user, org: await requireOrganizationAccess(db, user, id, need) };
}
