// What an organization's books say of the works a check matched (the CLI gate's rule, README decisions):
// its overdue unpaid invoices that bill one of them, and the works it holds a grant for this month.
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { toInt } from "../db/sql.js";
import { grants, invoiceLines, invoices, works } from "../db/schema.js";
import { moneyJson, type Money } from "../shared/money.js";
import { outstandingOf } from "../invoices/invoice-rules.js";

export interface OverdueInvoice {
  number: string;
  dueOn: string;
  outstanding: Money & { formatted: string };
  /** The works of the check that the invoice bills. */
  workSlugs: string[];
}

export interface Standing {
  overdueInvoices: OverdueInvoice[];
  /** Works the organization holds a grant for in the month of `day`. */
  grantedWorkIds: Set<number>;
}

/** The organization's standing on `day` for the works a check matched. */
export async function standingOf(db: Db, organizationId: number, matchedWorkIds: Set<number>, day: string): Promise<Standing> {
  // An organization has few unpaid invoices and few grants a month: read them all, filter here.
  const unpaid = await db
    .select({
      id: invoices.id,
      number: invoices.number,
      dueOn: invoices.dueOn,
      status: invoices.status,
      totalMinor: invoices.totalMinor,
      currency: invoices.currency,
      paid: sql<number>`(select coalesce(sum(p.amount_minor), 0) from payments p where p.invoice_id = ${invoices.id})`.mapWith(toInt),
    })
    .from(invoices)
    .where(
      and(eq(invoices.organizationId, organizationId), inArray(invoices.status, ["issued", "partially_paid"]), lt(invoices.dueOn, day)),
    );
  const lines = unpaid.length
    ? await db
        .select({ invoiceId: invoiceLines.invoiceId, workId: invoiceLines.workId, slug: works.slug })
        .from(invoiceLines)
        .innerJoin(works, eq(works.id, invoiceLines.workId))
        .where(
          inArray(
            invoiceLines.invoiceId,
            unpaid.map((i) => i.id),
          ),
        )
    : [];
  const overdueInvoices = unpaid.flatMap((i): OverdueInvoice[] => {
    const slugs = [...new Set(lines.filter((l) => l.invoiceId === i.id && matchedWorkIds.has(l.workId!)).map((l) => l.slug))].sort();
    const outstanding = outstandingOf(i, i.paid);
    return slugs.length > 0 && outstanding > 0 && i.number && i.dueOn
      ? [{ number: i.number, dueOn: i.dueOn, outstanding: moneyJson(outstanding, i.currency), workSlugs: slugs }]
      : [];
  });
  const granted = await db
    .select({ workId: grants.workId })
    .from(grants)
    .where(and(eq(grants.organizationId, organizationId), eq(grants.month, day.slice(0, 7))));
  return { overdueInvoices, grantedWorkIds: new Set(granted.map((g) => g.workId).filter((id) => matchedWorkIds.has(id))) };
}
