// What a billing run for a month would issue, decided in plain code from reads of the database.
// The run writes this plan and the preview shows it: one computation, so the two cannot drift. The plan is
// made a batch of organizations at a time (keyset-paged by id): each batch reads only its organizations'
// usages, works, size facts and invoices, so a run's memory stays flat however large the registry grows.
//
// A month is billed line by line against what invoices already bill for it (PRODUCT.md §13): the run for
// month M bills M, and catches up each earlier month that a run has billed, up to `catchUpMonths` back —
// a usage declared or back-dated since, a rejected size-facts declaration — priced with that month's
// schedule, band and cap. What invoices not void bill for an organization, work and month is subtracted,
// so a repeated run or an edited usage never bills a day twice.
import { setImmediate } from "node:timers/promises";
import { and, eq, gt, gte, inArray, isNotNull, isNull, lte, ne, or, sql } from "drizzle-orm";
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
import { billablePeriods, clipToPeriods, type Period } from "../works/billable-periods.js";

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

/** One batch of a streamed plan: its invoices, and how many organizations the plan has read so far. */
export interface PlannedBatch {
  planned: PlannedInvoice[];
  /** Organizations with a commercial usage in the months billed, read so far (this batch's included). */
  read: number;
  /** This batch's organizations, in id order. */
  orgIds: number[];
}

/** What every batch of a plan shares: the months, their schedules, the rates. Small, read once. */
export interface BillingScope {
  /** The month billed, then the earlier months caught up, oldest first. */
  months: string[];
  schedule: FeeScheduleVersion;
  schedules: Map<string, FeeScheduleVersion>;
  rates: ExchangeRate[];
}

interface FactRow extends SizeFactsInForce {
  effectiveOn: string;
}

/** What a batch of organizations' plan reads: read at once, outside any transaction. */
interface BillingInputs {
  orgs: Map<number, OrgRow>;
  usesByOrg: Map<number, Map<number, WorkUse>>;
  titles: Map<number, string>;
  /** Per organization, its size facts in force from their date, oldest first; rejected declarations left out. */
  factsByOrg: Map<number, FactRow[]>;
  /** What invoices not void bill, by `${organizationId}|${month}`. */
  billed: Map<string, BilledMonth>;
  invoiced: Set<number>;
}

/**
 * Organizations planned at once. A plan reads its organizations in batches, keyset-paged by id, so the
 * memory of a run does not grow with the number of organizations, usages or works.
 */
export const PLAN_BATCH = 500;

/**
 * The scope of a run for `month`. `schedule` is the version the run recorded (the preview reads the one
 * in force); earlier months are priced with their own.
 */
export async function billingScope(
  db: Db,
  month: string,
  options: { catchUpMonths: number; schedule?: FeeScheduleVersion },
): Promise<BillingScope> {
  const months = [month, ...(await catchUpMonths(db, month, options.catchUpMonths))];
  const versions = await allFeeSchedules(db);
  const schedule = options.schedule ?? versionOn(versions, monthBounds(month).first);
  const schedules = new Map<string, FeeScheduleVersion>([[month, schedule]]);
  for (const m of months.slice(1)) schedules.set(m, versionOn(versions, monthBounds(m).first));
  // Lines of an invoice share its currency: a month priced in another currency is not caught up.
  const priced = months.filter((m) => schedules.get(m)!.currency === schedule.currency);
  return { months: priced, schedule, schedules, rates: await listExchangeRates(db) };
}

/**
 * The plan of a run, batch by batch in organization id order. A missing exchange rate stops the plan
 * before its first batch: the organizations whose revenue is declared in another currency are planned
 * first, and only for that, so a run never writes part of a month it cannot finish.
 */
export async function* planBatches(db: Db, scope: BillingScope, batchSize = PLAN_BATCH): AsyncGenerator<PlannedBatch> {
  await assertRatesRecorded(db, scope, batchSize);
  let after = 0;
  let read = 0;
  for (;;) {
    const orgIds = await candidatePage(db, scope, after, batchSize);
    if (orgIds.length === 0) return;
    read += orgIds.length;
    after = orgIds[orgIds.length - 1]!;
    yield { planned: await planBatch(db, scope, orgIds), read, orgIds };
    // On SQLite every query is synchronous: the loop turns between batches, so a run or a preview of 10,000
    // organizations never holds the server longer than one batch.
    await setImmediate();
  }
}

