// Clearing a bond issue: fixed rate with cut-back, the single-price auction, cancellation below the minimum.
import { describe, expect, it } from "vitest";
import { clearIssue, type IssueTerms } from "../../src/bonds/allotment.js";

const auction: IssueTerms = { mode: "auction", targetMinor: 1_000_000, minimumMinor: 500_000, maxRateBps: 600, minSubscriptionMinor: 1 };
const bids = [
  { id: 1, amountMinor: 300_000, bidRateBps: 450 },
  { id: 2, amountMinor: 500_000, bidRateBps: 500 },
  { id: 3, amountMinor: 400_000, bidRateBps: 500 },
  { id: 4, amountMinor: 300_000, bidRateBps: 550 },
];

describe("single-price auction", () => {
  it("vector: 4.5 % filled, the 5.0 % bids 3,888.89 and 3,111.11, clearing at 5.0 %, 5.5 % refused", () => {
    expect(clearIssue(auction, bids)).toEqual({
      status: "cleared",
      rateBps: 500,
      totalMinor: 1_000_000,
      allotments: [
        { subscriptionId: 1, allottedMinor: 300_000, outcome: "filled" },
        { subscriptionId: 2, allottedMinor: 388_889, outcome: "prorated" },
        { subscriptionId: 3, allottedMinor: 311_111, outcome: "prorated" },
        { subscriptionId: 4, allottedMinor: 0, outcome: "refused" },
      ],
    });
  });

  it("pro-rates in whole units of the minimum subscription", () => {
    const result = clearIssue({ ...auction, minSubscriptionMinor: 100_000 }, bids);
    expect(result.allotments.map((a) => a.allottedMinor)).toEqual([300_000, 400_000, 300_000, 0]);
  });

  it("serves non-competitive subscriptions first, and refuses bids above the maximum rate", () => {
    const result = clearIssue(auction, [
      { id: 1, amountMinor: 200_000, bidRateBps: 700 },
      { id: 2, amountMinor: 600_000, bidRateBps: null },
      { id: 3, amountMinor: 300_000, bidRateBps: 580 },
    ]);
    expect(result).toMatchObject({ status: "cleared", rateBps: 580, totalMinor: 900_000 });
    expect(result.allotments.map((a) => a.outcome)).toEqual(["refused", "filled", "filled"]);
  });

  it("non-competitive subscriptions alone filling the issue: the lowest bid sets the rate; none: the maximum", () => {
    const full = clearIssue(auction, [
      { id: 1, amountMinor: 1_200_000, bidRateBps: null },
      { id: 2, amountMinor: 100_000, bidRateBps: 420 },
    ]);
    expect(full).toMatchObject({ status: "cleared", rateBps: 420, totalMinor: 1_000_000 });
    expect(clearIssue(auction, [{ id: 1, amountMinor: 700_000, bidRateBps: null }])).toMatchObject({ rateBps: 600, totalMinor: 700_000 });
  });
});

describe("fixed rate", () => {
  const fixed: IssueTerms = { ...auction, mode: "fixed", maxRateBps: 500, minSubscriptionMinor: 10_000 };

  it("fills everything under the target", () => {
    const result = clearIssue(fixed, [
      { id: 1, amountMinor: 400_000, bidRateBps: null },
      { id: 2, amountMinor: 200_000, bidRateBps: null },
    ]);
    expect(result).toMatchObject({ status: "cleared", rateBps: 500, totalMinor: 600_000 });
  });

  it("cuts every subscription back pro rata above the target", () => {
    const result = clearIssue(fixed, [
      { id: 1, amountMinor: 1_000_000, bidRateBps: null },
      { id: 2, amountMinor: 500_000, bidRateBps: null },
      { id: 3, amountMinor: 500_000, bidRateBps: null },
    ]);
    expect(result.allotments.map((a) => a.allottedMinor)).toEqual([500_000, 250_000, 250_000]);
  });

  it("three-way ties: leftover units go to the earliest subscriptions", () => {
    const result = clearIssue({ ...fixed, targetMinor: 100_000, minimumMinor: 0 }, [
      { id: 7, amountMinor: 100_000, bidRateBps: null },
      { id: 3, amountMinor: 100_000, bidRateBps: null },
      { id: 5, amountMinor: 100_000, bidRateBps: null },
    ]);
    expect(result.allotments).toEqual([
      { subscriptionId: 3, allottedMinor: 40_000, outcome: "prorated" },
      { subscriptionId: 5, allottedMinor: 30_000, outcome: "prorated" },
      { subscriptionId: 7, allottedMinor: 30_000, outcome: "prorated" },
    ]);
  });
});

describe("cancellation", () => {
  it("below the minimum nothing is taken", () => {
    const result = clearIssue(auction, [{ id: 1, amountMinor: 499_999, bidRateBps: 500 }]);
    expect(result).toEqual({
      status: "cancelled",
      rateBps: null,
      totalMinor: 0,
      allotments: [{ subscriptionId: 1, allottedMinor: 0, outcome: "refused" }],
    });
    expect(clearIssue(auction, [])).toMatchObject({ status: "cancelled" });
  });
});
