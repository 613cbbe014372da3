// The repayment schedule of PRODUCT.md §14: the test vectors and the edges of dates and rounding.
import { describe, expect, it } from "vitest";
import { addMonthsToDate, annuityPaymentMinor, periodInterestMinor, repaymentSchedule } from "../../src/bonds/schedule.js";
import { AppError } from "../../src/shared/errors.js";

const base = { principalMinor: 1_200_000, rateBps: 600, termMonths: 24, startsOn: "2027-01-31" } as const;
const total = (rows: { interestMinor: number }[]) => rows.reduce((a, r) => a + r.interestMinor, 0);

describe("annuity", () => {
  const rows = repaymentSchedule({ ...base, method: "annuity" });

  it("vector: 12,000.00 at 6 % over 24 months pays 531.85, the last 531.82, 764.37 of interest", () => {
    expect(annuityPaymentMinor(1_200_000, 600, 24)).toBe(53_185);
    expect(rows).toHaveLength(24);
    expect(rows[0]).toEqual({
      k: 1,
      dueOn: "2027-02-28",
      openingMinor: 1_200_000,
      interestMinor: 6_000,
      principalMinor: 47_185,
      paymentMinor: 53_185,
    });
    expect(rows.slice(0, 23).every((r) => r.paymentMinor === 53_185)).toBe(true);
    expect(rows[23]!.paymentMinor).toBe(53_182);
    expect(total(rows)).toBe(76_437);
    expect(rows.reduce((a, r) => a + r.principalMinor, 0)).toBe(1_200_000);
  });

  it("each row opens with the previous row's balance", () => {
    rows.slice(1).forEach((r, i) => expect(r.openingMinor).toBe(rows[i]!.openingMinor - rows[i]!.principalMinor));
  });

  it("a zero rate repays P/n, the last row settling the rest", () => {
    const zero = repaymentSchedule({ ...base, principalMinor: 1_000, rateBps: 0, termMonths: 3, method: "annuity" });
    expect(zero.map((r) => r.paymentMinor)).toEqual([333, 333, 334]);
    expect(total(zero)).toBe(0);
  });

  it("one month: the whole principal plus a month's interest", () => {
    expect(repaymentSchedule({ ...base, termMonths: 1, method: "annuity" }).map((r) => r.paymentMinor)).toEqual([1_206_000]);
  });
});

describe("straight line", () => {
  it("vector: 750.00 of interest, 500.00 of principal each month", () => {
    const rows = repaymentSchedule({ ...base, method: "straight_line" });
    expect(total(rows)).toBe(75_000);
    expect(rows.every((r) => r.principalMinor === 50_000)).toBe(true);
    expect(rows.map((r) => r.interestMinor).slice(0, 3)).toEqual([6_000, 5_750, 5_500]);
  });

  it("an uneven principal: rounded half-up once, the last row settles", () => {
    const rows = repaymentSchedule({ ...base, principalMinor: 1_000, rateBps: 0, termMonths: 6, method: "straight_line" });
    expect(rows.map((r) => r.principalMinor)).toEqual([167, 167, 167, 167, 167, 165]);
  });
});

describe("sweep", () => {
  it("all rent to the bonds, interest first, until redeemed", () => {
    const rows = repaymentSchedule({ ...base, method: "sweep", monthlyRentMinor: 100_000 });
    expect(rows[0]).toMatchObject({ interestMinor: 6_000, principalMinor: 94_000, paymentMinor: 100_000 });
    expect(rows.slice(0, -1).every((r) => r.paymentMinor === 100_000)).toBe(true);
    expect(rows.at(-1)!.paymentMinor).toBeLessThanOrEqual(100_000);
    expect(rows.reduce((a, r) => a + r.principalMinor, 0)).toBe(1_200_000);
    expect(rows).toHaveLength(13);
  });

  it("refuses a rent that does not cover the interest", () => {
    expect(() => repaymentSchedule({ ...base, method: "sweep", monthlyRentMinor: 6_000 })).toThrow(AppError);
    expect(() => repaymentSchedule({ ...base, method: "sweep" })).toThrow(AppError);
  });
});

describe("dates and broken periods", () => {
  it.each([
    ["2027-01-31", 1, "2027-02-28"],
    ["2027-02-28", 1, "2027-03-31"],
    ["2028-01-30", 1, "2028-02-29"],
    ["2027-01-15", 13, "2028-02-15"],
    ["2027-12-31", 2, "2028-02-29"],
  ])("%s plus %i months is %s", (from, n, to) => {
    expect(addMonthsToDate(from, n)).toBe(to);
  });

  it("a whole first month is 30/360; a broken one is ACT/365 over its days", () => {
    const whole = repaymentSchedule({ ...base, startsOn: "2027-01-15", method: "annuity" });
    expect(whole[0]).toMatchObject({ dueOn: "2027-02-15", interestMinor: 6_000 });
    const broken = repaymentSchedule({ ...base, startsOn: "2027-01-15", firstDueOn: "2027-02-28", method: "annuity" });
    // 44 days: 1,200,000 × 600 × 44 / 3,650,000 = 8,679.45… → 8,679
    expect(broken[0]).toMatchObject({ dueOn: "2027-02-28", interestMinor: 8_679, principalMinor: 53_185 - 8_679 });
    expect(broken[1]!.dueOn).toBe("2027-03-31");
    expect(broken.reduce((a, r) => a + r.principalMinor, 0)).toBe(1_200_000);
    expect(periodInterestMinor(1_200_000, 600, 44)).toBe(8_679);
  });

  it("refuses terms that are not a plan", () => {
    for (const bad of [
      { ...base, principalMinor: 0 },
      { ...base, termMonths: 0 },
      { ...base, rateBps: -1 },
      { ...base, firstDueOn: "2027-01-31" },
      { ...base, firstDueOn: "2028-06-30" },
    ]) {
      expect(() => repaymentSchedule({ ...bad, method: "annuity" })).toThrow(AppError);
    }
  });
});
