import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  attributePayment,
  attributeRefund,
  dividendShares,
  lineNets,
  splitWorkShare,
  type LineBalance,
} from "../../src/distribution/distribution-rules.js";
import { planDistribution, type DistributionInputs } from "../../src/distribution/plan-distribution.js";
import { normalizeIban } from "../../src/payouts/payee.js";

const DEFAULT_BUCKETS: DistributionInputs["buckets"] = [
  { key: "licensors", kind: "licensors", shareBps: 6000, payeeOrganizationId: null },
  { key: "dividend", kind: "dividend", shareBps: 2000, payeeOrganizationId: null },
  { key: "operations", kind: "fixed", shareBps: 1000, payeeOrganizationId: 99 },
  { key: "reserve", kind: "reserve", shareBps: 1000, payeeOrganizationId: null },
];

describe("line nets and attribution (golden vectors)", () => {
  it("spread a capped total over the fee lines by LRM, ties to the lowest work id", () => {
    // Three equal lines, listed out of work order: the leftover unit goes to work 3, the lowest id.
    const lines = [
      { lineId: 11, workId: 7, position: 1, amountMinor: 50 },
      { lineId: 12, workId: 3, position: 2, amountMinor: 50 },
      { lineId: 13, workId: 5, position: 3, amountMinor: 50 },
    ];
    expect(lineNets(100, lines)).toEqual([
      { lineId: 12, workId: 3, netMinor: 34 },
      { lineId: 13, workId: 5, netMinor: 33 },
      { lineId: 11, workId: 7, netMinor: 33 },
    ]);
    // A revenue cap of 10.00 over 25.81 + 16.13: floors 615 + 384, remainders 1690 < 2504 → 615 + 385.
    expect(
      lineNets(1000, [
        { lineId: 1, workId: 1, position: 1, amountMinor: 2581 },
        { lineId: 2, workId: 2, position: 2, amountMinor: 1613 },
      ]).map((n) => n.netMinor),
    ).toEqual([615, 385]);
  });

  it("attribute a payment in proportion to what each line lacks; the final payment closes every line", () => {
    const lines: LineBalance[] = [
      { lineId: 1, workId: 1, position: 1, lackingMinor: 615, attributedMinor: 0 },
      { lineId: 2, workId: 2, position: 2, lackingMinor: 385, attributedMinor: 0 },
    ];
    // 500 × 615/1000 = 307.5 and 192.5: a tie of remainders, the unit goes to the lower work id.
    expect(attributePayment(500, lines).map((a) => a.amountMinor)).toEqual([308, 192]);
    const after: LineBalance[] = [
      { lineId: 1, workId: 1, position: 1, lackingMinor: 307, attributedMinor: 308 },
      { lineId: 2, workId: 2, position: 2, lackingMinor: 193, attributedMinor: 192 },
    ];
    expect(attributePayment(500, after).map((a) => a.amountMinor)).toEqual([307, 193]);
    expect(attributeRefund(100, after).map((a) => a.amountMinor)).toEqual([62, 38]);
    expect(() => attributePayment(501, after)).toThrow();
  });
});

describe("splits (Drips' cumulative floor; golden vectors)", () => {
  it("give receiver k floor(A·W_k/1e6) − floor(A·W_{k−1}/1e6), in organization order, the rest to the licensor", () => {
    expect(
      splitWorkShare(1001, [
        { organizationId: 9, weight: 333_333 },
        { organizationId: 5, weight: 333_333 },
      ]),
    ).toEqual({
      receivers: [
        { organizationId: 5, weight: 333_333, amountMinor: 333 },
        { organizationId: 9, weight: 333_333, amountMinor: 334 },
      ],
      licensorMinor: 334,
    });
    // Cumulative floors: 1 then 3 − 1 = 2, where flooring each share alone would lose a unit.
    expect(
      splitWorkShare(3, [
        { organizationId: 1, weight: 500_000 },
        { organizationId: 2, weight: 500_000 },
      ]).receivers.map((r) => r.amountMinor),
    ).toEqual([1, 2]);
    expect(splitWorkShare(7, [{ organizationId: 1, weight: 1 }])).toEqual({
      receivers: [{ organizationId: 1, weight: 1, amountMinor: 0 }],
      licensorMinor: 7,
    });
    expect(splitWorkShare(100, [{ organizationId: 1, weight: 1_000_000 }]).licensorMinor).toBe(0);
    expect(splitWorkShare(5, []).licensorMinor).toBe(5);
  });

  it("social dividend: per = floor(D ÷ N), per × count each, the remainder carried", () => {
    expect(
      dividendShares(1003, [
        { organizationId: 4, workerOwners: 5 },
        { organizationId: 2, workerOwners: 3 },
      ]),
    ).toEqual({
      perCapitaMinor: 125,
      workerOwners: 8,
      shares: [
        { organizationId: 2, workerOwners: 3, amountMinor: 375 },
        { organizationId: 4, workerOwners: 5, amountMinor: 625 },
      ],
      carriedMinor: 3,
    });
    expect(dividendShares(50, []).carriedMinor).toBe(50);
  });

  it("IBANs: mod-97 checked, spaces and case forgiven", () => {
    expect(normalizeIban("de89 3704 0044 0532 0130 00")).toBe("DE89370400440532013000");
    expect(normalizeIban("DE89 3704 0044 0532 0130 01")).toBeNull();
    expect(normalizeIban("GB82 WEST 1234 5698 7654 32")).toBe("GB82WEST12345698765432");
    expect(normalizeIban("not an iban")).toBeNull();
  });
});

