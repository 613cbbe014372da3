// When an invoice is paid in full: one signed commercial reciprocity license grant per work and
// month. Runs inside the payment's transaction, so a paid invoice always has its grants.
import { randomUUID } from "node:crypto";
import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { grants, invoiceLines, organizations, works } from "../db/schema.js";
import { isoNow, type Clock } from "../shared/clock.js";
import { render } from "../templates.js";
import { monthBounds } from "../fees/compute-fees.js";
import type { Signer } from "./signing-key.js";
import { packagesOf } from "../works/works.queries.js";

export interface GrantableInvoice {
  id: number;
  number: string | null;
  organizationId: number;
  month: string;
}

export function createGrantsForInvoice(db: Db, invoice: GrantableInvoice, deps: { clock: Clock; signer: Signer }): number {
  const org = db.select().from(organizations).where(eq(organizations.id, invoice.organizationId)).get()!;
  const lines = db
    .select({ work: works, licensor: organizations.name })
    .from(invoiceLines)
    .innerJoin(works, eq(works.id, invoiceLines.workId))
    .innerJoin(organizations, eq(organizations.id, works.licensorOrganizationId))
    .where(and(eq(invoiceLines.invoiceId, invoice.id), isNotNull(invoiceLines.workId)))
    .orderBy(invoiceLines.position)
    .all();
  const pkgs = packagesOf(
    db,
    lines.map((l) => l.work.id),
  );
  const { first, last } = monthBounds(invoice.month);
  const issuedAt = isoNow(deps.clock);
  let created = 0;
  for (const { work, licensor } of lines) {
    const existing = db
      .select({ id: grants.id })
      .from(grants)
      .where(and(eq(grants.invoiceId, invoice.id), eq(grants.workId, work.id)))
      .get();
    if (existing) continue;
    const id = randomUUID();
    const document = render("grant/grant.txt.hbs", {
      id,
      licenseeName: org.name,
      licenseeId: org.id,
      workTitle: work.title,
      workSlug: work.slug,
      repositoryUrl: work.repositoryUrl ?? "",
      packages: (pkgs.get(work.id) ?? []).join(", "),
      licensorName: licensor,
      periodStart: first,
      periodEnd: last,
      invoiceNumber: invoice.number ?? "",
      issuedAt,
      keyFingerprint: deps.signer.fingerprint,
    });
    db.insert(grants)
      .values({
        id,
        organizationId: org.id,
        workId: work.id,
        invoiceId: invoice.id,
        month: invoice.month,
        document,
        signature: deps.signer.sign(document),
        keyFingerprint: deps.signer.fingerprint,
        createdAt: issuedAt,
      })
      .run();
    created++;
  }
  return created;
}
