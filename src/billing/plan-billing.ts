// What a billing run for a month would issue, decided in plain code from one read of the database.
// The run writes this plan and the preview shows it: one computation, so the two cannot drift.
//
// A month is billed line by line against what invoices already bill for it (PRODUCT.md §13): the run for
// month M bills M, and catches up each earlier month that a run has billed, up to `catchUpMonths` back —
// a usage declared or back-dated since, a rejected size-facts declaration — priced with that month's
// schedule, band and cap. What invoices not void bill for an organization, work and month is subtracted,
// so a repeated run or an edited usage never bills a day twice.
import { and, eq, gte, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { toInt } from "../db/sql.js";
import { billingRuns, invoiceLines, invoices, organizations, sizeFactReviews, sizeFacts, usages, works } from "../db/schema.js";
import type { OrganizationKind, VerificationStatus } from "../organizations/vocabulary.js";
import {
  addMonths,
  computeMonthlyInvoice,
  monthBounds,
  outstandingLines,
  type BilledMonth,
  type ComputedLine,
  type FeeScheduleVersion,
  type SizeFactsInForce,
  type WorkUse,
} from "../fees/compute-fees.js";
import { allFeeSchedules, versionOn } from "../fees/fee-schedules.queries.js";
import { listExchangeRates, revenueInCurrency, type ExchangeRate } from "../fees/exchange-rates.js";
import { obligationOf } from "../usage/obligation.js";
import { AppError } from "../shared/errors.js";
import { moneyJson } from "../shared/money.js";
import { issuedStatus } from "../invoices/invoice-rules.js";
import { billablePeriods, clipToPeriods } from "../works/billable-periods.js";

/** How many months back a run catches up usage declared after their billing, unless configured. */
export const DEFAULT_CATCH_UP_MONTHS = 12;

export interface OrgRow {
  id: number;
  name: string;
  country: string | null;
  kind: OrganizationKind;
  verificationStatus: VerificationStatus | null;
}

/** One organization's invoice as decided, before anything is written. */
export interface PlannedInvoice {
  org: OrgRow;
  obligation: "fee" | "held";
  computed: { lines: ComputedLine[]; totalMinor: number; notes: string[] };
}

export interface BillingPlan {
  month: string;
  schedule: FeeScheduleVersion;
  planned: PlannedInvoice[];
}

interface FactRow extends SizeFactsInForce {
  effectiveOn: string;
}

/** Everything a plan reads: read once, outside any transaction. */
interface BillingInputs {
  /** The month billed, then the earlier months caught up, oldest first. */
  months: string[];
  schedules: Map<string, FeeScheduleVersion>;
  orgs: Map<number, OrgRow>;
  usesByOrg: Map<number, Map<number, WorkUse>>;
  titles: Map<number, string>;
  /** Per organization, its size facts in force from their date, oldest first; rejected declarations left out. */
  factsByOrg: Map<number, FactRow[]>;
  /** What invoices not void bill, by `${organizationId}|${month}`. */
  billed: Map<string, BilledMonth>;
  invoiced: Set<number>;
  rates: ExchangeRate[];
}

/**
 * The plan of a run for `month`. `schedule` is the version the run recorded (the preview reads the one
 * in force); earlier months are priced with their own.
 */
export async function planBilling(
  db: Db,
  month: string,
  options: { catchUpMonths: number; schedule?: FeeScheduleVersion },
): Promise<BillingPlan> {
  const months = [month, ...(await catchUpMonths(db, month, options.catchUpMonths))];
  const versions = await allFeeSchedules(db);
  const schedule = options.schedule ?? versionOn(versions, monthBounds(month).first);
  const schedules = new Map<string, FeeScheduleVersion>([[month, schedule]]);
  for (const m of months.slice(1)) schedules.set(m, versionOn(versions, monthBounds(m).first));
  // Lines of an invoice share its currency: a month priced in another currency is not caught up.
  const priced = months.filter((m) => schedules.get(m)!.currency === schedule.currency);
  const inputs = await readBillingInputs(db, priced, schedules);
  return { month, schedule, planned: planInvoices(inputs) };
}

/** The months before `month`, at most `limit` back, that a billing run has billed; oldest first. */
async function catchUpMonths(db: Db, month: string, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const rows = await db
    .selectDistinct({ month: billingRuns.month })
    .from(billingRuns)
    .where(and(gte(billingRuns.month, addMonths(month, -limit)), lte(billingRuns.month, addMonths(month, -1))))
    .orderBy(billingRuns.month);
  return rows.map((r) => r.month);
}

async function readBillingInputs(db: Db, months: string[], schedules: Map<string, FeeScheduleVersion>): Promise<BillingInputs> {
  const month = months[0]!;
  const first = monthBounds(months.length > 1 ? months[1]! : month).first;
  const { last } = monthBounds(month);
  const orgRows = await db
    .select({
      id: organizations.id,
      name: organizations.name,
      country: organizations.country,
      kind: organizations.kind,
      verificationStatus: organizations.verificationStatus,
    })
    .from(organizations);
  const workNames = new Map((await db.select({ id: works.id, slug: works.slug, title: works.title }).from(works)).map((w) => [w.id, w]));
  // No join: this query returns one row per usage, the run's largest read.
  const usageRows = await db
    .select({ org: usages.organizationId, workId: usages.workId, startedOn: usages.startedOn, endedOn: usages.endedOn })
    .from(usages)
    .where(and(eq(usages.purpose, "commercial"), lte(usages.startedOn, last), or(isNull(usages.endedOn), gte(usages.endedOn, first))));
  const usesByOrg = new Map<number, Map<number, WorkUse>>();
  for (const { org, workId, startedOn, endedOn } of usageRows) {
    let byWork = usesByOrg.get(org);
    if (!byWork) usesByOrg.set(org, (byWork = new Map<number, WorkUse>()));
    let use = byWork.get(workId);
    if (!use) {
      const names = workNames.get(workId)!;
      byWork.set(workId, (use = { workId, workSlug: names.slug, workTitle: names.title, intervals: [] }));
    }
    use.intervals.push({ startedOn, endedOn });
  }
  await keepBillable(db, usesByOrg);
  const invoicedRows = await db
    .select({ org: invoices.organizationId })
    .from(invoices)
    .where(and(eq(invoices.month, month), eq(invoices.kind, "fees")));
  return {
    months,
    schedules,
    orgs: new Map(orgRows.map((o) => [o.id, o])),
    usesByOrg,
    titles: new Map([...workNames].map(([id, w]) => [id, w.title])),
    factsByOrg: await readFacts(db, monthBounds(month).first),
    billed: await readBilled(db, months),
    invoiced: new Set(invoicedRows.map((r) => r.org)),
    rates: await listExchangeRates(db),
  };
}

/** Size facts in force by `date`, per organization, oldest first, without the declarations a treasurer rejected. */
/**
 * Keeps only what may earn (PRODUCT.md §13): uses of verified works, on the days their license was the
 * PPL. The works feature says which days those are.
 */
async function keepBillable(db: Db, usesByOrg: Map<number, Map<number, WorkUse>>): Promise<void> {
  const periods = await billablePeriods(db);
  for (const [org, byWork] of usesByOrg) {
    for (const [workId, use] of byWork) {
      use.intervals = clipToPeriods(use.intervals, periods.get(workId) ?? []);
      if (use.intervals.length === 0) byWork.delete(workId);
    }
    if (byWork.size === 0) usesByOrg.delete(org);
  }
}

async function readFacts(db: Db, date: string): Promise<Map<number, FactRow[]>> {
  const rows = await db
    .select({
      org: sizeFacts.organizationId,
      effectiveOn: sizeFacts.effectiveOn,
      headcount: sizeFacts.headcount,
      rev: sizeFacts.annualRevenueMinor,
      cur: sizeFacts.revenueCurrency,
      review: sizeFactReviews.decision,
    })
    .from(sizeFacts)
    .leftJoin(sizeFactReviews, eq(sizeFactReviews.sizeFactId, sizeFacts.id))
    .where(lte(sizeFacts.effectiveOn, date))
    .orderBy(sizeFacts.organizationId, sizeFacts.effectiveOn, sizeFacts.id);
  const byOrg = new Map<number, FactRow[]>();
  for (const f of rows) {
    if (f.review === "rejected") continue;
    let list = byOrg.get(f.org);
    if (!list) byOrg.set(f.org, (list = []));
    list.push({ effectiveOn: f.effectiveOn, headcount: f.headcount, annualRevenueMinor: f.rev, revenueCurrency: f.cur });
  }
  return byOrg;
}

/** What invoices not void bill for these months, per organization and month: fee lines per work, cap lines summed. */
async function readBilled(db: Db, months: string[]): Promise<Map<string, BilledMonth>> {
  const rows = await db
    .select({
      org: invoices.organizationId,
      month: invoiceLines.month,
      workId: invoiceLines.workId,
      amount: sql<number>`sum(${invoiceLines.amountMinor})`.mapWith(toInt),
      days: sql<number>`coalesce(sum(${invoiceLines.days}), 0)`.mapWith(toInt),
    })
    .from(invoiceLines)
    .innerJoin(invoices, eq(invoices.id, invoiceLines.invoiceId))
    .where(and(inArray(invoiceLines.month, months), ne(invoices.status, "void")))
    .groupBy(invoices.organizationId, invoiceLines.month, invoiceLines.workId);
  const billed = new Map<string, BilledMonth>();
  for (const r of rows) {
    const key = `${r.org}|${r.month}`;
    let b = billed.get(key);
    if (!b) billed.set(key, (b = { byWork: new Map(), capMinor: 0 }));
    // Revenue-cap lines are the ones without a work.
    if (r.workId === null) b.capMinor += r.amount;
    else b.byWork.set(r.workId, { amountMinor: r.amount, days: r.days });
  }
  return billed;
}

/** The facts in force on `date`: the last of the list (oldest first) that took effect by then. */
function factsOn(list: FactRow[] | undefined, date: string): FactRow | null {
  if (!list) return null;
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.effectiveOn <= date) return list[i]!;
  return null;
}

