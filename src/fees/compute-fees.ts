// The fee rules of PRODUCT.md §4, as plain functions over integers. Nothing here reads the
// database or the clock; billing feeds it and tests pin its edges.
import { assert } from "../shared/errors.js";
import { divideFloor, divideRoundHalfUp, toSafeNumber } from "../shared/money.js";
import { invoiceStepMinor } from "../shared/currencies.js";

export interface FeeBand {
  minHeadcount: number;
  /** Inclusive; null for the open top band. */
  maxHeadcount: number | null;
  annualFeeMinor: number;
}

export interface FeeScheduleVersion {
  id: number;
  effectiveOn: string;
  currency: string;
  revenueCapBps: number | null;
  /** Sorted by minHeadcount. */
  bands: FeeBand[];
}

export interface SizeFactsInForce {
  headcount: number;
  annualRevenueMinor: number | null;
  revenueCurrency: string | null;
}

const DAY_MS = 86_400_000;

// Billing converts the same few dates hundreds of thousands of times: conversions are memoised
// (bounded, since dates are few and the maps are cleared when they grow).
const MEMO_LIMIT = 50_000;
const dayNumbers = new Map<string, number>();
const isoDates = new Map<number, string>();
const months = new Map<string, { first: string; last: string; days: number }>();

/** Days since 1970-01-01 for an ISO date: whole-day arithmetic with no time zones. */
export function dayNumber(isoDate: string): number {
  let n = dayNumbers.get(isoDate);
  if (n === undefined) {
    n = Date.UTC(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)) - 1, Number(isoDate.slice(8, 10))) / DAY_MS;
    if (dayNumbers.size >= MEMO_LIMIT) dayNumbers.clear();
    dayNumbers.set(isoDate, n);
  }
  return n;
}

export function fromDayNumber(day: number): string {
  let s = isoDates.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (isoDates.size >= MEMO_LIMIT) isoDates.clear();
    isoDates.set(day, s);
  }
  return s;
}

export function monthBounds(month: string): { first: string; last: string; days: number } {
  let bounds = months.get(month);
  if (!bounds) {
    const y = Number(month.slice(0, 4));
    const m = Number(month.slice(5, 7));
    const firstDay = Date.UTC(y, m - 1, 1) / DAY_MS;
    const nextFirst = Date.UTC(y, m, 1) / DAY_MS;
    bounds = { first: fromDayNumber(firstDay), last: fromDayNumber(nextFirst - 1), days: nextFirst - firstDay };
    if (months.size >= MEMO_LIMIT) months.clear();
    months.set(month, bounds);
  }
  return bounds;
}

/** The month `n` months after `month` (before, for a negative `n`), as YYYY-MM. */
export function addMonths(month: string, n: number): string {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 + n, 1)).toISOString().slice(0, 7);
}

export interface DateInterval {
  startedOn: string;
  /** Inclusive; null while the usage goes on. */
  endedOn: string | null;
}

/** Days of `month` covered by the union of the intervals (each day counted once). */
export function daysUsedInMonth(month: string, intervals: DateInterval[]): number {
  const { first, last } = monthBounds(month);
  const lo = dayNumber(first);
  const hi = dayNumber(last);
  const clipped = intervals
    .map((i) => [Math.max(lo, dayNumber(i.startedOn)), Math.min(hi, i.endedOn === null ? hi : dayNumber(i.endedOn))] as const)
    .filter(([s, e]) => s <= e)
    .sort((a, b) => a[0] - b[0]);
  let days = 0;
  let coveredTo = lo - 1;
  for (const [s, e] of clipped) {
    const from = Math.max(s, coveredTo + 1);
    if (e >= from) days += e - from + 1;
    coveredTo = Math.max(coveredTo, e);
  }
  return days;
}

/** The band for a headcount; no declared facts means the top band (PRODUCT.md §4). */
export function bandFor(schedule: FeeScheduleVersion, headcount: number | null): FeeBand {
  const bands = schedule.bands;
  assert(bands.length > 0, "a fee schedule has bands");
  if (headcount === null) return bands[bands.length - 1]!;
  const band = bands.find((b) => headcount >= b.minHeadcount && (b.maxHeadcount === null || headcount <= b.maxHeadcount));
  // Below the first band (e.g. a headcount of 0) is billed as the first band.
  return band ?? bands[0]!;
}

/**
 * annualFee × d ÷ (12 × D), rounded half-up to the minor unit — or to `stepMinor` minor units where
 * invoices count in a coarser step (three-decimal currencies: see invoiceStepMinor).
 */
export function proratedLineMinor(annualFeeMinor: number, days: number, daysInMonth: number, stepMinor = 1): number {
  assert(days >= 0 && days <= daysInMonth, "days within the month");
  const step = BigInt(stepMinor);
  return toSafeNumber(divideRoundHalfUp(BigInt(annualFeeMinor) * BigInt(days), 12n * BigInt(daysInMonth) * step) * step);
}

/** The month's cap: floor(R × capBps ÷ 120000), computed exactly, floored once (to `stepMinor`). */
export function monthlyCapMinor(annualRevenueMinor: number, capBps: number, stepMinor = 1): number {
  const step = BigInt(stepMinor);
  return toSafeNumber(divideFloor(BigInt(annualRevenueMinor) * BigInt(capBps), 120_000n * step) * step);
}

