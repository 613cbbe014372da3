// Line nets and attribution (PRODUCT.md §11.1–§11.2), written in the caller's transaction: the nets of
// the invoices being issued, and the attribution of a payment (or a refund) to the lines of its invoice.
// Both tables are append-only, so every minor unit of the pool traces back to a payment and a line; each
// attribution also adds to its work's cash (work-cash.ts), the sums a distribution run reads.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { enterGateAsCash, type CashStamp } from "./distribution-gate.js";
import { addToWorkCash } from "./work-cash.js";
import { bulkInsert } from "../db/bulk-insert.js";
import { queryRows, toInt } from "../db/sql.js";
import { invoiceLineNets, invoiceLines, invoices, paymentAttributions, payments } from "../db/schema.js";
import { attributePayment, attributeRefund, lineNets, type LineBalance } from "./distribution-rules.js";

/** Ids per statement: far under both engines' parameter limits. */
const IDS_PER_STATEMENT = 10_000;

/**
 * Fixes the line nets of these (just issued) invoices, in the caller's transaction (`tx`). An invoice
 * whose nets exist already keeps them: nets are fixed once.
 */
export async function fixLineNets(tx: Db, invoiceIds: readonly number[], createdAt: string): Promise<void> {
  for (let start = 0; start < invoiceIds.length; start += IDS_PER_STATEMENT) {
    const slice = invoiceIds.slice(start, start + IDS_PER_STATEMENT);
    const totals = await tx
      .select({ id: invoices.id, totalMinor: invoices.totalMinor, currency: invoices.currency })
      .from(invoices)
      .where(inArray(invoices.id, slice));
    const lines = await tx
      .select({
        lineId: invoiceLines.id,
        invoiceId: invoiceLines.invoiceId,
        workId: invoiceLines.workId,
        position: invoiceLines.position,
        amountMinor: invoiceLines.amountMinor,
      })
      .from(invoiceLines)
      .where(and(inArray(invoiceLines.invoiceId, slice), eq(invoiceLines.kind, "fee")));
    const byInvoice = new Map<number, typeof lines>();
    for (const l of lines) byInvoice.set(l.invoiceId, [...(byInvoice.get(l.invoiceId) ?? []), l]);
    const rent = await rentOf(tx, slice);
    const rows = totals.flatMap((invoice) =>
      lineNets(
        // Rent lines are not the works' (PRODUCT.md §14): the bonds' waterfall takes their payments.
        invoice.totalMinor - (rent.get(invoice.id) ?? 0),
        (byInvoice.get(invoice.id) ?? []).map((l) => ({ ...l, workId: l.workId! })),
      ).map((n) => ({
        invoiceLineId: n.lineId,
        invoiceId: invoice.id,
        workId: n.workId,
        netMinor: n.netMinor,
        currency: invoice.currency,
        createdAt,
      })),
    );
    await bulkInsert(tx, invoiceLineNets, rows, { onConflictDoNothing: true });
  }
}

/** The rent lines' sum per invoice, where there are any. */
async function rentOf(tx: Db, invoiceIds: readonly number[]): Promise<Map<number, number>> {
  const rows = await tx
    .select({ invoiceId: invoiceLines.invoiceId, amountMinor: invoiceLines.amountMinor })
    .from(invoiceLines)
    .where(and(inArray(invoiceLines.invoiceId, [...invoiceIds]), eq(invoiceLines.kind, "rent")));
  const sums = new Map<number, number>();
  for (const r of rows) sums.set(r.invoiceId, (sums.get(r.invoiceId) ?? 0) + r.amountMinor);
  return sums;
}

