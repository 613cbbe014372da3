// The one repayment schedule of PRODUCT.md §14, used for the preview before clearing and for the rows stored
// at clearing. Pure: integers in, rows out, no clock and no database.
//
// Interest is simple: each row's interest is the opening balance × the period's rate, rounded half-up; it is
// never added to the balance. Whole periods are 30/360 months (rate = rateBps / 120,000); a broken first period
// (the first due date is not one calendar month after the start) is ACT/365 (rateBps × days / 3,650,000).
//
// - annuity: A = P·r·(1+r)^n / ((1+r)^n − 1), computed as one exact rational with r = rateBps/120,000
//   (A = P·b·(D+b)^n / (D·((D+b)^n − D^n)) with b = rateBps, D = 120,000), rounded half-up once;
// - straight_line: principal P/n each month (rounded half-up once), interest on the falling balance;
// - sweep: the whole monthly rent goes to the bonds (interest first) until they are redeemed.
// Every method's last payment settles the balance, so the principal parts sum to P exactly.
import { dayNumber } from "../fees/compute-fees.js";
import { AppError, assert } from "../shared/errors.js";
import { divideRoundHalfUp, toSafeNumber } from "../shared/money.js";
import { BROKEN_PERIOD_DENOMINATOR, MONTHLY_RATE_DENOMINATOR, type RepaymentMethod } from "./vocabulary.js";

export interface ScheduleTerms {
  principalMinor: number;
  /** Annual rate in basis points (600 = 6 %). */
  rateBps: number;
  termMonths: number;
  method: RepaymentMethod;
  /** The day interest starts to run (the clearing). */
  startsOn: string;
  /** The first due date; one calendar month after `startsOn` unless given (a broken first period). */
  firstDueOn?: string;
  /** Sweep only: the monthly rent that goes wholly to the bonds. */
  monthlyRentMinor?: number;
}

export interface ScheduleRow {
  /** 1-based row number. */
  k: number;
  dueOn: string;
  openingMinor: number;
  interestMinor: number;
  principalMinor: number;
  paymentMinor: number;
}

/** A sweep runs until the bonds are redeemed; past this many months the rent is too small to call it a plan. */
export const MAX_SWEEP_MONTHS = 1200;
export const MAX_TERM_MONTHS = 600;

function daysInMonth(year: number, month0: number): number {
  if (month0 === 1) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month0]!;
}