/** The whole plan of a run for `month`, in memory: for the preview, which shows every invoice at once. */
export async function planBilling(
  db: Db,
  month: string,
  options: { catchUpMonths: number; schedule?: FeeScheduleVersion; batchSize?: number },
): Promise<BillingPlan> {
  const scope = await billingScope(db, month, options);
  const planned: PlannedInvoice[] = [];
  for await (const batch of planBatches(db, scope, options.batchSize)) planned.push(...batch.planned);
  return { month, schedule: scope.schedule, planned };
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

/** Commercial usages that overlap the months billed: what makes an organization a candidate of the run. */
function usedInScope(scope: BillingScope) {
  const { months } = scope;
  const first = monthBounds(months.length > 1 ? months[1]! : months[0]!).first;
  const { last } = monthBounds(months[0]!);
  return and(eq(usages.purpose, "commercial"), lte(usages.startedOn, last), or(isNull(usages.endedOn), gte(usages.endedOn, first)));
}

/** How many organizations a run for this scope reads (its progress counts them). */
export async function candidateCount(db: Db, scope: BillingScope): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${usages.organizationId})`.mapWith(toInt) })
    .from(usages)
    .where(usedInScope(scope));
  return row?.n ?? 0;
}

/** The next `limit` candidate organizations after id `after`, in id order. */
async function candidatePage(db: Db, scope: BillingScope, after: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectDistinct({ org: usages.organizationId })
    .from(usages)
    .where(and(usedInScope(scope), gt(usages.organizationId, after)))
    .orderBy(usages.organizationId)
    .limit(limit);
  return rows.map((r) => r.org);
}

/** Organizations with size facts that declare revenue in another currency than the schedule's, in id order. */
async function foreignRevenueOrgs(db: Db, scope: BillingScope): Promise<number[]> {
  const rows = await db
    .selectDistinct({ org: sizeFacts.organizationId })
    .from(sizeFacts)
    .where(
      and(
        lte(sizeFacts.effectiveOn, monthBounds(scope.months[0]!).first),
        isNotNull(sizeFacts.revenueCurrency),
        ne(sizeFacts.revenueCurrency, scope.schedule.currency),
      ),
    )
    .orderBy(sizeFacts.organizationId);
  return rows.map((r) => r.org);
}

/** Refuses a plan that would need an exchange rate not recorded, naming every one missing. */
async function assertRatesRecorded(db: Db, scope: BillingScope, batchSize: number): Promise<void> {
  const foreign = await foreignRevenueOrgs(db, scope);
  const missing = new Set<string>();
  for (let start = 0; start < foreign.length; start += batchSize) {
    const { missingRates } = planInvoices(scope, await readBillingInputs(db, scope, foreign.slice(start, start + batchSize)));
    for (const m of missingRates) missing.add(m);
  }
  if (missing.size > 0) throw missingRatesError(missing);
}

function missingRatesError(missing: Set<string>): AppError {
  return new AppError(
    "exchange_rate_missing",
    `Annual revenue is declared in another currency than the fee schedule's and no exchange rate is recorded: ${[...missing].join(", ")}. Record one with POST /api/v1/exchange-rates.`,
  );
}

/** The invoices of these organizations (ids in ascending order), read and decided at once. */
async function planBatch(db: Db, scope: BillingScope, orgIds: number[]): Promise<PlannedInvoice[]> {
  const { planned, missingRates } = planInvoices(scope, await readBillingInputs(db, scope, orgIds));
  // Checked before the first batch; a rate deleted or a fact declared since then stops the run here.
  if (missingRates.size > 0) throw missingRatesError(missingRates);
  return planned;
}