/** The decision, in plain code: which organizations owe an invoice this month, and what it says. */
function planInvoices(inputs: BillingInputs): PlannedInvoice[] {
  const [month] = inputs.months;
  const planned: PlannedInvoice[] = [];
  const missingRates = new Set<string>();
  const titleOf = (workId: number) => inputs.titles.get(workId) ?? String(workId);
  for (const [orgId, byWork] of inputs.usesByOrg) {
    if (inputs.invoiced.has(orgId)) continue;
    const org = inputs.orgs.get(orgId)!;
    const obligation = obligationOf("commercial", { kind: org.kind, verificationStatus: org.verificationStatus });
    if (obligation === "none") continue;
    const uses = [...byWork.values()];
    const lines: ComputedLine[] = [];
    const notes: string[] = [];
    for (const m of inputs.months) {
      const schedule = inputs.schedules.get(m)!;
      const inForce = factsOn(inputs.factsByOrg.get(orgId), monthBounds(m).first);
      const converted = revenueInCurrency(inForce, schedule.currency, inputs.rates, monthBounds(m).first);
      if (converted === "missing") {
        missingRates.add(`${inForce!.revenueCurrency}→${schedule.currency} on ${monthBounds(m).first}`);
        continue;
      }
      const should = computeMonthlyInvoice({ month: m, schedule, facts: converted.facts, uses });
      const monthLines = outstandingLines(should, inputs.billed.get(`${orgId}|${m}`), titleOf);
      if (monthLines.length === 0) continue;
      lines.push(...monthLines);
      for (const note of [...converted.notes, ...should.notes]) notes.push(m === month ? note : `${m}: ${note}`);
    }
    if (lines.length === 0) continue;
    planned.push({
      org,
      obligation,
      computed: { lines, totalMinor: lines.reduce((s, l) => s + l.amountMinor, 0), notes: [...new Set(notes)] },
    });
  }
  if (missingRates.size > 0)
    throw new AppError(
      "exchange_rate_missing",
      `Annual revenue is declared in another currency than the fee schedule's and no exchange rate is recorded: ${[...missingRates].join(", ")}. Record one with POST /api/v1/exchange-rates.`,
    );
  return planned.sort((a, b) => a.org.id - b.org.id);
}

/** What a run for `month` would issue, as the API shows it: reads only, writes nothing. */
export async function previewBilling(db: Db, month: string, options: { catchUpMonths: number }) {
  const { schedule, planned } = await planBilling(db, month, options);
  const money = (minor: number) => moneyJson(minor, schedule.currency);
  return {
    month,
    invoices: planned.map((p) => ({
      organizationId: p.org.id,
      organizationName: p.org.name,
      status: p.obligation === "held" ? ("held" as const) : issuedStatus(p.computed.totalMinor),
      total: money(p.computed.totalMinor),
      lines: p.computed.lines.map((l) => ({
        workSlug: l.workSlug,
        month: l.month,
        kind: l.kind,
        description: l.description,
        days: l.days,
        amount: money(l.amountMinor),
      })),
      notes: p.computed.notes,
    })),
    total: money(planned.reduce((s, p) => s + p.computed.totalMinor, 0)),
  };
}