/** The date `months` calendar months after `isoDate`: the same day, clamped to the month's end; a month end stays a month end. */
export function addMonthsToDate(isoDate: string, months: number): string {
  const y = Number(isoDate.slice(0, 4));
  const m = Number(isoDate.slice(5, 7)) - 1;
  const d = Number(isoDate.slice(8, 10));
  const total = y * 12 + m + months;
  const ty = Math.floor(total / 12);
  const tm = total - ty * 12;
  const last = daysInMonth(ty, tm);
  const day = d === daysInMonth(y, m) ? last : Math.min(d, last);
  return `${String(ty).padStart(4, "0")}-${String(tm + 1).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The annuity payment A, exact rational rounded half-up once; P/n for a zero rate. */
export function annuityPaymentMinor(principalMinor: number, rateBps: number, termMonths: number): number {
  assert(termMonths >= 1, "term must be at least one month");
  const p = BigInt(principalMinor);
  const b = BigInt(rateBps);
  const d = MONTHLY_RATE_DENOMINATOR;
  if (b === 0n) return toSafeNumber(divideRoundHalfUp(p, BigInt(termMonths)));
  const growth = (d + b) ** BigInt(termMonths);
  const base = d ** BigInt(termMonths);
  return toSafeNumber(divideRoundHalfUp(p * b * growth, d * (growth - base)));
}

/** Interest of one period on `openingMinor`, rounded half-up: a 30/360 month, or ACT/365 over `brokenDays`. */
export function periodInterestMinor(openingMinor: number, rateBps: number, brokenDays: number | null): number {
  const n = BigInt(openingMinor) * BigInt(rateBps);
  if (brokenDays === null) return toSafeNumber(divideRoundHalfUp(n, MONTHLY_RATE_DENOMINATOR));
  return toSafeNumber(divideRoundHalfUp(n * BigInt(brokenDays), BROKEN_PERIOD_DENOMINATOR));
}

function invalid(path: string, message: string): AppError {
  return new AppError("validation_failed", `the repayment terms are not a plan: ${path} ${message}`, {
    errors: [{ path, message }],
  });
}

/** Days of the broken first period, or null when it is one whole calendar month. */
function brokenFirstPeriod(startsOn: string, firstDueOn: string): number | null {
  if (addMonthsToDate(startsOn, 1) === firstDueOn) return null;
  const days = dayNumber(firstDueOn) - dayNumber(startsOn);
  if (days < 1 || days > 366) throw invalid("firstDueOn", "must fall 1 to 366 days after the start");
  return days;
}

function validateTerms(t: ScheduleTerms): void {
  if (!Number.isSafeInteger(t.principalMinor) || t.principalMinor <= 0) throw invalid("principal", "must be positive");
  if (!Number.isInteger(t.rateBps) || t.rateBps < 0 || t.rateBps > 10_000) throw invalid("rateBps", "must be 0 to 10000");
  if (!Number.isInteger(t.termMonths) || t.termMonths < 1 || t.termMonths > MAX_TERM_MONTHS) {
    throw invalid("termMonths", `must be 1 to ${MAX_TERM_MONTHS}`);
  }
  if (t.method === "sweep" && !(Number.isSafeInteger(t.monthlyRentMinor) && (t.monthlyRentMinor ?? 0) > 0)) {
    throw invalid("monthlyRent", "a sweep needs a positive monthly rent");
  }
}

/** The principal part of row k (before the last-row settlement), given the opening balance and interest. */
function principalPart(t: ScheduleTerms, level: number, openingMinor: number, interestMinor: number): number {
  if (t.method === "straight_line") return Math.min(openingMinor, level);
  if (t.method === "annuity") return Math.max(0, Math.min(openingMinor, level - interestMinor));
  const rent = t.monthlyRentMinor!;
  if (rent <= interestMinor) throw invalid("monthlyRent", "does not cover a month's interest: the bonds would never be redeemed");
  return Math.min(openingMinor, rent - interestMinor);
}

/** The repayment schedule: one row per month until the balance is zero. */
export function repaymentSchedule(terms: ScheduleTerms): ScheduleRow[] {
  validateTerms(terms);
  const firstDueOn = terms.firstDueOn ?? addMonthsToDate(terms.startsOn, 1);
  const broken = brokenFirstPeriod(terms.startsOn, firstDueOn);
  const level =
    terms.method === "annuity"
      ? annuityPaymentMinor(terms.principalMinor, terms.rateBps, terms.termMonths)
      : toSafeNumber(divideRoundHalfUp(BigInt(terms.principalMinor), BigInt(terms.termMonths)));
  const lastK = terms.method === "sweep" ? MAX_SWEEP_MONTHS : terms.termMonths;
  const rows: ScheduleRow[] = [];
  let opening = terms.principalMinor;
  for (let k = 1; opening > 0; k++) {
    if (k > lastK) throw invalid("monthlyRent", `does not redeem the bonds within ${MAX_SWEEP_MONTHS} months`);
    const interest = periodInterestMinor(opening, terms.rateBps, k === 1 ? broken : null);
    const principal = k === lastK ? opening : principalPart(terms, level, opening, interest);
    rows.push({
      k,
      dueOn: addMonthsToDate(firstDueOn, k - 1),
      openingMinor: opening,
      interestMinor: interest,
      principalMinor: principal,
      paymentMinor: interest + principal,
    });
    opening -= principal;
  }
  return rows;
}
