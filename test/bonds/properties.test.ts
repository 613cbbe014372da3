// Properties of the bond rules over random terms: allotments stay within the target and the bids,
// schedules repay exactly the principal, the cap is never exceeded, holders receive exactly what was paid.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clearIssue } from "../../src/bonds/allotment.js";
import { capMonth, splitRentReceipt, splitSaleProceeds, type HolderPosition } from "../../src/bonds/repayment.js";
import { periodInterestMinor, repaymentSchedule } from "../../src/bonds/schedule.js";
import { REPAYMENT_METHODS } from "../../src/bonds/vocabulary.js";

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const runs = { numRuns: 300 };
/** Inside long loops a plain throw: vitest's expect costs microseconds per call. */
const check = (ok: boolean, what: string) => {
  if (!ok) throw new Error(what);
};

describe("allotments", () => {
  const subscription = fc.record({
    amountMinor: fc.integer({ min: 1, max: 5_000_000 }),
    bidRateBps: fc.option(fc.integer({ min: 0, max: 900 }), { nil: null }),
  });
  const terms = fc.record({
    mode: fc.constantFrom("fixed" as const, "auction" as const),
    targetMinor: fc.integer({ min: 1, max: 20_000_000 }),
    minimumShare: fc.integer({ min: 0, max: 10_000 }),
    maxRateBps: fc.integer({ min: 0, max: 800 }),
    minSubscriptionMinor: fc.integer({ min: 1, max: 100_000 }),
  });

  it("never exceed the target or a subscription, and the auction's winners bid at most the clearing rate", () => {
    fc.assert(
      fc.property(terms, fc.array(subscription, { maxLength: 25 }), (t, subs) => {
        const issue = { ...t, minimumMinor: Math.floor((t.targetMinor * t.minimumShare) / 10_000) };
        const withIds = subs.map((s, i) => ({ ...s, id: i + 1, amountMinor: Math.max(s.amountMinor, issue.minSubscriptionMinor) }));
        const result = clearIssue(issue, withIds);
        const given = result.allotments.map((a) => a.allottedMinor);
        expect(sum(given)).toBe(result.totalMinor);
        expect(result.totalMinor).toBeLessThanOrEqual(issue.targetMinor);
        result.allotments.forEach((a, i) => {
          const s = withIds[i]!;
          expect(a.subscriptionId).toBe(s.id);
          expect(a.allottedMinor).toBeGreaterThanOrEqual(0);
          expect(a.allottedMinor).toBeLessThanOrEqual(s.amountMinor);
          if (a.allottedMinor > 0 && a.allottedMinor < s.amountMinor) expect(a.allottedMinor % issue.minSubscriptionMinor).toBe(0);
          if (issue.mode === "auction" && a.allottedMinor > 0 && s.bidRateBps !== null) {
            expect(s.bidRateBps).toBeLessThanOrEqual(result.rateBps!);
            expect(s.bidRateBps).toBeLessThanOrEqual(issue.maxRateBps);
          }
        });
        if (result.status === "cancelled") expect(sum(given)).toBe(0);
        else expect(result.totalMinor).toBeGreaterThanOrEqual(Math.max(1, issue.minimumMinor));
      }),
      runs,
    );
  });
});

const scheduleTerms = fc.record({
  principalMinor: fc.integer({ min: 1, max: 1_000_000_000 }),
  rateBps: fc.integer({ min: 0, max: 2_000 }),
  termMonths: fc.integer({ min: 1, max: 360 }),
  method: fc.constantFrom(...REPAYMENT_METHODS),
  brokenDays: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
  rentShareBps: fc.integer({ min: 100, max: 10_000 }),
});

function scheduleOf(t: typeof scheduleTerms extends fc.Arbitrary<infer T> ? T : never) {
  const firstInterest = Math.max(
    periodInterestMinor(t.principalMinor, t.rateBps, t.brokenDays),
    periodInterestMinor(t.principalMinor, t.rateBps, null),
  );
  const monthlyRentMinor = Math.max(firstInterest + 1, Math.ceil((t.principalMinor * t.rentShareBps) / 10_000));
  const firstDueOn = t.brokenDays === null ? undefined : new Date(Date.UTC(2027, 0, 3 + t.brokenDays)).toISOString().slice(0, 10);
  return repaymentSchedule({
    ...t,
    startsOn: "2027-01-03",
    firstDueOn: firstDueOn === "2027-02-03" ? undefined : firstDueOn,
    monthlyRentMinor,
  });
}

describe("schedules", () => {
  it("repay exactly the principal, never a negative part, each row opening at the last balance", () => {
    fc.assert(
      fc.property(scheduleTerms, (t) => {
        const rows = scheduleOf(t);
        expect(sum(rows.map((r) => r.principalMinor))).toBe(t.principalMinor);
        if (t.method !== "sweep") expect(rows.length).toBeLessThanOrEqual(t.termMonths);
        let balance = t.principalMinor;
        const broken = rows.filter((r) => {
          const ok =
            r.openingMinor === balance &&
            r.principalMinor >= 0 &&
            r.interestMinor >= 0 &&
            r.paymentMinor === r.interestMinor + r.principalMinor;
          balance -= r.principalMinor;
          return !ok;
        });
        expect(broken).toEqual([]);
        expect(balance).toBe(0);
      }),
      runs,
    );
  });
});

const holdersArb = fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 8 });

