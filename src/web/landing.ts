// Where a user lands after signing in: a treasurer on the treasury, a member on their organization,
// a maintainer on their work, anyone else on the registry.
import type { Db } from "../db/client.js";
import { listOrganizationsFor } from "../organizations/organizations.queries.js";
import { worksMaintainedBy } from "../works/works.queries.js";

export async function landingFor(db: Db, user: { id: number; isTreasurer: boolean }): Promise<string> {
  if (user.isTreasurer) return "/treasury";
  const [slug] = await worksMaintainedBy(db, user.id);
  if (slug) return `/works/${slug}`;
  const [org] = await listOrganizationsFor(db, { id: user.id, isTreasurer: false });
  return org ? `/organizations/${org.id}` : "/";
}

/** A same-site path to go on to after signing in; anything else is "/". */
export const safeNext = (next: unknown): string => (typeof next === "string" && /^\/(?!\/)[\w\-/.?=&%]*$/.test(next) ? next : "/");

/** What the main menu offers a signed-in user: only what they can do. */
export interface Menu {
  /** Their work's maintainers' page, or the list of their works when they maintain several. */
  works: string | null;
  /** Registering a work needs an organization to license it (or the treasury). */
  registerWork: boolean;
  treasury: boolean;
}

export async function menuFor(db: Db, user: { id: number; isTreasurer: boolean }): Promise<Menu> {
  const slugs = await worksMaintainedBy(db, user.id);
  const [org] = user.isTreasurer ? [] : await listOrganizationsFor(db, { id: user.id, isTreasurer: false });
  return {
    works: slugs.length === 0 ? null : slugs.length === 1 ? `/works/${slugs[0]}/maintain` : "/works/mine",
    registerWork: user.isTreasurer || org !== undefined || slugs.length > 0,
    treasury: user.isTreasurer,
  };
}