describe("a distribution plan", () => {
  it("golden: the default policy over two works, one split, two cooperatives and a carry", () => {
    const plan = planDistribution({
      attributedMinor: 10_001,
      poolCarryInMinor: 0,
      dividendCarryInMinor: 7,
      buckets: DEFAULT_BUCKETS,
      works: [
        { workId: 2, licensorOrganizationId: 10, cashMinor: 6_001, attributions: 2, receivers: [{ organizationId: 12, weight: 250_000 }] },
        { workId: 1, licensorOrganizationId: 11, cashMinor: 4_000, attributions: 1, receivers: [] },
      ],
      cooperatives: [
        { organizationId: 20, workerOwners: 3 },
        { organizationId: 21, workerOwners: 4 },
      ],
    });
    // Buckets of 10,001: 6000.6 / 2000.2 / 1000.1 / 1000.1 → 6000, 2000, 1000, 1000 and the unit to licensors.
    // Licensors 6001 over cash 4000 : 6001 → 2400.4 / 3600.6 → 2400, 3601. Work 2: receiver 12 gets floor(3601/4) = 900.
    // Dividend 2000 + 7 carried in over 7 worker-owners: 286 each, 5 carried.
    expect(plan.allocations.map((a) => [a.bucketKey, a.organizationId, a.workId, a.amountMinor, a.basis.kind])).toEqual([
      ["licensors", 11, 1, 2400, "work"],
      ["licensors", 10, 2, 2701, "work"],
      ["licensors", 12, 2, 900, "split"],
      ["dividend", 20, null, 858, "per_capita"],
      ["dividend", 21, null, 1144, "per_capita"],
      ["operations", 99, null, 1000, "fixed"],
      ["reserve", null, null, 1000, "reserve"],
    ]);
    expect(plan).toMatchObject({ poolMinor: 10_001, dividendCarriedMinor: 5, perCapitaMinor: 286, workerOwners: 7, poolCarriedMinor: 0 });
  });

  it("a month whose refunds exceed its payments allocates nothing and carries the deficit", () => {
    const plan = planDistribution({
      attributedMinor: -300,
      poolCarryInMinor: -50,
      dividendCarryInMinor: 0,
      buckets: DEFAULT_BUCKETS,
      works: [],
      cooperatives: [],
    });
    expect(plan).toMatchObject({ poolMinor: 0, poolCarriedMinor: -350, allocations: [] });
  });
});

