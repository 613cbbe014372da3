// The fee rules of PRODUCT.md §4 on their edges.
import { describe, expect, it } from "vitest";
import {
  bandFor,
  computeMonthlyInvoice,
  daysUsedInMonth,
  monthBounds,
  monthlyCapMinor,
  proratedLineMinor,
  type FeeScheduleVersion,
} from "../../src/fees/compute-fees.js";

const schedule: FeeScheduleVersion = {
  id: 1,
  effectiveOn: "2000-01-01",
  currency: "EUR",
  revenueCapBps: 100,
  bands: [
    { minHeadcount: 1, maxHeadcount: 9, annualFeeMinor: 12_000 },
    { minHeadcount: 10, maxHeadcount: 49, annualFeeMinor: 60_000 },
    { minHeadcount: 50, maxHeadcount: 249, annualFeeMinor: 240_000 },
    { minHeadcount: 250, maxHeadcount: 999, annualFeeMinor: 960_000 },
    { minHeadcount: 1000, maxHeadcount: null, annualFeeMinor: 2_400_000 },
  ],
};

const use = (startedOn: string, endedOn: string | null = null) => ({
  workId: 1,
  workSlug: "w",
  workTitle: "W",
  intervals: [{ startedOn, endedOn }],
});

describe("months", () => {
  it.each([
    ["2026-02", 28],
    ["2028-02", 29],
    ["2100-02", 28],
    ["2000-02", 29],
    ["2026-04", 30],
    ["2026-01", 31],
    ["2026-12", 31],
  ])("%s has %i days", (month, days) => {
    expect(monthBounds(month).days).toBe(days);
  });
});

describe("days used", () => {
  it("counts start and end dates inclusive, clipped to the month", () => {
    expect(daysUsedInMonth("2026-03", [{ startedOn: "2026-03-01", endedOn: null }])).toBe(31);
    expect(daysUsedInMonth("2026-03", [{ startedOn: "2026-03-31", endedOn: null }])).toBe(1);
    expect(daysUsedInMonth("2026-03", [{ startedOn: "2026-01-10", endedOn: "2026-03-01" }])).toBe(1);
    expect(daysUsedInMonth("2026-03", [{ startedOn: "2026-03-10", endedOn: "2026-03-10" }])).toBe(1);
    expect(daysUsedInMonth("2026-03", [{ startedOn: "2026-03-10", endedOn: "2026-03-20" }])).toBe(11);
    expect(daysUsedInMonth("2026-03", [{ startedOn: "2026-04-01", endedOn: null }])).toBe(0);
    expect(daysUsedInMonth("2026-03", [{ startedOn: "2026-01-01", endedOn: "2026-02-28" }])).toBe(0);
  });

  it("counts overlapping usages of the same work once", () => {
    expect(
      daysUsedInMonth("2026-03", [
        { startedOn: "2026-03-01", endedOn: "2026-03-15" },
        { startedOn: "2026-03-10", endedOn: "2026-03-20" },
        { startedOn: "2026-03-25", endedOn: null },
      ]),
    ).toBe(20 + 7);
  });
});

describe("bands", () => {
  it.each([
    [1, 12_000],
    [9, 12_000],
    [10, 60_000],
    [49, 60_000],
    [50, 240_000],
    [999, 960_000],
    [1000, 2_400_000],
    [0, 12_000],
    [null, 2_400_000],
  ])("headcount %s pays %i a year", (headcount, fee) => {
    expect(bandFor(schedule, headcount).annualFeeMinor).toBe(fee);
  });
});

describe("proration and rounding", () => {
  it("a whole month is a twelfth of the annual fee", () => {
    expect(proratedLineMinor(12_000, 31, 31)).toBe(1_000);
    expect(proratedLineMinor(12_000, 28, 28)).toBe(1_000);
    expect(proratedLineMinor(12_000, 29, 29)).toBe(1_000);
  });

  it("rounds half up on ties and otherwise to nearest", () => {
    // 12000 × 1 / (12 × 16) = 62.5 → 63 (tie rounds up)
    expect(proratedLineMinor(12_000, 1, 16)).toBe(63);
    // 12000 × 1 / (12 × 31) = 32.258… → 32
    expect(proratedLineMinor(12_000, 1, 31)).toBe(32);
    // 12000 × 20 / (12 × 31) = 645.16… → 645
    expect(proratedLineMinor(12_000, 20, 31)).toBe(645);
    // 60000 × 15 / (12 × 30) = 2500 exactly
    expect(proratedLineMinor(60_000, 15, 30)).toBe(2_500);
    // 1 × 6 / (12 × 1): 0.5 → 1
    expect(proratedLineMinor(1, 6, 1 * 6)).toBe(0);
    // Three-decimal currencies count invoice amounts in hundredths (a step of 10 minor units).
    expect(proratedLineMinor(100_000, 10, 31, 10)).toBe(2_690);
    expect(monthlyCapMinor(1_000_005, 100, 10)).toBe(830);
    expect(proratedLineMinor(6, 1, 1)).toBe(1);
    // a leap February: 2400000 × 1 / (12 × 29) = 6896.55… → 6897
    expect(proratedLineMinor(2_400_000, 1, 29)).toBe(6_897);
  });

  it("a zero-decimal currency rounds to whole units", () => {
    // JPY 100000 a year, 10 of 31 days: 100000 × 10 / 372 = 2688.17… → 2688
    expect(proratedLineMinor(100_000, 10, 31)).toBe(2_688);
  });
});

