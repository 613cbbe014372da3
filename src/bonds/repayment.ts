// A month of repayment under the non-extractive cap, and the waterfall of a rent receipt (PRODUCT.md §14). Pure.
//
// Cap: a month's repayment never exceeds floor(surplus × capBps ÷ 10,000) of the lessee's declared surplus
// (nothing when the surplus is zero or negative). What the cap leaves unpaid is deferred without penalty:
// deferred interest becomes interest arrears (which bear no interest: interest never compounds), deferred
// principal stays on the balance and is appended as a new last row, so the term extends by a month.
// Twelve deferred months in a row put the asset on the treasurer's review list.
//
// Waterfall: a receipt pays interest arrears, then the month's interest, then principal; anything beyond is
// not the bonds' (after redemption, all of it: rent income for the month's pool). Each part goes to the
// holders pro rata by LRM, in holder order: arrears by each holder's own arrears, interest and principal by
// each holder's outstanding principal, so the last receipt redeems every holder exactly.
import { assert } from "../shared/errors.js";
import { divideFloor, splitLargestRemainder, toSafeNumber } from "../shared/money.js";
import { DEFAULT_CAP_BPS, REVIEW_AFTER_DEFERRED_MONTHS } from "./vocabulary.js";

/** floor(surplus × capBps ÷ 10,000); zero for a zero or negative surplus. */
export function repaymentCapMinor(surplusMinor: number, capBps: number = DEFAULT_CAP_BPS): number {
  assert(Number.isInteger(capBps) && capBps >= 0 && capBps <= 10_000, "capBps must be 0 to 10000");
  if (surplusMinor <= 0) return 0;
  return toSafeNumber(divideFloor(BigInt(surplusMinor) * BigInt(capBps), 10_000n));
}

export interface MonthDue {
  interestArrearsMinor: number;
  interestMinor: number;
  principalMinor: number;
}

export interface CappedMonth {
  dueMinor: number;
  capMinor: number;
  /** What the lessee is invoiced for the bonds this month: min(due, cap). */
  chargedMinor: number;
  deferredInterestMinor: number;
  /** Appended as a new last row: the term extends. */
  deferredPrincipalMinor: number;
  deferredMonthsInRow: number;
  review: boolean;
}

/** Applies the cap to one month's due, in waterfall order (arrears, interest, principal). */
export function capMonth(due: MonthDue, surplusMinor: number, deferredMonthsBefore: number, capBps: number = DEFAULT_CAP_BPS): CappedMonth {
  const dueMinor = due.interestArrearsMinor + due.interestMinor + due.principalMinor;
  const capMinor = repaymentCapMinor(surplusMinor, capBps);
  const chargedMinor = Math.min(dueMinor, capMinor);
  const afterArrears = Math.max(0, chargedMinor - due.interestArrearsMinor);
  const interestPaid = Math.min(due.interestMinor, afterArrears);
  const principalPaid = Math.min(due.principalMinor, afterArrears - interestPaid);
  const deferred = chargedMinor < dueMinor;
  const deferredMonthsInRow = deferred ? deferredMonthsBefore + 1 : 0;
  return {
    dueMinor,
    capMinor,
    chargedMinor,
    deferredInterestMinor: due.interestMinor - interestPaid,
    deferredPrincipalMinor: due.principalMinor - principalPaid,
    deferredMonthsInRow,
    review: deferredMonthsInRow >= REVIEW_AFTER_DEFERRED_MONTHS,
  };
}

/** What a rent month's invoice carries of the bonds' due, in waterfall order, and the month's interest it leaves to arrears. */
export function carriedDue(month: { arrearsDueMinor: number; interestDueMinor: number; principalDueMinor: number; rentMinor: number }) {
  const arrearsMinor = Math.min(month.arrearsDueMinor, month.rentMinor);
  const interestMinor = Math.min(month.interestDueMinor, month.rentMinor - arrearsMinor);
  const principalMinor = Math.min(month.principalDueMinor, month.rentMinor - arrearsMinor - interestMinor);
  return { arrearsMinor, interestMinor, principalMinor, deferredInterestMinor: month.interestDueMinor - interestMinor };
}

export interface HolderPosition {
  holderId: number;
  outstandingMinor: number;
  interestArrearsMinor: number;
}

export interface HolderReceipt {
  holderId: number;
  arrearsMinor: number;
  interestMinor: number;
  principalMinor: number;
  /** The holder's share of the month's interest the receipt did not cover: it joins the holder's arrears. */
  deferredInterestMinor: number;
}