describe("capped repayment and the waterfall, month after month", () => {
  it("the cap is never exceeded, holders receive exactly what was paid, and every holder is redeemed exactly", () => {
    fc.assert(
      fc.property(
        holdersArb,
        fc.integer({ min: 0, max: 1_500 }),
        fc.integer({ min: 1, max: 48 }),
        fc.array(fc.integer({ min: -100_000, max: 2_000_000 }), { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100 }),
        (held, rateBps, termMonths, surpluses, capBps, shortfallPct) => {
          const principal = sum(held);
          const queue = repaymentSchedule({
            principalMinor: principal,
            rateBps,
            termMonths,
            method: "annuity",
            startsOn: "2027-01-31",
          }).map((r) => r.principalMinor);
          let holders: HolderPosition[] = held.map((h, i) => ({ holderId: i + 1, outstandingMinor: h, interestArrearsMinor: 0 }));
          const received = held.map(() => 0);
          let streak = 0;
          for (let month = 0; month < 2_000 && holders.some((h) => h.outstandingMinor > 0 || h.interestArrearsMinor > 0); month++) {
            const balance = sum(holders.map((h) => h.outstandingMinor));
            const interest = periodInterestMinor(balance, rateBps, null);
            const due = {
              interestArrearsMinor: sum(holders.map((h) => h.interestArrearsMinor)),
              interestMinor: interest,
              principalMinor: queue.shift() ?? 0,
            };
            // After the random months, surpluses are ample so the plan ends.
            const surplus = month < surpluses.length ? surpluses[month]! : Math.floor(Number.MAX_SAFE_INTEGER / 20_000);
            const capped = capMonth(due, surplus, streak, month < surpluses.length ? capBps : 10_000);
            check(capped.chargedMinor <= capped.capMinor, "the cap was exceeded");
            check(capped.chargedMinor <= capped.dueMinor, "more than due was charged");
            streak = capped.deferredMonthsInRow;
            if (capped.deferredPrincipalMinor > 0) queue.push(capped.deferredPrincipalMinor);
            // The lessee may pay less than charged in the random months.
            const paid =
              month < surpluses.length
                ? capped.chargedMinor - Math.floor((capped.chargedMinor * shortfallPct) / 100 / 2)
                : capped.chargedMinor;
            const split = splitRentReceipt({
              receivedMinor: paid,
              interestDueMinor: interest,
              principalDueMinor: due.principalMinor,
              holders,
            });
            const toHolders = split.holders.map((h) => h.arrearsMinor + h.interestMinor + h.principalMinor);
            check(sum(toHolders) + split.excessMinor === paid, "holders' receipts do not sum to the payment");
            check(split.excessMinor === 0, "a receipt within the due left an excess");
            if (paid < capped.chargedMinor) queue.push(due.principalMinor - split.principalMinor - capped.deferredPrincipalMinor);
            holders = holders.map((h, i) => {
              const r = split.holders[i]!;
              received[i]! += r.principalMinor;
              check(r.principalMinor <= h.outstandingMinor, "a holder was repaid more than held");
              return {
                holderId: h.holderId,
                outstandingMinor: h.outstandingMinor - r.principalMinor,
                interestArrearsMinor: h.interestArrearsMinor - r.arrearsMinor + r.deferredInterestMinor,
              };
            });
          }
          expect(received).toEqual(held);
          expect(holders.every((h) => h.outstandingMinor === 0 && h.interestArrearsMinor === 0)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("an asset's sale, holders first", () => {
  it("pays the holders exactly what the sale paid, never more than each is owed, and writes off exactly the rest", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ outstanding: fc.integer({ min: 0, max: 10_000_000 }), arrears: fc.integer({ min: 0, max: 500_000 }) }), {
          minLength: 0,
          maxLength: 8,
        }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (positions, proceedsMinor) => {
          const holders = positions.map((p, i) => ({ holderId: i + 1, outstandingMinor: p.outstanding, interestArrearsMinor: p.arrears }));
          const owed = sum(positions.map((p) => p.outstanding + p.arrears));
          const split = splitSaleProceeds({ proceedsMinor, holders });
          const paid = split.holders.map((r) => r.arrearsMinor + r.principalMinor);
          expect(sum(paid)).toBe(split.paidToHoldersMinor);
          expect(split.paidToHoldersMinor).toBe(Math.min(proceedsMinor, owed));
          expect(split.paidToHoldersMinor + split.surplusMinor).toBe(proceedsMinor);
          expect(split.paidToHoldersMinor + split.writtenOffMinor).toBe(owed);
          split.holders.forEach((r, i) => {
            expect(r.arrearsMinor + r.arrearsWrittenOffMinor).toBe(holders[i]!.interestArrearsMinor);
            expect(r.principalMinor + r.principalWrittenOffMinor).toBe(holders[i]!.outstandingMinor);
            expect(Math.min(r.arrearsMinor, r.principalMinor, r.arrearsWrittenOffMinor, r.principalWrittenOffMinor)).toBeGreaterThanOrEqual(
              0,
            );
          });
          // Arrears come first: principal is paid only once every holder's arrears are.
          if (sum(split.holders.map((r) => r.principalMinor)) > 0) expect(sum(split.holders.map((r) => r.arrearsWrittenOffMinor))).toBe(0);
        },
      ),
      runs,
    );
  });

  it("vector: 1,000.00 for 1,341.67 and 958.33 outstanding pays 583.33 and 416.67, writing off 758.34 and 541.66", () => {
    const split = splitSaleProceeds({
      proceedsMinor: 100_000,
      holders: [
        { holderId: 1, outstandingMinor: 134_167, interestArrearsMinor: 0 },
        { holderId: 2, outstandingMinor: 95_833, interestArrearsMinor: 0 },
      ],
    });
    expect(split.holders.map((r) => [r.principalMinor, r.principalWrittenOffMinor])).toEqual([
      [58_333, 75_834],
      [41_667, 54_166],
    ]);
    expect(split).toMatchObject({ paidToHoldersMinor: 100_000, surplusMinor: 0, writtenOffMinor: 130_000 });
  });
});