export interface WorkUse {
  workId: number;
  workSlug: string;
  workTitle: string;
  intervals: DateInterval[];
}

export interface ComputedLine {
  kind: "fee" | "revenue_cap";
  /** The month the line bills. */
  month: string;
  workId: number | null;
  workSlug: string | null;
  description: string;
  amountMinor: number;
  days: number | null;
  annualFeeMinor: number | null;
}

export interface ComputedInvoice {
  lines: ComputedLine[];
  totalMinor: number;
  notes: string[];
  band: FeeBand;
}

export function computeMonthlyInvoice(input: {
  month: string;
  schedule: FeeScheduleVersion;
  facts: SizeFactsInForce | null;
  uses: WorkUse[];
}): ComputedInvoice {
  const { month, schedule, facts } = input;
  const D = monthBounds(month).days;
  const step = invoiceStepMinor(schedule.currency);
  const band = bandFor(schedule, facts?.headcount ?? null);
  const notes: string[] = [];
  if (!facts) notes.push("No size facts were declared: billed at the top headcount band.");
  const lines: ComputedLine[] = [];
  // Code-point order: stable across runtimes and far cheaper than localeCompare on the hot path.
  for (const use of [...input.uses].sort((a, b) => (a.workSlug < b.workSlug ? -1 : a.workSlug > b.workSlug ? 1 : 0))) {
    const d = daysUsedInMonth(month, use.intervals);
    if (d === 0) continue;
    lines.push({
      kind: "fee",
      month,
      workId: use.workId,
      workSlug: use.workSlug,
      description: feeLineDescription(use.workTitle, month, d),
      amountMinor: proratedLineMinor(band.annualFeeMinor, d, D, step),
      days: d,
      annualFeeMinor: band.annualFeeMinor,
    });
  }
  let total = lines.reduce((s, l) => s + l.amountMinor, 0);
  if (facts && facts.annualRevenueMinor !== null && schedule.revenueCapBps !== null) {
    if (facts.revenueCurrency === schedule.currency) {
      const cap = monthlyCapMinor(facts.annualRevenueMinor, schedule.revenueCapBps, step);
      if (total > cap) {
        lines.push({
          kind: "revenue_cap",
          month,
          workId: null,
          workSlug: null,
          description: `Revenue cap: ${schedule.revenueCapBps} basis points of declared annual revenue`,
          amountMinor: cap - total,
          days: null,
          annualFeeMinor: null,
        });
        total = cap;
      }
    } else {
      notes.push(`Annual revenue was declared in ${facts.revenueCurrency}, not ${schedule.currency}: the revenue cap was not applied.`);
    }
  }
  return { lines, totalMinor: total, notes, band };
}

export function feeLineDescription(workTitle: string, month: string, days: number): string {
  const { first, last, days: D } = monthBounds(month);
  return `Commercial reciprocity license: ${workTitle}, ${first} to ${last} (${days}/${D} days)`;
}

/** What invoices not void already bill for one organization and month: per work, and the month's revenue-cap lines. */
export interface BilledMonth {
  byWork: Map<number, { amountMinor: number; days: number }>;
  capMinor: number;
}

/**
 * What is still to bill for a month, given what `should` says the month costs now (its schedule, band
 * and cap, over the usage as now declared) and what invoices already bill for it: per work, the days and
 * the amount not billed yet (never negative: a lower price now is a correction, made by a credit note);
 * then, when the month's total would pass its cap, a revenue-cap line down to the cap. Months billed
 * once and never changed give no line; a month never billed gives `should` itself.
 */
export function outstandingLines(
  should: ComputedInvoice,
  billed: BilledMonth | undefined,
  titleOf: (workId: number) => string,
): ComputedLine[] {
  if (!billed) return should.lines;
  const lines: ComputedLine[] = [];
  let billedTotal = billed.capMinor;
  for (const b of billed.byWork.values()) billedTotal += b.amountMinor;
  for (const l of should.lines) {
    if (l.kind !== "fee" || l.workId === null) continue;
    const done = billed.byWork.get(l.workId) ?? { amountMinor: 0, days: 0 };
    const days = Math.max(0, (l.days ?? 0) - done.days);
    const amountMinor = Math.max(0, l.amountMinor - done.amountMinor);
    if (days === 0 && amountMinor === 0) continue;
    const description = days > 0 ? feeLineDescription(titleOf(l.workId), l.month, days) : `${l.description}: difference`;
    lines.push({ ...l, days, amountMinor, description });
  }
  const allowed = Math.max(0, should.totalMinor - billedTotal);
  const added = lines.reduce((s, l) => s + l.amountMinor, 0);
  if (added > allowed) {
    const capLine = should.lines.find((l) => l.kind === "revenue_cap");
    lines.push({
      kind: "revenue_cap",
      month: lines[0]!.month,
      workId: null,
      workSlug: null,
      description: capLine?.description ?? "Revenue cap",
      amountMinor: allowed - added,
      days: null,
      annualFeeMinor: null,
    });
  }
  return lines;
}
