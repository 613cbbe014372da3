// A cooperative's decision settles its held invoices: verified drops them (no fee is owed under
// PPL §4(c)); rejected issues them. Runs inside the decision's transaction (`tx`).
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { lockForUpdate, queryRows, toInt } from "../db/sql.js";
import { creditNotes, invoices } from "../db/schema.js";
import { isoNow } from "../shared/clock.js";
import { recordAudit } from "../audit/record-audit.js";
import { issueInvoice } from "../invoices/issue-invoice.js";
import type { InvoicingDeps } from "../invoices/invoicing-deps.js";

/**
 * The organization's held invoices, locked until the transaction ends, oldest month first. A
 * concurrent settlement waits, then finds them no longer held: each is settled once.
 */
async function lockHeldInvoices(tx: Db, organizationId: number) {
  const locked = await queryRows<{ id: unknown }>(
    tx,
    sql`select id from invoices where organization_id = ${organizationId} and status = 'held' order by id${lockForUpdate(tx)}`,
  );
  if (locked.length === 0) return [];
  return tx
    .select()
    .from(invoices)
    .where(
      and(
        inArray(
          invoices.id,
          locked.map((r) => toInt(r.id)),
        ),
        eq(invoices.status, "held"),
      ),
    )
    .orderBy(invoices.month);
}

export async function settleHeldInvoices(
  tx: Db,
  organizationId: number,
  decision: "verified" | "rejected",
  actorUserId: number | null,
  deps: InvoicingDeps,
): Promise<void> {
  for (const invoice of await lockHeldInvoices(tx, organizationId)) {
    if (decision === "rejected") {
      const number = await issueInvoice(tx, invoice, deps);
      await recordAudit(
        tx,
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
      await tx.update(invoices).set({ status: "void" }).where(eq(invoices.id, invoice.id));
      await tx.insert(creditNotes).values({
        invoiceId: invoice.id,
        reason: "Cooperative verified: no fee is owed (PPL §4(c)).",
        amountMinor: 0,
        createdBy: actorUserId,
        createdAt: isoNow(deps.clock),
      });
      await recordAudit(
        tx,
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
