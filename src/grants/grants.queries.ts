import { desc, eq } from "drizzle-orm";
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

export async function listGrants(db: Db, organizationId: number) {
  const rows = await grantRows(db).where(eq(grants.organizationId, organizationId)).orderBy(desc(grants.month), works.slug);
  return rows.map(view);
}