export interface ReceiptSplit {
  arrearsMinor: number;
  interestMinor: number;
  principalMinor: number;
  /** Not the bonds': rent income (all of a receipt once the bonds are redeemed). */
  excessMinor: number;
  holders: HolderReceipt[];
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Splits one rent receipt: arrears (at most `arrearsDueMinor` when given: what the receipt's month invoiced),
 * then `interestDueMinor` (the month's interest on the outstanding principal), then up to
 * `principalDueMinor`, each to the holders by LRM. `holders` are in holder order.
 */
export function splitRentReceipt(input: {
  receivedMinor: number;
  arrearsDueMinor?: number;
  interestDueMinor: number;
  principalDueMinor: number;
  holders: readonly HolderPosition[];
}): ReceiptSplit {
  const { receivedMinor, holders } = input;
  assert(Number.isSafeInteger(receivedMinor) && receivedMinor >= 0, "a receipt is a non-negative amount");
  const outstanding = holders.map((h) => h.outstandingMinor);
  const arrears = holders.map((h) => h.interestArrearsMinor);
  const arrearsMinor = Math.min(receivedMinor, sum(arrears), input.arrearsDueMinor ?? Number.MAX_SAFE_INTEGER);
  const interestDue = sum(outstanding) === 0 ? 0 : input.interestDueMinor;
  const interestMinor = Math.min(receivedMinor - arrearsMinor, interestDue);
  const principalMinor = Math.min(receivedMinor - arrearsMinor - interestMinor, input.principalDueMinor, sum(outstanding));
  const arrearsShares = splitLargestRemainder(arrearsMinor, arrears);
  const interestDueShares = splitLargestRemainder(interestDue, outstanding);
  const interestShares = splitLargestRemainder(interestMinor, interestDueShares);
  const principalShares = splitLargestRemainder(principalMinor, outstanding);
  return {
    arrearsMinor,
    interestMinor,
    principalMinor,
    excessMinor: receivedMinor - arrearsMinor - interestMinor - principalMinor,
    holders: holders.map((h, i) => ({
      holderId: h.holderId,
      arrearsMinor: arrearsShares[i]!,
      interestMinor: interestShares[i]!,
      principalMinor: principalShares[i]!,
      deferredInterestMinor: interestDueShares[i]! - interestShares[i]!,
    })),
  };
}

export interface HolderSaleReceipt {
  holderId: number;
  arrearsMinor: number;
  principalMinor: number;
  arrearsWrittenOffMinor: number;
  principalWrittenOffMinor: number;
}

export interface SaleSplit {
  /** What the proceeds paid the holders: their arrears, then their outstanding principal. */
  paidToHoldersMinor: number;
  /** Proceeds beyond what the holders were owed: the month's pool. */
  surplusMinor: number;
  /** What the proceeds could not pay: the holders' loss. */
  writtenOffMinor: number;
  holders: HolderSaleReceipt[];
}

/**
 * The proceeds of a returned asset's sale, holders first (PRODUCT.md §14): the holders' interest arrears (by
 * each holder's own arrears), then their outstanding principal (by each holder's outstanding), each by LRM;
 * the rest is surplus; what they could not pay is written off, holder by holder. Pure.
 */
export function splitSaleProceeds(input: { proceedsMinor: number; holders: readonly HolderPosition[] }): SaleSplit {
  const { proceedsMinor, holders } = input;
  assert(Number.isSafeInteger(proceedsMinor) && proceedsMinor >= 0, "proceeds are a non-negative amount");
  const arrears = holders.map((h) => h.interestArrearsMinor);
  const outstanding = holders.map((h) => h.outstandingMinor);
  const arrearsMinor = Math.min(proceedsMinor, sum(arrears));
  const principalMinor = Math.min(proceedsMinor - arrearsMinor, sum(outstanding));
  const arrearsShares = splitLargestRemainder(arrearsMinor, arrears);
  const principalShares = splitLargestRemainder(principalMinor, outstanding);
  const receipts = holders.map((h, i) => ({
    holderId: h.holderId,
    arrearsMinor: arrearsShares[i]!,
    principalMinor: principalShares[i]!,
    arrearsWrittenOffMinor: h.interestArrearsMinor - arrearsShares[i]!,
    principalWrittenOffMinor: h.outstandingMinor - principalShares[i]!,
  }));
  return {
    paidToHoldersMinor: arrearsMinor + principalMinor,
    surplusMinor: proceedsMinor - arrearsMinor - principalMinor,
    writtenOffMinor: sum(arrears) + sum(outstanding) - arrearsMinor - principalMinor,
    holders: receipts,
  };
}
