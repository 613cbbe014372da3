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
