// Random sequences of billing, payment and voiding keep every ledger invariant.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { runBilling } from "../../src/billing/run-billing.js";
import { recordPayment } from "../../src/payments/record-payment.js";
import { voidInvoice } from "../../src/invoices/void-invoice.js";
import { outstandingMinor } from "../../src/invoices/invoices.queries.js";
import { AppError } from "../../src/shared/errors.js";
import { invoices } from "../../src/db/schema.js";
import { makeHarness } from "../support/harness.js";
import { Commune } from "../support/commune.js";

type Step = { kind: "bill"; month: number } | { kind: "pay"; pick: number; fraction: number; key: number } | { kind: "void"; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("bill" as const), month: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constant("pay" as const),
    pick: fc.nat(),
    fraction: fc.integer({ min: 1, max: 120 }),
    key: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({ kind: fc.constant("void" as const), pick: fc.nat() }),
);

describe("ledger invariants under random operations", () => {
  it("hold after every step", async () => {
    const done = { bill: 0, pay: 0, void: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const h = makeHarness();
        try {
          const c = new Commune(h);
          h.clock.set("2026-08-01T00:00:00Z");
          const licensor = c.org("Commons", "nonprofit");
          const works = [await c.work("alpha", licensor.id), await c.work("beta", licensor.id)];
          const firms = [
            c.org("Small", "commercial", { headcount: 3 }),
            c.org("Capped", "commercial", { headcount: 300, revenue: { amountMinor: 5_000_000, currency: "EUR" } }),
            c.org("Unknown", "commercial"),
          ];
          firms.forEach((f, i) => c.use(f, { workSlug: works[i % 2]!.slug, purpose: "commercial", startedOn: `2026-0${1 + i}-1${i}` }));
          const deps = { clock: h.clock, signer: h.deps.signer, invoicePrefix: "T", paymentTermsDays: 14 };
          for (const s of steps) {
            const all = h.db.select().from(invoices).orderBy(invoices.id).all();
            try {
              if (s.kind === "bill") {
                runBilling(h.db, { month: `2026-0${s.month}`, actorUserId: null }, deps);
                done.bill++;
              } else if (all.length > 0) {
                const inv = all[s.pick % all.length]!;
                if (s.kind === "void") {
                  voidInvoice(h.db, inv, { reason: "random", actorUserId: c.treasurer.id }, { clock: h.clock });
                  done.void++;
                } else {
                  const outstanding = Math.max(1, outstandingMinor(h.db, inv));
                  const amountMinor = Math.max(1, Math.floor((outstanding * s.fraction) / 100));
                  recordPayment(
                    h.db,
                    {
                      invoiceId: inv.id,
                      amount: { amountMinor, currency: "EUR" },
                      paidOn: "2026-08-01",
                      reference: `r${s.key}`,
                      idempotencyKey: `k${s.key}-${inv.id}`,
                      actorUserId: c.treasurer.id,
                    },
                    deps,
                  );
                  done.pay++;
                }
              }
            } catch (err) {
              // Refusals (overpayment, void of a paid invoice, …) are expected; anything else is a bug.
              if (!(err instanceof AppError)) throw err;
            }
            expect(checkLedger(h.db)).toEqual([]);
          }
        } finally {
          h.close();
        }
      }),
      { numRuns: 40 },
    );
    // The runs did exercise every operation, not only their refusals.
    expect(done.bill).toBeGreaterThan(0);
    expect(done.pay).toBeGreaterThan(0);
    expect(done.void).toBeGreaterThan(0);
  });
});