/** Each fee line of the invoice with its net, what was attributed to it and what it still lacks. */
async function lineBalances(tx: Db, invoiceId: number): Promise<LineBalance[]> {
  const rows = await queryRows<{ line_id: unknown; work_id: unknown; position: unknown; net: unknown; attributed: unknown }>(
    tx,
    sql`select n.invoice_line_id as line_id, n.work_id, l.position, n.net_minor as net, coalesce(a.s, 0) as attributed
        from invoice_line_nets n join invoice_lines l on l.id = n.invoice_line_id
        left join (select invoice_line_id, sum(amount_minor) as s from payment_attributions where invoice_id = ${invoiceId} group by invoice_line_id) a
          on a.invoice_line_id = n.invoice_line_id
        where n.invoice_id = ${invoiceId}`,
  );
  return rows.map((r) => ({
    lineId: toInt(r.line_id),
    workId: toInt(r.work_id),
    position: toInt(r.position),
    attributedMinor: toInt(r.attributed),
    lackingMinor: toInt(r.net) - toInt(r.attributed),
  }));
}

export interface Receipt {
  id: number;
  invoiceId: number;
  amountMinor: number;
  currency: string;
  paidOn: string;
}

/**
 * Attributes a payment to its invoice's lines, in the payment's own transaction (`tx`). An invoice issued
 * before line nets existed gets them now, and its earlier payments their attributions, in payment order.
 */
export async function attributePaymentToLines(tx: Db, payment: Receipt, now: string): Promise<void> {
  const stamp = await enterGateAsCash(tx, now);
  const [fixed] = await tx
    .select({ id: invoiceLineNets.invoiceLineId })
    .from(invoiceLineNets)
    .where(eq(invoiceLineNets.invoiceId, payment.invoiceId))
    .limit(1);
  if (!fixed) {
    await fixLineNets(tx, [payment.invoiceId], stamp.createdAt);
    const earlier = await tx
      .select({
        id: payments.id,
        invoiceId: payments.invoiceId,
        amountMinor: payments.amountMinor,
        currency: payments.currency,
        paidOn: payments.paidOn,
      })
      .from(payments)
      .where(and(eq(payments.invoiceId, payment.invoiceId), sql`${payments.id} <> ${payment.id}`))
      .orderBy(asc(payments.id));
    for (const p of earlier) await writeAttribution(tx, p, stamp);
  }
  await writeAttribution(tx, payment, stamp);
}

async function writeAttribution(tx: Db, payment: Receipt, stamp: CashStamp): Promise<void> {
  const balances = await lineBalances(tx, payment.invoiceId);
  // An invoice without fee lines (nothing to attribute to) cannot take a payment: its total is zero.
  if (balances.length === 0) return;
  const shares = attributePayment(payment.amountMinor, balances);
  await bulkInsert(
    tx,
    paymentAttributions,
    shares.map((s) => ({
      kind: "payment" as const,
      paymentId: payment.id,
      refundId: null,
      invoiceLineId: s.lineId,
      invoiceId: payment.invoiceId,
      workId: s.workId,
      amountMinor: s.amountMinor,
      currency: payment.currency,
      paidOn: payment.paidOn,
      createdAt: stamp.createdAt,
    })),
  );
  await addToWorkCash(tx, shares, payment, stamp);
}

/**
 * Takes a refund back from the invoice's lines (negative attributions, in proportion to what each was
 * attributed), in the refund's own transaction (`tx`): the refund's month's pool shrinks by it.
 */
export async function attributeRefundToLines(tx: Db, refund: Receipt, now: string): Promise<void> {
  const stamp = await enterGateAsCash(tx, now);
  const balances = await lineBalances(tx, refund.invoiceId);
  // An invoice issued before line nets existed and never paid since has nothing attributed to take back.
  if (balances.length === 0) return;
  const shares = attributeRefund(refund.amountMinor, balances);
  await bulkInsert(
    tx,
    paymentAttributions,
    shares.map((s) => ({
      kind: "refund" as const,
      paymentId: null,
      refundId: refund.id,
      invoiceLineId: s.lineId,
      invoiceId: refund.invoiceId,
      workId: s.workId,
      amountMinor: -s.amountMinor,
      currency: refund.currency,
      paidOn: refund.paidOn,
      createdAt: stamp.createdAt,
    })),
  );
  await addToWorkCash(
    tx,
    shares.map((s) => ({ workId: s.workId, amountMinor: -s.amountMinor })),
    refund,
    stamp,
  );
}
