// Clearing a bond issue (PRODUCT.md §14): which subscriptions get bonds, how many, at what rate. Pure.
//
// Fixed rate: every subscription at the declared rate; above the target, all are cut back pro rata.
// Single-price auction: non-competitive subscriptions (no bid rate) first, then bids by ascending rate until
// the target; bids above the maximum rate are refused; the group that crosses the target is pro-rated; every
// winner gets the clearing rate (the rate of the last group that received bonds).
// Pro-rating is LRM (`splitLargestRemainder`) in whole units of the minimum subscription: the room left is
// counted in units, each subscription weighs the whole units it asked for, ties go to the earliest
// subscription. A share is therefore never more than was asked and never less than one minimum subscription
// unless it is nothing; what is left of the room below one unit stays unsold. (The test vector's minimum
// subscription is 0.01: with larger units 7,000.00 cannot split 5:4 into 3,888.89 and 3,111.11.)
// Below the minimum the issue is cancelled and nothing is taken.
import { assert } from "../shared/errors.js";
import { splitLargestRemainder } from "../shared/money.js";
import type { AllotmentOutcome, IssueMode } from "./vocabulary.js";

export interface IssueTerms {
  mode: IssueMode;
  targetMinor: number;
  minimumMinor: number;
  /** The fixed rate, or the highest bid an auction accepts. */
  maxRateBps: number;
  minSubscriptionMinor: number;
}

export interface SubscriptionBid {
  /** Earlier subscriptions have smaller ids: the tie-break of pro-rating. */
  id: number;
  amountMinor: number;
  /** null: non-competitive (or any subscription of a fixed-rate issue). */
  bidRateBps: number | null;
}

export interface Allotment {
  subscriptionId: number;
  allottedMinor: number;
  outcome: AllotmentOutcome;
}

export type Clearing =
  | { status: "cleared"; rateBps: number; totalMinor: number; allotments: Allotment[] }
  | { status: "cancelled"; rateBps: null; totalMinor: 0; allotments: Allotment[] };

/** Fills `group` into `roomMinor`: whole when it fits, else pro rata in units. Returns the amounts given. */
function fillGroup(group: SubscriptionBid[], roomMinor: number, unitMinor: number): number[] {
  const asked = group.reduce((a, s) => a + s.amountMinor, 0);
  if (asked <= roomMinor) return group.map((s) => s.amountMinor);
  const weights = group.map((s) => Math.floor(s.amountMinor / unitMinor));
  const units = Math.min(
    Math.floor(roomMinor / unitMinor),
    weights.reduce((a, b) => a + b, 0),
  );
  return splitLargestRemainder(units, weights).map((u) => u * unitMinor);
}

/** Subscriptions in the order clearing serves them: one group per rate, non-competitive first. */
function groupsInOrder(
  terms: IssueTerms,
  subscriptions: readonly SubscriptionBid[],
): { rateBps: number | null; members: SubscriptionBid[] }[] {
  const byId = [...subscriptions].sort((a, b) => a.id - b.id);
  if (terms.mode === "fixed") return [{ rateBps: terms.maxRateBps, members: byId }];
  const rates = [...new Set(byId.flatMap((s) => (s.bidRateBps === null || s.bidRateBps > terms.maxRateBps ? [] : [s.bidRateBps])))];
  rates.sort((a, b) => a - b);
  return [
    { rateBps: null, members: byId.filter((s) => s.bidRateBps === null) },
    ...rates.map((rateBps) => ({ rateBps, members: byId.filter((s) => s.bidRateBps === rateBps) })),
  ];
}

function outcomeOf(asked: number, given: number): AllotmentOutcome {
  return given === asked ? "filled" : given === 0 ? "refused" : "prorated";
}

/** Clears an issue: allotments for every subscription (in id order), the clearing rate, or cancellation. */
export function clearIssue(terms: IssueTerms, subscriptions: readonly SubscriptionBid[]): Clearing {
  assert(terms.minSubscriptionMinor > 0 && terms.targetMinor >= terms.minimumMinor, "issue terms are inconsistent");
  const given = new Map<number, number>();
  let room = terms.targetMinor;
  let clearingRate: number | null = null;
  for (const group of groupsInOrder(terms, subscriptions)) {
    if (group.members.length === 0) continue;
    if (room === 0) {
      clearingRate ??= group.rateBps; // non-competitive subscriptions filled the issue: the lowest bid sets the rate
      break;
    }
    const amounts = fillGroup(group.members, room, terms.minSubscriptionMinor);
    group.members.forEach((s, i) => given.set(s.id, amounts[i]!));
    room -= amounts.reduce((a, b) => a + b, 0);
    if (group.rateBps !== null) clearingRate = group.rateBps;
    if (room < terms.minSubscriptionMinor) room = 0; // what is left is less than one unit: unsold
  }
  const sold = [...given.values()].reduce((a, b) => a + b, 0);
  assert(sold <= terms.targetMinor, "allotments exceed the target");
  const ordered = [...subscriptions].sort((a, b) => a.id - b.id);
  if (sold < terms.minimumMinor || sold === 0) {
    return {
      status: "cancelled",
      rateBps: null,
      totalMinor: 0,
      allotments: ordered.map((s) => ({ subscriptionId: s.id, allottedMinor: 0, outcome: "refused" })),
    };
  }
  return {
    status: "cleared",
    rateBps: clearingRate ?? terms.maxRateBps,
    totalMinor: sold,
    allotments: ordered.map((s) => {
      const allottedMinor = given.get(s.id) ?? 0;
      return { subscriptionId: s.id, allottedMinor, outcome: outcomeOf(s.amountMinor, allottedMinor) };
    }),
  };
}
