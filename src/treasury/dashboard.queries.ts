// The treasurer's view of the fund: balance, receivables by age, money invoiced and collected.
import type { Db } from "../db/client.js";
import { dayNumber } from "../fees/compute-fees.js";
import { moneyJson } from "../shared/money.js";
import { CASH_ACCOUNT } from "../ledger/accounts.js";

export const AGE_BUCKETS = ["current", "1–30 days", "31–60 days", "61–90 days", "90+ days"] as const;

export function fundBalances(db: Db) {
  return (
    db.$client
      .prepare(
        `select currency, sum(case when debit_account = ? then amount_minor else -amount_minor end) as balance
         from ledger_transfers where debit_account = ? or credit_account = ? group by currency order by currency`,
      )
      .all(CASH_ACCOUNT, CASH_ACCOUNT, CASH_ACCOUNT) as { currency: string; balance: number }[]
  ).map((r) => moneyJson(r.balance, r.currency));
}

export function receivablesByAge(db: Db, today: string) {
  const rows = db.$client
    .prepare(
      `select i.currency, i.due_on as dueOn, i.total_minor - coalesce(p.paid, 0) as outstanding
       from invoices i left join (select invoice_id, sum(amount_minor) as paid from payments group by invoice_id) p on p.invoice_id = i.id
       where i.status in ('issued', 'partially_paid')`,
    )
    .all() as { currency: string; dueOn: string; outstanding: number }[];
  const buckets = new Map<string, number[]>();
  const t = dayNumber(today);
  for (const r of rows) {
    const overdue = t - dayNumber(r.dueOn);
    const i = overdue <= 0 ? 0 : overdue <= 30 ? 1 : overdue <= 60 ? 2 : overdue <= 90 ? 3 : 4;
    const list = buckets.get(r.currency) ?? [0, 0, 0, 0, 0];
    list[i]! += r.outstanding;
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
export function monthlyFlows(db: Db, today: string, months = 12) {
  const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  const list: string[] = [];
  for (let i = months - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    list.push(d.toISOString().slice(0, 7));
  }
  const invoiced = new Map(
    (
      db.$client
        .prepare(
          "select substr(issued_on, 1, 7) as month, sum(total_minor) as total from invoices where issued_on is not null and status <> 'void' group by month",
        )
        .all() as { month: string; total: number }[]
    ).map((r) => [r.month, r.total]),
  );
  const collected = new Map(
    (
      db.$client.prepare("select substr(paid_on, 1, 7) as month, sum(amount_minor) as total from payments group by month").all() as {
        month: string;
        total: number;
      }[]
    ).map((r) => [r.month, r.total]),
  );
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
