// An organization's income, per month: what its works were billed (line nets), what was collected for
// them (attributions by payment date), what runs allocated to it, what was paid out — and why what is
// owed has not been paid yet.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { moneyJson } from "../shared/money.js";
import { policyOn } from "../distribution/policies.js";
import { payables } from "./payables.js";
import { payeeOf } from "./payee.js";

type Figure = "attributed" | "collected" | "allocated" | "paidOut";

export async function incomeView(db: Db, organizationId: number, today: string) {
  const rows = await queryRows<{ month: string; currency: string; figure: Figure; amount: unknown }>(
    db,
    sql`select i.month, n.currency, 'attributed' as figure, sum(n.net_minor) as amount
          from invoice_line_nets n join invoices i on i.id = n.invoice_id join works w on w.id = n.work_id
          where w.licensor_organization_id = ${organizationId} and i.status <> 'void' group by i.month, n.currency
        union all select substr(a.paid_on, 1, 7), a.currency, 'collected', sum(a.amount_minor)
          from payment_attributions a join works w on w.id = a.work_id where w.licensor_organization_id = ${organizationId} group by substr(a.paid_on, 1, 7), a.currency
        union all select r.month, a.currency, 'allocated', sum(a.amount_minor)
          from distribution_allocations a join distribution_runs r on r.id = a.run_id where a.organization_id = ${organizationId} group by r.month, a.currency
        union all select substr(b.execution_date, 1, 7), p.currency, 'paidOut', sum(p.amount_minor)
          from payouts p join payout_batches b on b.id = p.batch_id where p.organization_id = ${organizationId} and p.status = 'confirmed' group by substr(b.execution_date, 1, 7), p.currency`,
  );
  const months = new Map<string, { month: string; currency: string } & Record<Figure, number>>();
  for (const r of rows) {
    const key = `${r.month}\u0000${r.currency}`;
    const m = months.get(key) ?? { month: r.month, currency: r.currency, attributed: 0, collected: 0, allocated: 0, paidOut: 0 };
    m[r.figure] += toInt(r.amount);
    months.set(key, m);
  }
  const runs = new Map(
    (await queryRows<{ month: string; status: string }>(db, sql`select month, status from distribution_runs`)).map((r) => [
      r.month,
      r.status,
    ]),
  );
  const owed = await payables(db, organizationId);
  return {
    organizationId,
    months: [...months.values()]
      .sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : a.currency < b.currency ? -1 : 1))
      .map((m) => ({
        month: m.month,
        attributed: moneyJson(m.attributed, m.currency),
        collected: moneyJson(m.collected, m.currency),
        allocated: moneyJson(m.allocated, m.currency),
        paidOut: moneyJson(m.paidOut, m.currency),
        run: runs.get(m.month) ?? null,
      })),
    payable: owed.map((p) => ({ balance: moneyJson(p.balanceMinor, p.currency), inPendingPayouts: moneyJson(p.pendingMinor, p.currency) })),
    notPaidYet: await notPaidReasons(
      db,
      organizationId,
      today,
      owed,
      [...months.values()].filter((m) => m.collected !== 0 && runs.get(m.month) !== "approved").map((m) => m.month),
    ),
  };
}

/** Plain reasons, in the order they apply: months not distributed yet, then what stops a payout. */
export async function notPaidReasons(
  db: Db,
  organizationId: number,
  today: string,
  owed: Awaited<ReturnType<typeof payables>>,
  undistributed: string[],
): Promise<string[]> {
  const reasons = [...new Set(undistributed)].sort().map((month) => `${month}: collected, not yet distributed (no approved run)`);
  const open = owed.filter((p) => p.balanceMinor > 0);
  if (open.length === 0) return reasons;
  const payee = await payeeOf(db, organizationId);
  const policy = await policyOn(db, today);
  for (const p of open) {
    const free = p.balanceMinor - p.pendingMinor;
    if (p.pendingMinor > 0)
      reasons.push(`${moneyJson(p.pendingMinor, p.currency).formatted} is in a payout the bank has not confirmed yet`);
    if (free <= 0) continue;
    if (!payee) reasons.push(`${moneyJson(free, p.currency).formatted} waits for payee details (legal name, country, IBAN)`);
    else {
      const minimum = payee.minimumPayoutMinor ?? policy.minimumPayoutMinor;
      reasons.push(
        free < minimum
          ? `${moneyJson(free, p.currency).formatted} is below the minimum payout of ${moneyJson(minimum, p.currency).formatted}`
          : `${moneyJson(free, p.currency).formatted} will be paid in the next payout batch`,
      );
    }
  }
  return reasons;
}
