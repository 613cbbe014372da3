// A work's income, per month, as its maintainers read it: what its lines were billed (line nets, by the
// invoice's month), what was collected for it (attributions, by payment date), what runs allocated to its
// licensor for it (and to its split receivers), what of that was paid out, and why the rest was not yet.
// A payout settles an organization's payable as a whole; it is read as settling the oldest approved
// allocations first (month order, then allocation order, LRM within a month partly paid).
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { moneyJson, splitLargestRemainder } from "../shared/money.js";
import { monthBounds } from "../fees/compute-fees.js";
import type { Work } from "../works/works.queries.js";
import { notPaidReasons } from "./income.queries.js";
import { payables } from "./payables.js";

interface MonthFigures {
  month: string;
  currency: string;
  attributed: number;
  collected: number;
  allocated: number;
  toReceivers: number;
  paid: number;
  /** Collected, at any time, for this month's invoices: the month's billing less what its payers still owe. */
  billedCollected: number;
}

/** How much of each allocation (in order) a paid total covers, oldest first. Pure. */
export function settleOldestFirst(allocations: readonly number[], paidMinor: number): number[] {
  let left = paidMinor;
  return allocations.map((a) => {
    const part = Math.max(0, Math.min(a, left));
    left -= part;
    return part;
  });
}

export async function workIncomeView(db: Db, work: Work, today: string) {
  const figures = await workFigures(db, work);
  const runs = new Map(
    (await queryRows<{ month: string; status: string }>(db, sql`select month, status from distribution_runs`)).map((r) => [
      r.month,
      r.status,
    ]),
  );
  const owed = await payables(db, work.licensorOrganizationId);
  const payoutReasons = await notPaidReasons(db, work.licensorOrganizationId, today, owed, []);
  const months = [...figures.values()].sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : 0));
  return months.map((m) => {
    const money = (n: number) => moneyJson(n, m.currency);
    const run = runs.get(m.month) ?? null;
    return {
      month: m.month,
      attributed: money(m.attributed),
      collected: money(m.collected),
      allocated: money(m.allocated),
      toReceivers: money(m.toReceivers),
      paid: money(m.paid),
      run,
      whyNotPaid: whyNotPaid(m, run, today, payoutReasons),
    };
  });
}

function whyNotPaid(m: MonthFigures, run: string | null, today: string, payoutReasons: string[]): string[] {
  const out: string[] = [];
  const unpaid = m.attributed - m.billedCollected;
  if (unpaid > 0) out.push(`${moneyJson(unpaid, m.currency).formatted} of this month's invoices is not paid yet by the users`);
  if (m.collected === 0) return out;
  if (run === null)
    out.push(
      today <= monthBounds(m.month).last
        ? "the month has not ended: its cash is distributed after it ends"
        : "collected, not distributed yet: the month's distribution run has not been made",
    );
  else if (run === "draft") out.push("the month's distribution run waits for a treasurer's approval");
  else if (m.paid < m.allocated) out.push(...payoutReasons);
  return out;
}

async function workFigures(db: Db, work: Work): Promise<Map<string, MonthFigures>> {
  const licensor = work.licensorOrganizationId;
  const rows = await queryRows<{ month: string; currency: string; figure: string; amount: unknown }>(
    db,
    sql`select i.month, n.currency, 'attributed' as figure, sum(n.net_minor) as amount
          from invoice_line_nets n join invoices i on i.id = n.invoice_id
          where n.work_id = ${work.id} and i.status <> 'void' group by i.month, n.currency
        union all select substr(paid_on, 1, 7), currency, 'collected', sum(amount_minor)
          from payment_attributions where work_id = ${work.id} group by substr(paid_on, 1, 7), currency
        union all select i.month, a.currency, 'billedCollected', sum(a.amount_minor)
          from payment_attributions a join invoices i on i.id = a.invoice_id where a.work_id = ${work.id} group by i.month, a.currency
        union all select month, currency, figure, sum(amount) from (
          select r.month, a.currency, case when a.organization_id = ${licensor} then 'allocated' else 'toReceivers' end as figure, a.amount_minor as amount
          from distribution_allocations a join distribution_runs r on r.id = a.run_id where a.work_id = ${work.id}
        ) as allocated group by month, currency, figure`,
  );
  const out = new Map<string, MonthFigures>();
  for (const r of rows) {
    const key = `${r.month}\u0000${r.currency}`;
    const m = out.get(key) ?? {
      month: r.month,
      currency: r.currency,
      attributed: 0,
      collected: 0,
      allocated: 0,
      toReceivers: 0,
      paid: 0,
      billedCollected: 0,
    };
    m[r.figure as "attributed" | "collected" | "allocated" | "toReceivers" | "billedCollected"] += toInt(r.amount);
    out.set(key, m);
  }
  for (const [key, paid] of await paidOfWork(db, work)) {
    const m = out.get(key);
    if (m) m.paid = paid;
  }
  return out;
}

/** The licensor's confirmed payouts laid over its approved allocations, oldest first; this work's part per month. */
async function paidOfWork(db: Db, work: Work): Promise<Map<string, number>> {
  const licensor = work.licensorOrganizationId;
  const allocations = await queryRows<{ month: string; currency: string; work_id: unknown; amount: unknown }>(
    db,
    sql`select r.month, a.currency, a.work_id, a.amount_minor as amount from distribution_allocations a
        join distribution_runs r on r.id = a.run_id
        where a.organization_id = ${licensor} and r.status = 'approved' order by r.month, a.position`,
  );
  const confirmed = await queryRows<{ currency: string; s: unknown }>(
    db,
    sql`select currency, sum(amount_minor) as s from payouts where organization_id = ${licensor} and status = 'confirmed' group by currency`,
  );
  const out = new Map<string, number>();
  for (const c of confirmed) {
    const mine = allocations.filter((a) => a.currency === c.currency);
    const months = [...new Set(mine.map((a) => a.month))];
    const perMonth = months.map((month) => mine.filter((a) => a.month === month));
    const paidPerMonth = settleOldestFirst(
      perMonth.map((rows) => rows.reduce((s, a) => s + toInt(a.amount), 0)),
      toInt(c.s),
    );
    perMonth.forEach((rows, i) => {
      const parts = splitLargestRemainder(
        paidPerMonth[i]!,
        rows.map((a) => toInt(a.amount)),
      );
      const workPaid = rows.reduce((s, a, j) => s + (toInt(a.work_id) === work.id ? parts[j]! : 0), 0);
      if (workPaid > 0) out.set(`${months[i]}\u0000${c.currency}`, workPaid);
    });
  }
  return out;
}
