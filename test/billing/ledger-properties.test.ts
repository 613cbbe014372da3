// Random sequences of billing, payment, voiding and refunds keep every ledger invariant.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { runBilling } from "../../src/billing/run-billing.js";
import { recordPayment } from "../../src/payments/record-payment.js";
import { voidInvoice } from "../../src/invoices/void-invoice.js";
import { recordRefund } from "../../src/payments/record-refund.js";
import { outstandingMinor, paidMinor, refundedMinor } from "../../src/invoices/invoices.queries.js";
import { AppError } from "../../src/shared/errors.js";
import { invoices } from "../../src/db/schema.js";
import { inRolledBackTransaction, makeHarness } from "../support/harness.js";
import { billingWorld } from "../support/commune.js";

type Step =
  | { kind: "bill"; month: number }
  | { kind: "pay" | "refund"; pick: number; fraction: number; key: number }
  | { kind: "void"; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("bill" as const), month: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constant("pay" as const),
    pick: fc.nat(),
    fraction: fc.integer({ min: 1, max: 120 }),
    key: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({ kind: fc.constant("void" as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant("refund" as const),
    pick: fc.nat(),
    fraction: fc.integer({ min: 1, max: 120 }),
    key: fc.integer({ min: 0, max: 5 }),
  }),
);

describe("ledger invariants under random operations", () => {
  // Runs bill catch-up lines too (voided days are billed again), so a run holds more invoices: room on PostgreSQL.
  it("hold after every step", { timeout: 120_000 }, async () => {
    const done = { bill: 0, pay: 0, void: 0, refund: 0 };
    // One database; each run works inside a transaction that is rolled back at its end (the commands'
    // own transactions nest in it as savepoints), so every run starts from the same empty books without
    // the cost of a fresh database per run.
    const base = await makeHarness();
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) =>
          inRolledBackTransaction(base, async (h) => {
            const { c, works, firms, deps } = await billingWorld(h);
            for (const [i, f] of firms.entries())
              await c.use(f, { workSlug: works[i % 2]!.slug, purpose: "commercial", startedOn: `2026-0${1 + i}-1${i}` });
            for (const s of steps) {
              const all = await h.db.select().from(invoices).orderBy(invoices.id);
              try {
                if (s.kind === "bill") {
                  await runBilling(h.db, { month: `2026-0${s.month}`, actorUserId: null }, deps);
                  done.bill++;
                } else if (all.length > 0) {
                  const inv = all[s.pick % all.length]!;
                  if (s.kind === "void") {
                    // Every other void is of an invoice with payments, when there is one: corrections of paid invoices.
                    const paid = all.filter((i) => i.status === "paid" || i.status === "partially_paid");
                    const target = s.pick % 2 === 1 && paid.length > 0 ? paid[s.pick % paid.length]! : inv;
                    await voidInvoice(h.db, target, { reason: "random", actorUserId: c.treasurer.id }, { clock: h.clock });
                    done.void++;
                  } else if (s.kind === "refund") {
                    // Refunds are of void invoices: pick among those (any invoice when none is void, to see it refused).
                    const voids = all.filter((i) => i.status === "void");
                    const target = voids.length > 0 ? voids[s.pick % voids.length]! : all[s.pick % all.length]!;
                    const due = Math.max(1, (await paidMinor(h.db, target.id)) - (await refundedMinor(h.db, target.id)));
                    const input = { amount: { amountMinor: Math.max(1, Math.floor((due * s.fraction) / 100)), currency: "EUR" } };
                    await recordRefund(
                      h.db,
                      {
                        ...input,
                        invoiceId: target.id,
                        paidOn: "2026-08-02",
                        reference: `b${s.key}`,
                        idempotencyKey: `b${s.key}-${target.id}`,
                        actorUserId: c.treasurer.id,
                      },
                      { clock: h.clock },
                    );
                    done.refund++;
                  } else {
                    const outstanding = Math.max(1, await outstandingMinor(h.db, inv));
                    const amountMinor = Math.max(1, Math.floor((outstanding * s.fraction) / 100));
                    await recordPayment(
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
              expect(await checkLedger(h.db)).toEqual([]);
            }
          }),
        ),
        // A fixed seed: the same sequences every run, and ones that do every kind of step (the counts below).
        { numRuns: 40, seed: 20261125 },
      );
    } finally {
      await base.close();
    }
    // The runs did exercise every operation, not only their refusals.
    expect(done.bill).toBeGreaterThan(0);
    expect(done.pay).toBeGreaterThan(0);
    expect(done.void).toBeGreaterThan(0);
    expect(done.refund).toBeGreaterThan(0);
  });
});
