// The treasurer's view of the fund: balance, receivables by age, money invoiced and collected.
import { and, inArray, isNotNull, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { invoices, payments } from "../db/schema.js";
import { addMonths, dayNumber } from "../fees/compute-fees.js";
import { moneyJson } from "../shared/money.js";
import { CASH_ACCOUNT } from "../ledger/accounts.js";
import { outstandingOf, PAYABLE_STATUSES } from "../invoices/invoice-rules.js";

export const AGE_BUCKETS = ["current", "1–30 days", "31–60 days", "61–90 days", "90+ days"] as const;

export async function fundBalances(db: Db) {
  const rows = await queryRows<{ currency: string; balance: unknown }>(
    db,
    sql`select currency, sum(case when debit_account = ${CASH_ACCOUNT} then amount_minor else -amount_minor end) as balance
        from ledger_transfers where debit_account = ${CASH_ACCOUNT} or credit_account = ${CASH_ACCOUNT} group by currency`,
  );
  // Sorted here, by code point: the engines' collations may order text differently.
  return rows
    .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0))
    .map((r) => moneyJson(toInt(r.balance), r.currency));
}

export async function receivablesByAge(db: Db, today: string) {
  const rows = await db
    .select({
      status: invoices.status,
      currency: invoices.currency,
      dueOn: invoices.dueOn,
      totalMinor: invoices.totalMinor,
      paid: sql<number>`(select coalesce(sum(p.amount_minor), 0) from payments p where p.invoice_id = ${invoices.id})`.mapWith(toInt),
    })
    .from(invoices)
    .where(inArray(invoices.status, PAYABLE_STATUSES));
  const buckets = new Map<string, number[]>();
  const t = dayNumber(today);
  for (const r of rows) {
    const overdue = t - dayNumber(r.dueOn!);
    const i = overdue <= 0 ? 0 : overdue <= 30 ? 1 : overdue <= 60 ? 2 : overdue <= 90 ? 3 : 4;
    const list = buckets.get(r.currency) ?? [0, 0, 0, 0, 0];
    list[i]! += outstandingOf(r, r.paid);
    buckets.set(r.currency, list);
  }
  return [...buckets].map(([currency, amounts]) => ({
    currency,
    total: moneyJson(
      amounts.reduce((a, b) => a + b, 0),
      currency,
    ),
    buckets: AGE_BUCKETS.map((label, i) => ({ label, amount: moneyJson(amounts[i]!, currency) })),
  }));
}

/** Per month (the last `months` up to `today`): invoiced by issue date, collected by payment date. */
export async function monthlyFlows(db: Db, today: string, months = 12) {
  const list: string[] = [];
  for (let i = months - 1; i >= 0; i--) list.push(addMonths(today.slice(0, 7), -i));
  // Grouped by the expression itself: PostgreSQL does not group by an output alias of the same name.
  const issuedMonth = sql<string>`substr(${invoices.issuedOn}, 1, 7)`;
  const invoicedRows = await db
    .select({ month: issuedMonth, total: sql<number>`coalesce(sum(${invoices.totalMinor}), 0)`.mapWith(toInt) })
    .from(invoices)
    .where(and(isNotNull(invoices.issuedOn), ne(invoices.status, "void")))
    .groupBy(issuedMonth);
  const paidMonth = sql<string>`substr(${payments.paidOn}, 1, 7)`;
  const collectedRows = await db
    .select({ month: paidMonth, total: sql<number>`coalesce(sum(${payments.amountMinor}), 0)`.mapWith(toInt) })
    .from(payments)
    .groupBy(paidMonth);
  const invoiced = new Map(invoicedRows.map((r) => [r.month, r.total]));
  const collected = new Map(collectedRows.map((r) => [r.month, r.total]));
  return list.map((month) => ({ month, invoicedMinor: invoiced.get(month) ?? 0, collectedMinor: collected.get(month) ?? 0 }));
}

/** A bar chart as inline SVG: no client-side JavaScript, prints as it shows. */
export function flowsChart(flows: { month: string; invoicedMinor: number; collectedMinor: number }[], currency: string) {
  const max = Math.max(1, ...flows.flatMap((f) => [f.invoicedMinor, f.collectedMinor]));
  const width = 720;
  const height = 220;
  const slot = width / flows.length;
  const barWidth = Math.max(4, slot / 2 - 6);
  const scale = (v: number) => Math.round(((height - 40) * v) / max);
  return {
    width,
    height,
    currency,
    /** The value axis: a line at zero and one at the largest value, labelled. */
    axis: { zeroY: height - 20, topY: height - 20 - scale(max), topLabel: moneyJson(max === 1 ? 0 : max, currency).formatted },
    rows: flows.map((f) => ({
      month: f.month,
      invoiced: moneyJson(f.invoicedMinor, currency).formatted,
      collected: moneyJson(f.collectedMinor, currency).formatted,
    })),
    bars: flows.map((f, i) => {
      const x = i * slot + 6;
      const hi = scale(f.invoicedMinor);
      const hc = scale(f.collectedMinor);
      return {
        month: f.month,
        label: f.month.slice(2),
        labelX: x + barWidth,
        invoiced: {
          x,
          y: height - 20 - hi,
          h: hi,
          w: barWidth,
          title: `${f.month} invoiced ${moneyJson(f.invoicedMinor, currency).formatted}`,
        },
        collected: {
          x: x + barWidth + 2,
          y: height - 20 - hc,
          h: hc,
          w: barWidth,
          title: `${f.month} collected ${moneyJson(f.collectedMinor, currency).formatted}`,
        },
      };
    }),
  };
}
