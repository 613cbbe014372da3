// A cooperative's decision settles its held invoices: verified drops them (no fee is owed under
// PPL §4(c)); rejected issues them. Runs inside the decision's transaction.
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { creditNotes, invoices } from "../db/schema.js";
import { isoNow } from "../shared/clock.js";
import { recordAudit } from "../audit/record-audit.js";
import { issueInvoice } from "../invoices/issue-invoice.js";
import type { InvoicingDeps } from "../invoices/invoicing-deps.js";

export function settleHeldInvoices(
  db: Db,
  organizationId: number,
  decision: "verified" | "rejected",
  actorUserId: number | null,
  deps: InvoicingDeps,
): void {
  const held = db
    .select()
    .from(invoices)
    .where(and(eq(invoices.organizationId, organizationId), eq(invoices.status, "held")))
    .orderBy(invoices.month)
    .all();
  for (const invoice of held) {
    if (decision === "rejected") {
      const number = issueInvoice(db, invoice, deps);
      recordAudit(
        db,
        {
          actorUserId,
          action: "invoice.issued",
          entityType: "invoice",
          entityId: invoice.id,
          before: { status: "held" },
          after: { status: "issued", number },
        },
        deps.clock,
      );
    } else {
      db.update(invoices).set({ status: "void" }).where(eq(invoices.id, invoice.id)).run();
      db.insert(creditNotes)
        .values({
          invoiceId: invoice.id,
          reason: "Cooperative verified: no fee is owed (PPL §4(c)).",
          amountMinor: 0,
          createdBy: actorUserId,
          createdAt: isoNow(deps.clock),
        })
        .run();
      recordAudit(
        db,
        {
          actorUserId,
          action: "invoice.dropped",
          entityType: "invoice",
          entityId: invoice.id,
          before: { status: "held" },
          after: { status: "void" },
        },
        deps.clock,
      );
    }
  }
}
