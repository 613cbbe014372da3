// The monthly transparency report (PRODUCT.md §12): the fund's opening and closing balance,
// invoiced, credited and collected, receivables by age at the month's end, revenue-cap relief and
// paying organizations by headcount band, with the checkpoint it was computed at. A cell about 1 or
// 2 organizations shows "<3" and no amount. Provisional until the month's distribution run is
// approved, then final: what was distributed per bucket and per work is part of it from the draft on.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { queryRows, toInt } from "../db/sql.js";
import { CASH_ACCOUNT } from "../ledger/accounts.js";
import { addMonths, bandFor, dayNumber, monthBounds } from "../fees/compute-fees.js";
import { feeScheduleOn } from "../fees/fee-schedules.queries.js";
import { moneyJson } from "../shared/money.js";
import { AGE_BUCKETS } from "../treasury/dashboard.queries.js";
import { latestCheckpoint } from "./books.queries.js";
import { cell, type Cell } from "./report-cells.js";
import { monthRun, reportDistribution } from "./report-distribution.js";

export { cell, DISCLOSURE_MINIMUM, type Cell } from "./report-cells.js";

const orgOf = (account: string): string | null => (account.startsWith("receivable:") ? account.slice("receivable:".length) : null);

interface Movement {
  code: string;
  effectiveOn: string;
  invoiceId: number | null;
  debit: string;
  credit: string;
  amountMinor: number;
}

async function movementsUntil(db: Db, end: string, currency: string): Promise<Movement[]> {
  const rows = await queryRows<{
    code: string;
    effective_on: string;
    invoice_id: unknown;
    debit_account: string;
    credit_account: string;
    amount_minor: unknown;
  }>(
    db,
    sql`select t.code, t.effective_on, t.invoice_id, f.debit_account, f.credit_account, f.amount_minor
        from ledger_transfers f join ledger_transactions t on t.id = f.transaction_id
        where t.effective_on <= ${end} and f.currency = ${currency}`,
  );
  return rows.map((r) => ({
    code: r.code,
    effectiveOn: r.effective_on,
    invoiceId: r.invoice_id === null ? null : toInt(r.invoice_id),
    debit: r.debit_account,
    credit: r.credit_account,
    amountMinor: toInt(r.amount_minor),
  }));
}

function flow(movements: Movement[], code: string, first: string, currency: string): Cell {
  const inMonth = movements.filter((m) => m.code === code && m.effectiveOn >= first);
  const orgs = new Set(inMonth.map((m) => orgOf(m.debit) ?? orgOf(m.credit)).filter((o) => o !== null));
  return cell(
    orgs.size,
    inMonth.reduce((s, m) => s + m.amountMinor, 0),
    currency,
  );
}

function cashBefore(movements: Movement[], date: string, inclusive: boolean): number {
  return movements
    .filter((m) => (inclusive ? m.effectiveOn <= date : m.effectiveOn < date))
    .reduce((s, m) => s + (m.debit === CASH_ACCOUNT ? m.amountMinor : m.credit === CASH_ACCOUNT ? -m.amountMinor : 0), 0);
}

async function receivablesAt(db: Db, movements: Movement[], end: string, currency: string) {
  const open = new Map<number, { org: string; minor: number }>();
  for (const m of movements) {
    if (m.invoiceId === null) continue;
    const entry = open.get(m.invoiceId) ?? { org: orgOf(m.debit) ?? orgOf(m.credit) ?? "", minor: 0 };
    if (orgOf(m.debit)) entry.minor += m.amountMinor;
    if (orgOf(m.credit)) entry.minor -= m.amountMinor;
    open.set(m.invoiceId, entry);
  }
  const dues = await queryRows<{ id: unknown; due_on: string | null }>(db, sql`select id, due_on from invoices where due_on is not null`);
  const dueOf = new Map(dues.map((d) => [toInt(d.id), d.due_on!]));
  const buckets = AGE_BUCKETS.map(() => ({ orgs: new Set<string>(), minor: 0 }));
  for (const [id, { org, minor }] of open) {
    if (minor <= 0) continue;
    const overdue = dayNumber(end) - dayNumber(dueOf.get(id) ?? end);
    const b = buckets[overdue <= 0 ? 0 : overdue <= 30 ? 1 : overdue <= 60 ? 2 : overdue <= 90 ? 3 : 4]!;
    b.orgs.add(org);
    b.minor += minor;
  }
  return AGE_BUCKETS.map((bucket, i) => ({ bucket, ...cell(buckets[i]!.orgs.size, buckets[i]!.minor, currency) }));
}

async function revenueCapRelief(db: Db, month: string, currency: string): Promise<Cell> {
  const [row] = await queryRows<{ orgs: unknown; relief: unknown }>(
    db,
    sql`select count(distinct i.organization_id) as orgs, coalesce(sum(-l.amount_minor), 0) as relief
        from invoice_lines l join invoices i on i.id = l.invoice_id
        where l.kind = 'revenue_cap' and i.month = ${month} and i.number is not null and i.currency = ${currency}`,
  );
  return cell(toInt(row?.orgs), toInt(row?.relief), currency);
}

