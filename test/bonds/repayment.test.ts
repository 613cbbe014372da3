// The non-extractive cap and the waterfall of a rent receipt, on their edges.
import { describe, expect, it } from "vitest";
import { capMonth, repaymentCapMinor, splitRentReceipt } from "../../src/bonds/repayment.js";

describe("non-extractive cap", () => {
  it.each([
    [100_000, 5000, 50_000],
    [99_999, 5000, 49_999],
    [1, 5000, 0],
    [0, 5000, 0],
    [-50_000, 5000, 0],
    [100_000, 10_000, 100_000],
    [100_001, 3333, 33_330],
  ])("surplus %i at %i bps caps a month at %i", (surplus, capBps, cap) => {
    expect(repaymentCapMinor(surplus, capBps)).toBe(cap);
  });

  it("defaults to half the surplus", () => {
    expect(repaymentCapMinor(80_001)).toBe(40_000);
  });

  it("under the cap: charged in full, nothing deferred, the streak ends", () => {
    expect(capMonth({ interestArrearsMinor: 0, interestMinor: 6_000, principalMinor: 47_185 }, 200_000, 5)).toEqual({
      dueMinor: 53_185,
      capMinor: 100_000,
      chargedMinor: 53_185,
      deferredInterestMinor: 0,
      deferredPrincipalMinor: 0,
      deferredMonthsInRow: 0,
      review: false,
    });
  });

  it("over the cap: arrears and interest first, the principal shortfall deferred", () => {
    const month = capMonth({ interestArrearsMinor: 1_000, interestMinor: 6_000, principalMinor: 47_185 }, 20_000, 0);
    expect(month).toMatchObject({ chargedMinor: 10_000, deferredInterestMinor: 0, deferredPrincipalMinor: 44_185, deferredMonthsInRow: 1 });
    const thin = capMonth({ interestArrearsMinor: 1_000, interestMinor: 6_000, principalMinor: 47_185 }, 4_000, 0);
    expect(thin).toMatchObject({ chargedMinor: 2_000, deferredInterestMinor: 5_000, deferredPrincipalMinor: 47_185 });
  });

  it("the twelfth deferred month in a row puts the asset under review", () => {
    const due = { interestArrearsMinor: 0, interestMinor: 6_000, principalMinor: 47_185 };
    expect(capMonth(due, 0, 10).review).toBe(false);
    expect(capMonth(due, 0, 11)).toMatchObject({ deferredMonthsInRow: 12, review: true });
  });
});

describe("waterfall", () => {
  const holders = [
    { holderId: 1, outstandingMinor: 300_000, interestArrearsMinor: 0 },
    { holderId: 2, outstandingMinor: 388_889, interestArrearsMinor: 0 },
    { holderId: 3, outstandingMinor: 311_111, interestArrearsMinor: 0 },
  ];

  it("interest, then principal, each pro rata by LRM", () => {
    const split = splitRentReceipt({ receivedMinor: 50_000, interestDueMinor: 4_167, principalDueMinor: 45_833, holders });
    expect(split).toMatchObject({ arrearsMinor: 0, interestMinor: 4_167, principalMinor: 45_833, excessMinor: 0 });
    expect(split.holders.map((h) => h.interestMinor)).toEqual([1_250, 1_621, 1_296]);
    expect(split.holders.map((h) => h.principalMinor)).toEqual([13_750, 17_824, 14_259]);
  });

  it("a short receipt pays arrears first and defers each holder's share of the unpaid interest", () => {
    const owed = holders.map((h, i) => ({ ...h, interestArrearsMinor: [100, 0, 50][i]! }));
    const split = splitRentReceipt({ receivedMinor: 1_000, interestDueMinor: 4_167, principalDueMinor: 45_833, holders: owed });
    expect(split).toMatchObject({ arrearsMinor: 150, interestMinor: 850, principalMinor: 0 });
    expect(split.holders.map((h) => h.arrearsMinor)).toEqual([100, 0, 50]);
    const deferred = split.holders.reduce((a, h) => a + h.deferredInterestMinor, 0);
    expect(deferred).toBe(4_167 - 850);
  });

  it("after redemption the whole receipt is rent income", () => {
    const redeemed = holders.map((h) => ({ ...h, outstandingMinor: 0 }));
    const split = splitRentReceipt({ receivedMinor: 70_000, interestDueMinor: 0, principalDueMinor: 0, holders: redeemed });
    expect(split).toMatchObject({ arrearsMinor: 0, interestMinor: 0, principalMinor: 0, excessMinor: 70_000 });
  });
});