/** Three works used all through March: 3 × 1000 minor units at the first band. */
const threeWorksAllMonth = () =>
  [1, 2, 3].map((i) => ({ workId: i, workSlug: `w${i}`, workTitle: `W${i}`, intervals: [{ startedOn: "2026-01-01", endedOn: null }] }));

describe("the revenue cap", () => {
  it("is floor(R × bps / 120000)", () => {
    expect(monthlyCapMinor(12_000_000, 100)).toBe(10_000);
    expect(monthlyCapMinor(12_000_099, 100)).toBe(10_000);
    expect(monthlyCapMinor(12_001_199, 100)).toBe(10_000);
    expect(monthlyCapMinor(12_001_200, 100)).toBe(10_001);
  });

  it("exactly reached: no cap line", () => {
    // 3 works × 1000/month = 3000; R such that cap = 3000 → R = 3 600 000
    const uses = threeWorksAllMonth();
    const inv = computeMonthlyInvoice({
      month: "2026-03",
      schedule,
      facts: { headcount: 5, annualRevenueMinor: 3_600_000, revenueCurrency: "EUR" },
      uses,
    });
    expect(inv.totalMinor).toBe(3_000);
    expect(inv.lines.map((l) => l.kind)).toEqual(["fee", "fee", "fee"]);
  });

  it("exceeded: a negative cap line brings the total to the cap", () => {
    const uses = threeWorksAllMonth();
    const inv = computeMonthlyInvoice({
      month: "2026-03",
      schedule,
      facts: { headcount: 5, annualRevenueMinor: 3_599_999, revenueCurrency: "EUR" },
      uses,
    });
    expect(inv.totalMinor).toBe(2_999);
    expect(inv.lines.at(-1)).toMatchObject({ kind: "revenue_cap", workSlug: null, amountMinor: -1 });
  });

  it("is not applied across currencies, and says so", () => {
    const inv = computeMonthlyInvoice({
      month: "2026-03",
      schedule,
      facts: { headcount: 5, annualRevenueMinor: 1, revenueCurrency: "USD" },
      uses: [use("2026-01-01")],
    });
    expect(inv.totalMinor).toBe(1_000);
    expect(inv.notes[0]).toContain("not applied");
  });
});

describe("a monthly invoice", () => {
  it("without size facts is billed at the top band and says why", () => {
    const inv = computeMonthlyInvoice({ month: "2026-03", schedule, facts: null, uses: [use("2026-03-01")] });
    expect(inv.totalMinor).toBe(200_000);
    expect(inv.notes).toEqual(["No size facts were declared: billed at the top headcount band."]);
  });

  it("prorates a usage that starts mid-month and one that ends mid-month", () => {
    const inv = computeMonthlyInvoice({
      month: "2026-04",
      schedule,
      facts: { headcount: 20, annualRevenueMinor: null, revenueCurrency: null },
      uses: [
        { workId: 1, workSlug: "a", workTitle: "A", intervals: [{ startedOn: "2026-04-16", endedOn: null }] },
        { workId: 2, workSlug: "b", workTitle: "B", intervals: [{ startedOn: "2025-01-01", endedOn: "2026-04-10" }] },
      ],
    });
    // 60000 × 15 / 360 = 2500; 60000 × 10 / 360 = 1666.67 → 1667
    expect(inv.lines.map((l) => [l.workSlug, l.days, l.amountMinor])).toEqual([
      ["a", 15, 2_500],
      ["b", 10, 1_667],
    ]);
    expect(inv.totalMinor).toBe(4_167);
  });
});
