// Random payments, policies and splits through the real commands: every run's allocations and carry account
// for its pool, which is exactly the month's payments; no amount is negative; every paid invoice's lines
// are attributed exactly; payables reconcile (ledger check) through approval, payout, confirmation and return.
import fc from "fast-check";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { distributionAllocations, distributionRuns, invoices } from "../../src/db/schema.js";
import { queryRows, toInt } from "../../src/db/sql.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { runBilling } from "../../src/billing/run-billing.js";
import { recordPayment } from "../../src/payments/record-payment.js";
import { outstandingMinor } from "../../src/invoices/invoices.queries.js";
import { runDistribution } from "../../src/distribution/run-distribution.js";
import { approveDistributionRun } from "../../src/distribution/approve-run.js";
import { createPolicy } from "../../src/distribution/policies.js";
import { setSplits } from "../../src/distribution/splits.js";
import { setPayee } from "../../src/payouts/payee.js";
import { confirmPayoutBatch, createPayoutBatch, getBatch, returnPayout } from "../../src/payouts/payout-batches.js";
import { AppError } from "../../src/shared/errors.js";
import { inRolledBackTransaction, makeHarness } from "../support/harness.js";
import { Commune } from "../support/commune.js";

const scenario = fc.record({
  shares: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 4, maxLength: 4 }),
  splitWeight: fc.integer({ min: 0, max: 1_000_000 }),
  payments: fc.array(
    fc.record({
      firm: fc.nat(2),
      percent: fc.integer({ min: 1, max: 100 }),
      month: fc.integer({ min: 4, max: 6 }),
      day: fc.integer({ min: 1, max: 28 }),
    }),
    {
      maxLength: 8,
    },
  ),
  approve: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  returnFirst: fc.boolean(),
});

describe("distribution under random payments and policies", () => {
  it("accounts for every minor unit", async () => {
    const base = await makeHarness();
    try {
      await fc.assert(
        fc.asyncProperty(scenario, (s) =>
          inRolledBackTransaction(base, async (h) => {
            const c = await Commune.create(h);
            h.clock.set("2026-03-01T00:00:00Z");
            const actor = { id: c.treasurer.id, isTreasurer: true };
            const licensor = await c.org("Commons", "worker_cooperative");
            await c.verify(licensor.id, "verified");
            const ops = await c.org("Ops", "nonprofit");
            const helper = await c.org("Helper", "individual");
            const works = [await c.work("alpha", licensor.id), await c.work("beta", licensor.id)];
            if (s.splitWeight > 0)
              await setSplits(
                h.db,
                actor,
                { slug: "beta", receivers: [{ organizationId: helper.id, weight: s.splitWeight }] },
                { clock: h.clock },
              );
            const sum = s.shares.reduce((a, b) => a + b, 0);
            const bps = s.shares.map((x) => Math.floor((x * 10_000) / sum));
            bps[0]! += 10_000 - bps.reduce((a, b) => a + b, 0);
            await createPolicy(
              h.db,
              actor,
              {
                effectiveOn: "2026-03-01",
                currency: "EUR",
                minimumPayout: { amountMinor: 100, currency: "EUR" },
                buckets: [
                  { key: "licensors", kind: "licensors", shareBps: bps[0]! },
                  { key: "dividend", kind: "dividend", shareBps: bps[1]! },
                  { key: "operations", kind: "fixed", shareBps: bps[2]!, payeeOrganizationId: ops.id },
                  { key: "reserve", kind: "reserve", shareBps: bps[3]! },
                ],
              },
              { clock: h.clock },
            );
            const firms = [
              await c.org("Small", "commercial", { headcount: 3 }),
              await c.org("Capped", "commercial", { headcount: 300, revenue: { amountMinor: 5_000_000, currency: "EUR" } }),
              await c.org("Unknown", "commercial"),
            ];
            for (const f of firms)
              await c.use(
                f,
                works.map((w) => ({ workSlug: w.slug, purpose: "commercial" as const, startedOn: "2026-02-10" })),
              );
            h.clock.set("2026-04-01T00:00:00Z");
            const deps = { clock: h.clock, signer: h.deps.signer, invoicePrefix: "RCP", paymentTermsDays: 30 };
            await runBilling(h.db, { month: "2026-03", actorUserId: null }, deps);
            for (const org of [licensor, ops, helper])
              await setPayee(
                h.db,
                actor,
                { organizationId: org.id, legalName: org.name, country: "DE", iban: "DE89370400440532013000" },
                { clock: h.clock },
              );

            const paid = new Map<string, number>();
            for (const [i, p] of s.payments.entries()) {
              const [invoice] = await h.db.select().from(invoices).where(eq(invoices.organizationId, firms[p.firm]!.id));
              if (!invoice || invoice.status === "paid") continue;
              const outstanding = await outstandingMinor(h.db, invoice);
              const amountMinor = Math.max(1, Math.floor((outstanding * p.percent) / 100));
              const paidOn = `2026-0${p.month}-${String(p.day).padStart(2, "0")}`;
              await recordPayment(
                h.db,
                {
                  invoiceId: invoice.id,
                  amount: { amountMinor, currency: "EUR" },
                  paidOn,
                  reference: `p${i}`,
                  idempotencyKey: `k${i}`,
                  actorUserId: c.treasurer.id,
                },
                deps,
              );
              paid.set(paidOn.slice(0, 7), (paid.get(paidOn.slice(0, 7)) ?? 0) + amountMinor);
            }
            expect(await checkLedger(h.db)).toEqual([]);

            for (const [i, month] of ["2026-04", "2026-05", "2026-06"].entries()) {
              h.clock.set(`2026-0${5 + i}-02T00:00:00Z`);
              const { runId } = await runDistribution(h.db, { month, actorUserId: null }, { clock: h.clock });
              const [run] = await h.db.select().from(distributionRuns).where(eq(distributionRuns.id, runId));
              const allocations = await h.db.select().from(distributionAllocations).where(eq(distributionAllocations.runId, runId));
              expect(run!.poolMinor).toBe(paid.get(month) ?? 0);
              for (const a of allocations) expect(a.amountMinor).toBeGreaterThan(0);
              const allocated = allocations.reduce((t, a) => t + a.amountMinor, 0);
              expect(allocated + run!.dividendCarriedMinor - run!.dividendCarryInMinor).toBe(run!.poolMinor);
              if (s.approve[i]) await approveDistributionRun(h.db, actor, runId, { clock: h.clock });
              expect(await checkLedger(h.db)).toEqual([]);
            }

            let batchId: number | undefined;
            try {
              batchId = await createPayoutBatch(h.db, actor, { executionDate: "2026-07-03" }, { clock: h.clock });
            } catch (error) {
              if (!(error instanceof AppError && error.code === "invalid_state")) throw error;
            }
            if (batchId !== undefined) {
              const { payouts } = await getBatch(h.db, batchId);
              if (s.returnFirst) await returnPayout(h.db, actor, payouts[0]!.id, { reason: "before" }, { clock: h.clock });
              await confirmPayoutBatch(h.db, actor, batchId, { clock: h.clock });
              if (!s.returnFirst) await returnPayout(h.db, actor, payouts[0]!.id, { reason: "after" }, { clock: h.clock });
            }
            expect(await checkLedger(h.db)).toEqual([]);
            const [negative] = await queryRows<{ n: unknown }>(
              h.db,
              sql`select count(*) as n from payment_attributions where kind = 'payment' and amount_minor <= 0`,
            );
            expect(toInt(negative!.n)).toBe(0);
          }),
        ),
        { numRuns: 12 },
      );
    } finally {
      await base.close();
    }
  }, 240_000);
});