/** What the plan of these organizations reads. */
async function readBillingInputs(db: Db, scope: BillingScope, orgIds: number[]): Promise<BillingInputs> {
  const month = scope.months[0]!;
  const orgRows = await db
    .select({
      id: organizations.id,
      name: organizations.name,
      country: organizations.country,
      kind: organizations.kind,
      verificationStatus: organizations.verificationStatus,
    })
    .from(organizations)
    .where(inArray(organizations.id, orgIds));
  const usageRows = await db
    .select({ org: usages.organizationId, workId: usages.workId, startedOn: usages.startedOn, endedOn: usages.endedOn })
    .from(usages)
    .where(and(usedInScope(scope), inArray(usages.organizationId, orgIds)))
    .orderBy(usages.organizationId, usages.id);
  const workIds = [...new Set(usageRows.map((u) => u.workId))];
  const workNames = await readWorkNames(db, workIds);
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
  await keepBillable(db, usesByOrg, workIds);
  const invoicedRows = await db
    .select({ org: invoices.organizationId })
    .from(invoices)
    .where(and(eq(invoices.month, month), eq(invoices.kind, "fees"), inArray(invoices.organizationId, orgIds)));
  return {
    orgs: new Map(orgRows.map((o) => [o.id, o])),
    usesByOrg,
    titles: new Map([...workNames].map(([id, w]) => [id, w.title])),
    factsByOrg: await readFacts(db, monthBounds(month).first, orgIds),
    billed: await readBilled(db, scope.months, orgIds),
    invoiced: new Set(invoicedRows.map((r) => r.org)),
  };
}

// Work ids per statement: well under SQLite's 32,766 parameters.
const WORK_IDS_PER_STATEMENT = 10_000;

/** The slug and title of these works. */
async function readWorkNames(db: Db, workIds: number[]): Promise<Map<number, { slug: string; title: string }>> {
  const names = new Map<number, { slug: string; title: string }>();
  for (let start = 0; start < workIds.length; start += WORK_IDS_PER_STATEMENT) {
    const slice = workIds.slice(start, start + WORK_IDS_PER_STATEMENT);
    for (const w of await db.select({ id: works.id, slug: works.slug, title: works.title }).from(works).where(inArray(works.id, slice)))
      names.set(w.id, { slug: w.slug, title: w.title });
  }
  return names;
}

/**
 * Keeps only what may earn (PRODUCT.md §13): uses of verified works, on the days their license was the
 * PPL. The works feature says which days those are.
 */
async function keepBillable(db: Db, usesByOrg: Map<number, Map<number, WorkUse>>, workIds: number[]): Promise<void> {
  const periods = new Map<number, Period[]>();
  for (let start = 0; start < workIds.length; start += WORK_IDS_PER_STATEMENT)
    for (const [id, list] of await billablePeriods(db, workIds.slice(start, start + WORK_IDS_PER_STATEMENT))) periods.set(id, list);
  for (const [org, byWork] of usesByOrg) {
    for (const [workId, use] of byWork) {
      use.intervals = clipToPeriods(use.intervals, periods.get(workId) ?? []);
      if (use.intervals.length === 0) byWork.delete(workId);
    }
    if (byWork.size === 0) usesByOrg.delete(org);
  }
}

/** Size facts in force by `date`, per organization, oldest first, without the declarations a treasurer rejected. */
async function readFacts(db: Db, date: string, orgIds: number[]): Promise<Map<number, FactRow[]>> {
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
    .where(and(lte(sizeFacts.effectiveOn, date), inArray(sizeFacts.organizationId, orgIds)))
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
async function readBilled(db: Db, months: string[], orgIds: number[]): Promise<Map<string, BilledMonth>> {
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
    .where(and(inArray(invoiceLines.month, months), ne(invoices.status, "void"), inArray(invoices.organizationId, orgIds)))
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
function planInvoices(scope: BillingScope, inputs: BillingInputs): { planned: PlannedInvoice[]; missingRates: Set<string> } {
  const [month] = scope.months;
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
    for (const m of scope.months) {
      const schedule = scope.schedules.get(m)!;
      const inForce = factsOn(inputs.factsByOrg.get(orgId), monthBounds(m).first);
      const converted = revenueInCurrency(inForce, schedule.currency, scope.rates, monthBounds(m).first);
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
  return { planned: planned.sort((a, b) => a.org.id - b.org.id), missingRates };
}

/** What a run for `month` would issue, as the API shows it: reads only, writes nothing. */
export async function previewBilling(db: Db, month: string, options: { catchUpMonths: number; batchSize?: number }) {
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