async function payersByHeadcount(db: Db, movements: Movement[], first: string, last: string, currency: string) {
  const schedule = await feeScheduleOn(db, first).catch(() => null);
  const paid = new Map<string, number>();
  for (const m of movements)
    if (m.code === "payment_received" && m.effectiveOn >= first && orgOf(m.credit))
      paid.set(orgOf(m.credit)!, (paid.get(orgOf(m.credit)!) ?? 0) + m.amountMinor);
  const facts = await queryRows<{ organization_id: unknown; headcount: unknown; effective_on: string }>(
    db,
    sql`select organization_id, headcount, effective_on from size_facts where effective_on <= ${last} order by effective_on, id`,
  );
  const headcount = new Map(facts.map((f) => [String(toInt(f.organization_id)), toInt(f.headcount)]));
  const bands = schedule?.bands ?? [];
  const label = (b: { minHeadcount: number; maxHeadcount: number | null }) =>
    b.maxHeadcount === null ? `${b.minHeadcount}+` : `${b.minHeadcount}–${b.maxHeadcount}`;
  const cells = new Map<string, { orgs: number; minor: number }>([
    ...bands.map((b) => [label(b), { orgs: 0, minor: 0 }] as const),
    ["not declared", { orgs: 0, minor: 0 }],
  ]);
  for (const [org, minor] of paid) {
    const h = headcount.get(org);
    const key = h === undefined || !schedule ? "not declared" : label(bandFor(schedule, h));
    const c = cells.get(key)!;
    c.orgs += 1;
    c.minor += minor;
  }
  return [...cells].map(([band, c]) => ({ band, ...cell(c.orgs, c.minor, currency) }));
}

export async function transparencyReport(db: Db, month: string, deps: { origin: string; now: string }) {
  const { first, last } = monthBounds(month);
  const currency = (await feeScheduleOn(db, last).catch(() => null))?.currency ?? "EUR";
  const checkpoint = await latestCheckpoint(db);
  const movements = await movementsUntil(db, last, currency);
  const run = await monthRun(db, month);
  return {
    month,
    status: run?.status === "approved" ? ("final" as const) : ("provisional" as const),
    statusReason: statusReason(run?.status),
    currency,
    computedAt: deps.now,
    checkpoint: checkpoint ? { origin: deps.origin, treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash } : null,
    fund: {
      opening: moneyJson(cashBefore(movements, first, false), currency),
      closing: moneyJson(cashBefore(movements, last, true), currency),
    },
    invoiced: flow(movements, "invoice_issued", first, currency),
    credited: flow(movements, "invoice_voided", first, currency),
    collected: flow(movements, "payment_received", first, currency),
    receivablesByAge: await receivablesAt(db, movements, last, currency),
    revenueCapRelief: await revenueCapRelief(db, month, currency),
    payersByHeadcount: await payersByHeadcount(db, movements, first, last, currency),
    distribution: await reportDistribution(db, month),
    assets: await ventureFigures(db, first, last, currency),
  };
}

/**
 * The venture commune at the month's end (PRODUCT.md §14): assets leased and owned, the bonds' principal
 * outstanding, and the month's rent collected (to holders and as rent income) and interest paid.
 */
async function ventureFigures(db: Db, first: string, last: string, currency: string) {
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`select
          (select count(*) from assets where status = 'leased') as leased,
          (select count(*) from assets where status = 'owned') as owned,
          (select coalesce(sum(sold_minor), 0) from bond_issues where status in ('cleared', 'redeemed') and cleared_on <= ${last} and currency = ${currency})
            - (select coalesce(sum(principal_minor), 0) from bond_receipts where paid_on <= ${last} and currency = ${currency})
            - (select coalesce(sum(principal_minor + principal_written_off_minor), 0) from asset_sale_receipts where paid_on <= ${last} and currency = ${currency}) as outstanding,
          (select coalesce(sum(arrears_minor + interest_minor + principal_minor), 0) from bond_receipts where paid_on between ${first} and ${last} and currency = ${currency})
            + (select coalesce(sum(amount_minor), 0) from rent_income where paid_on between ${first} and ${last} and currency = ${currency}) as rent,
          (select coalesce(sum(arrears_minor + interest_minor), 0) from bond_receipts where paid_on between ${first} and ${last} and currency = ${currency})
            + (select coalesce(sum(arrears_minor), 0) from asset_sale_receipts where paid_on between ${first} and ${last} and currency = ${currency}) as interest`,
  );
  return {
    leased: toInt(row?.leased ?? 0),
    owned: toInt(row?.owned ?? 0),
    bondsOutstanding: moneyJson(toInt(row?.outstanding ?? 0), currency),
    rentCollected: moneyJson(toInt(row?.rent ?? 0), currency),
    interestPaid: moneyJson(toInt(row?.interest ?? 0), currency),
  };
}

function statusReason(run: "draft" | "approved" | undefined): string {
  if (run === "approved") return "Final: the month's distribution run is approved.";
  if (run === "draft") return "Provisional: the month's distribution run is a draft; final once it is approved.";
  return "Provisional: the month has no distribution run yet; final once its run is approved.";
}

export type TransparencyReport = Awaited<ReturnType<typeof transparencyReport>>;

/** Months with ledger activity, newest first, up to the current one. */
export async function reportMonths(db: Db, currentMonth: string): Promise<string[]> {
  const rows = await queryRows<{ month: string }>(db, sql`select distinct substr(effective_on, 1, 7) as month from ledger_transactions`);
  const months = new Set(rows.map((r) => r.month).filter((m) => m <= currentMonth));
  return [...months]
    .sort()
    .reverse()
    .slice(0, 120)
    .concat(months.size === 0 ? [addMonths(currentMonth, 0)] : []);
}