describe("properties", () => {
  const bucketsArb = fc
    .array(fc.integer({ min: 0, max: 100 }), { minLength: 4, maxLength: 4 })
    .filter((w) => w.some((x) => x > 0))
    .map((w) => {
      const sum = w.reduce((a, b) => a + b, 0);
      const bps = w.map((x) => Math.floor((x * 10_000) / sum));
      bps[0]! += 10_000 - bps.reduce((a, b) => a + b, 0);
      return DEFAULT_BUCKETS.map((b, i) => ({ ...b, shareBps: bps[i]! }));
    });
  const worksArb = fc.uniqueArray(
    fc.record({
      workId: fc.integer({ min: 1, max: 50 }),
      licensorOrganizationId: fc.integer({ min: 1, max: 20 }),
      cashMinor: fc.integer({ min: -5_000, max: 1_000_000 }),
      attributions: fc.integer({ min: 1, max: 5 }),
      receivers: fc.uniqueArray(
        fc.record({ organizationId: fc.integer({ min: 21, max: 40 }), weight: fc.integer({ min: 1, max: 200_000 }) }),
        {
          maxLength: 5,
          selector: (r) => r.organizationId,
        },
      ),
    }),
    { maxLength: 8, selector: (w) => w.workId },
  );

  it("allocations and the carry account for the pool exactly; nothing is negative", () => {
    fc.assert(
      fc.property(
        bucketsArb,
        worksArb,
        fc.array(fc.record({ organizationId: fc.integer({ min: 41, max: 60 }), workerOwners: fc.integer({ min: 1, max: 500 }) }), {
          maxLength: 5,
        }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: -10_000, max: 0 }),
        (buckets, works, coopsRaw, dividendCarry, poolCarry) => {
          const cooperatives = [...new Map(coopsRaw.map((c) => [c.organizationId, c])).values()];
          const attributedMinor = works.reduce((s, w) => s + w.cashMinor, 0);
          // Negative cash per work only arises from refunds of a month with payments for it too: keep the sum sensible.
          fc.pre(works.every((w) => w.cashMinor >= 0) || attributedMinor >= 0);
          const plan = planDistribution({
            attributedMinor,
            poolCarryInMinor: poolCarry,
            dividendCarryInMinor: dividendCarry,
            buckets,
            works,
            cooperatives,
          });
          const allocated = plan.allocations.reduce((s, a) => s + a.amountMinor, 0);
          expect(allocated + plan.dividendCarriedMinor - dividendCarry).toBe(plan.poolMinor);
          expect(plan.poolMinor + plan.poolCarriedMinor).toBe(attributedMinor + poolCarry);
          for (const a of plan.allocations) expect(a.amountMinor).toBeGreaterThan(0);
          expect(plan.dividendCarriedMinor).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("payments and refunds of random sizes keep every line between 0 and its net; paying in full closes each exactly", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 100 }), fc.boolean()), { maxLength: 10 }),
        (amounts, capPercent, steps) => {
          const gross = amounts.reduce((a, b) => a + b, 0);
          const total = Math.floor((gross * capPercent) / 100);
          const nets = lineNets(
            total,
            amounts.map((amountMinor, i) => ({ lineId: i + 1, workId: 100 - i, position: i + 1, amountMinor })),
          );
          expect(nets.reduce((s, n) => s + n.netMinor, 0)).toBe(total);
          const attributed = new Map(nets.map((n) => [n.lineId, 0]));
          const balances = (): LineBalance[] =>
            nets.map((n, i) => ({
              lineId: n.lineId,
              workId: n.workId,
              position: i + 1,
              attributedMinor: attributed.get(n.lineId)!,
              lackingMinor: n.netMinor - attributed.get(n.lineId)!,
            }));
          const apply = (shares: { lineId: number; amountMinor: number }[], sign: number) => {
            for (const s of shares) attributed.set(s.lineId, attributed.get(s.lineId)! + sign * s.amountMinor);
          };
          for (const [percent, refund] of steps) {
            const b = balances();
            const pool = refund ? b.reduce((s, l) => s + l.attributedMinor, 0) : b.reduce((s, l) => s + l.lackingMinor, 0);
            const amount = Math.floor((pool * percent) / 100);
            if (amount === 0) continue;
            const shares = refund ? attributeRefund(amount, b) : attributePayment(amount, b);
            expect(shares.reduce((s, x) => s + x.amountMinor, 0)).toBe(amount);
            apply(shares, refund ? -1 : 1);
            for (const n of nets) expect(attributed.get(n.lineId)!).toBeGreaterThanOrEqual(0);
            for (const n of nets) expect(attributed.get(n.lineId)!).toBeLessThanOrEqual(n.netMinor);
          }
          const rest = balances().reduce((s, l) => s + l.lackingMinor, 0);
          if (rest > 0) apply(attributePayment(rest, balances()), 1);
          for (const n of nets) expect(attributed.get(n.lineId)).toBe(n.netMinor);
        },
      ),
      { numRuns: 400 },
    );
  });
});
