// When an invoice is paid in full: one signed commercial reciprocity license grant per work and
// month, inserted in the payment's transaction, so a paid invoice always has its grants. Drafting
// (reading the works, rendering and signing the documents) is separate from inserting, so that a
// payment drafts its grants before its transaction and holds no lock while rendering.
import { createHash, randomUUID } from "node:crypto";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { grants, invoiceLines, organizations, works } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { render } from "../templates.js";
import { monthBounds } from "../fees/compute-fees.js";
import type { Signer } from "./signing-key.js";
import { packagesOf } from "../works/works.queries.js";
import { appendFacts } from "../books/append-fact.js";

export interface GrantableInvoice {
  id: number;
  number: string | null;
  organizationId: number;
  month: string;
}

export type GrantDraft = typeof grants.$inferInsert;

type GrantDeps = { clock: Clock; signer: Signer };

// Nine parameters a row: 3,000 rows stay under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const ROWS_PER_STATEMENT = 3000;

/** What the grants of these invoices name: each fee line's work and licensor, the buyer, the packages. */
async function grantSubjects(db: Db, invoices: GrantableInvoice[]) {
  const lines = await db
    .select({ invoiceId: invoiceLines.invoiceId, month: invoiceLines.month, work: works, licensor: organizations.name })
    .from(invoiceLines)
    .innerJoin(works, eq(works.id, invoiceLines.workId))
    .innerJoin(organizations, eq(organizations.id, works.licensorOrganizationId))
    .where(
      and(
        inArray(
          invoiceLines.invoiceId,
          invoices.map((i) => i.id),
        ),
        isNotNull(invoiceLines.workId),
      ),
    )
    .orderBy(invoiceLines.invoiceId, invoiceLines.position);
  const buyerIds = [...new Set(invoices.map((i) => i.organizationId))];
  const buyers = await db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(inArray(organizations.id, buyerIds));
  const packages = await packagesOf(db, [...new Set(lines.map((l) => l.work.id))]);
  return { lines, buyerNames: new Map(buyers.map((b) => [b.id, b.name])), packages };
}

/** The signed grants of these invoices, ready to insert. Reads only; renders and signs. */
export async function draftGrants(db: Db, invoices: GrantableInvoice[], deps: GrantDeps): Promise<GrantDraft[]> {
  if (invoices.length === 0) return [];
  const { lines, buyerNames, packages } = await grantSubjects(db, invoices);
  const byId = new Map(invoices.map((i) => [i.id, i]));
  const issuedAt = isoNow(deps.clock);
  // One grant per work and month: a catch-up line licenses the earlier month it bills.
  return lines.map(({ invoiceId, month, work, licensor }) => {
    const invoice = byId.get(invoiceId)!;
    const { first, last } = monthBounds(month);
    const id = randomUUID();
    const document = render("grant/grant.txt.hbs", {
      id,
      licenseeName: buyerNames.get(invoice.organizationId)!,
      licenseeId: invoice.organizationId,
      workTitle: work.title,
      workSlug: work.slug,
      repositoryUrl: work.repositoryUrl ?? "",
      packages: (packages.get(work.id) ?? []).join(", "),
      licensorName: licensor,
      periodStart: first,
      periodEnd: last,
      invoiceNumber: invoice.number ?? "",
      issuedAt,
      keyFingerprint: deps.signer.fingerprint,
    });
    return {
      id,
      organizationId: invoice.organizationId,
      workId: work.id,
      invoiceId: invoice.id,
      month,
      document,
      signature: deps.signer.sign(document),
      keyFingerprint: deps.signer.fingerprint,
      createdAt: issuedAt,
    };
  });
}

/**
 * Inserts drafted grants in the caller's transaction (`tx`). A work's grant for an invoice and month is
 * made once (the unique (invoice, work, month) index): a grant already there is kept. Returns how many were new.
 */
export async function insertGrants(tx: Db, drafts: GrantDraft[]): Promise<number> {
  let created = 0;
  for (let start = 0; start < drafts.length; start += ROWS_PER_STATEMENT) {
    const batch = drafts.slice(start, start + ROWS_PER_STATEMENT);
    const inserted = await tx
      .insert(grants)
      .values(batch)
      .onConflictDoNothing({ target: [grants.invoiceId, grants.workId, grants.month] })
      .returning({ id: grants.id });
    const ids = new Set(inserted.map((g) => g.id));
    await appendFacts(
      tx,
      batch.filter((g) => ids.has(g.id)).map((g) => ({ kind: "grant_issued" as const, payload: grantFact(g) })),
      batch[0]?.createdAt,
    );
    created += inserted.length;
  }
  return created;
}

/** Drafts and inserts the grants of invoices numbered in this transaction (`tx`). */
export async function createGrantsForInvoices(tx: Db, invoices: GrantableInvoice[], deps: GrantDeps): Promise<number> {
  return insertGrants(tx, await draftGrants(tx, invoices, deps));
}

/** A grant as a log entry: what it licenses, the hash of its document and the signature over it. */
function grantFact(g: GrantDraft) {
  return {
    grantId: g.id,
    invoiceId: g.invoiceId,
    organizationId: g.organizationId,
    workId: g.workId,
    month: g.month,
    documentSha256: createHash("sha256").update(g.document, "utf8").digest("hex"),
    signature: g.signature,
    keyFingerprint: g.keyFingerprint,
  };
}
