// The fee invoices of a billed month (rent invoices are another kind), as a run's answer and the CLI's summary show them: read a page at a time
// or counted in the database, never all held at once.
import { and, asc, eq, gt, notInArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { toInt } from "../db/sql.js";
import { invoices } from "../db/schema.js";
import { moneyJson } from "../shared/money.js";

/** Invoices per page of monthInvoicePages. */
export const MONTH_INVOICES_PAGE = 1000;

/** The month's invoices, in organization order (one invoice per organization and month), a page at a time. */
export async function* monthInvoicePages(db: Db, month: string, pageSize = MONTH_INVOICES_PAGE) {
  let after = 0;
  for (;;) {
    const rows = await db
      .select({
        id: invoices.id,
        number: invoices.number,
        organizationId: invoices.organizationId,
        status: invoices.status,
        totalMinor: invoices.totalMinor,
        currency: invoices.currency,
      })
      .from(invoices)
      .where(and(eq(invoices.month, month), eq(invoices.kind, "fees"), gt(invoices.organizationId, after)))
      .orderBy(asc(invoices.organizationId))
      .limit(pageSize);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.organizationId;
    yield rows.map((i) => ({
      id: i.id,
      number: i.number,
      organizationId: i.organizationId,
      status: i.status,
      total: moneyJson(i.totalMinor, i.currency),
    }));
    if (rows.length < pageSize) return;
  }
}

/** Every invoice of the month (a small month: the demo, tests). */
export async function monthInvoices(db: Db, month: string) {
  const all = [];
  for await (const page of monthInvoicePages(db, month)) all.push(...page);
  return all;
}

/**
 * The month's invoices counted: how many, how many per status, and the total invoiced per currency (held and
 * void ones left out); statuses and currencies in the order their first invoice comes by organization.
 */
export async function monthInvoiceTally(db: Db, month: string) {
  const byStatus = await db
    .select({ status: invoices.status, n: sql<number>`count(*)`.mapWith(toInt), first: sql<number>`min(${invoices.organizationId})` })
    .from(invoices)
    .where(and(eq(invoices.month, month), eq(invoices.kind, "fees")))
    .groupBy(invoices.status)
    .orderBy(sql`3`);
  const totals = await db
    .select({
      currency: invoices.currency,
      totalMinor: sql<number>`sum(${invoices.totalMinor})`.mapWith(toInt),
      first: sql<number>`min(${invoices.organizationId})`,
    })
    .from(invoices)
    .where(and(eq(invoices.month, month), eq(invoices.kind, "fees"), notInArray(invoices.status, ["held", "void"])))
    .groupBy(invoices.currency)
    .orderBy(sql`3`);
  return {
    count: byStatus.reduce((s, r) => s + r.n, 0),
    byStatus: byStatus.map((r) => ({ status: r.status, count: r.n })),
    totals: totals.map((r) => ({ currency: r.currency, totalMinor: r.totalMinor })),
  };
}
