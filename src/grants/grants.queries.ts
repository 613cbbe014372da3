import { and, asc, desc, eq, gt, lt, or } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { grants, invoices, organizations, works } from "../db/schema.js";
import { AppError } from "../shared/errors.js";

function view(r: { grant: typeof grants.$inferSelect; slug: string; number: string | null; orgName: string }) {
  return {
    id: r.grant.id,
    organizationId: r.grant.organizationId,
    organizationName: r.orgName,
    workSlug: r.slug,
    month: r.grant.month,
    invoiceNumber: r.number,
    document: r.grant.document,
    signature: r.grant.signature,
    algorithm: "Ed25519",
    keyFingerprint: r.grant.keyFingerprint,
    publicKeyUrl: "/.well-known/reciprocity-signing-key",
    issuedAt: r.grant.createdAt,
    /** The day the grant's invoice was voided: from then on the grant licenses nothing. */
    revokedOn: r.grant.revokedOn,
  };
}

/** Grants with the work, invoice and organization they name. */
function grantRows(db: Db) {
  return db
    .select({ grant: grants, slug: works.slug, number: invoices.number, orgName: organizations.name })
    .from(grants)
    .innerJoin(works, eq(works.id, grants.workId))
    .innerJoin(invoices, eq(invoices.id, grants.invoiceId))
    .innerJoin(organizations, eq(organizations.id, grants.organizationId));
}

export async function getGrant(db: Db, id: string) {
  const [row] = await grantRows(db).where(eq(grants.id, id)).limit(1);
  if (!row) throw new AppError("not_found", "Grant was not found.");
  return view(row);
}

/** Where a page of an organization's grants starts: after this grant, newest month first, then by work. */
export interface GrantKey {
  month: string;
  workSlug: string;
  id: string;
}

/** The sort key of a listed grant, for the cursor of the page after it. */
export const grantKeyOf = (g: GrantKey): [string, string, string] => [g.month, g.workSlug, g.id];

/** The grant a cursor's key names (`grantKeyOf`'s inverse). */
export const grantKeyFromCursor = ([month, workSlug, id]: [string, string, string]): GrantKey => ({ month, workSlug, id });

/** Up to `limit` of the organization's grants after `after`: newest month first, then by work and id. */
export async function listGrants(db: Db, organizationId: number, page: { limit: number; after?: GrantKey | undefined }) {
  const { after } = page;
  const rows = await grantRows(db)
    .where(
      and(
        eq(grants.organizationId, organizationId),
        after &&
          or(
            lt(grants.month, after.month),
            and(
              eq(grants.month, after.month),
              or(gt(works.slug, after.workSlug), and(eq(works.slug, after.workSlug), gt(grants.id, after.id))),
            ),
          ),
      ),
    )
    .orderBy(desc(grants.month), asc(works.slug), asc(grants.id))
    .limit(page.limit);
  return rows.map(view);
}
