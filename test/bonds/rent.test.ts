// The rent run at its edges: who may run it and when, one run at a time, a rent invoice's UBL, no void of a
// rent invoice, a zero surplus deferring everything (no invoice) until twelve months in a row put the asset on
// the review list, and the venture commune's tables are append-only.
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { execute } from "../../src/db/sql.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { addMonths } from "../../src/fees/compute-fees.js";
import { api, makeHarness, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { bondHolder, financedAsset, ventureCommune } from "../support/ventures.js";

let h: Harness;
let c: Commune;
let assetId: number;
beforeEach(async () => {
  h = await makeHarness();
  ({ c } = await ventureCommune(h));
  const holder = await bondHolder(h, c, "Credit Union");
  ({ assetId } = await financedAsset(h, c, {
    title: "Oven",
    cost: "2400.00",
    monthlyRent: "150.00",
    subscriptions: [{ ...holder, amount: "2400.00" }],
  }));
});
afterEach(async () => {
  await h.close();
});

describe("the rent run", () => {
  it("is the treasurer's, for ended months, and runs once per month even when asked twice at once", async () => {
    await api(h).post("/api/v1/rent-runs").set(c.owner.auth).send({ month: "2026-04" }).expect(403);
    const early = await api(h).post("/api/v1/rent-runs").set(c.treasurer.auth).send({ month: "2026-04" }).expect(422);
    expect(early.body.code).toBe("month_not_over");
    const bad = await api(h).post("/api/v1/rent-runs").set(c.treasurer.auth).send({ month: "2026-4" }).expect(422);
    expect(bad.body.code).toBe("validation_failed");
    h.clock.set("2026-05-01T09:00:00Z");
    const runs = await Promise.all([0, 1].map(() => api(h).post("/api/v1/rent-runs").set(c.treasurer.auth).send({ month: "2026-04" })));
    expect(runs.map((r) => r.status)).toEqual([200, 200]);
    expect(runs.flatMap((r) => r.body.invoices.map((i: { number: string }) => i.number))).toEqual(["RCP-2026-000001"]);
    // Straight line: 100.00 principal and 8.00 interest (4 % of 2,400.00 a month); the offered rent is more.
    expect(runs.find((r) => r.body.invoices.length === 1)!.body.months[0]).toMatchObject({
      due: { arrears: { amountMinor: 0 }, interest: { amountMinor: 800 }, principal: { amountMinor: 10_000 } },
      rent: { amountMinor: 15_000 },
      cap: null,
    });
    const ubl = await api(h).get("/api/v1/invoices/RCP-2026-000001").set(c.treasurer.auth).set("Accept", "application/xml").expect(200);
    expect(ubl.text).toContain("Rent of a productive asset");
    expect(ubl.text).toContain('<cbc:LineExtensionAmount currencyID="EUR">150.00</cbc:LineExtensionAmount>');
    await api(h).post("/api/v1/invoices/RCP-2026-000001/void").set(c.treasurer.auth).send({ reason: "mistake" }).expect(409);
    expect(await checkLedger(h.db)).toEqual([]);
  });

  it("defers every month of a zero surplus without an invoice, and puts the twelfth in a row on the review list", async () => {
    let month = "2026-04";
    for (let i = 1; i <= 12; i++) {
      h.clock.set(`${month}-15T09:00:00Z`);
      await api(h)
        .post(`/api/v1/assets/${assetId}/surplus`)
        .set(c.owner.auth)
        .send({ month, surplus: { amountMinor: 0, currency: "EUR" } })
        .expect(201);
      h.clock.set(`${addMonths(month, 1)}-01T09:00:00Z`);
      const run = await api(h).post("/api/v1/rent-runs").set(c.treasurer.auth).send({ month }).expect(200);
      expect(run.body.invoices).toEqual([]);
      expect(run.body.months[0]).toMatchObject({ rent: { amountMinor: 0 }, deferredMonthsInRow: i, review: i >= 12 });
      month = addMonths(month, 1);
    }
    const months = await api(h).get("/api/v1/rent-months").set(c.treasurer.auth).expect(200);
    expect(months.body.months.filter((m: { review: boolean }) => m.review).map((m: { month: string }) => m.month)).toEqual(["2027-03"]);
    expect(await checkLedger(h.db)).toEqual([]);
  });

  it("keeps the venture commune's history append-only", async () => {
    h.clock.set("2026-05-01T09:00:00Z");
    await api(h).post("/api/v1/rent-runs").set(c.treasurer.auth).send({ month: "2026-04" }).expect(200);
    await api(h)
      .post("/api/v1/invoices/RCP-2026-000001/payments")
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "p1")
      .send({ amount: { amountMinor: 15_000, currency: "EUR" }, paidOn: "2026-05-02", reference: "rent" })
      .expect(201);
    expect(await checkLedger(h.db)).toEqual([]);
    const refusal = async (statement: string) => {
      const error: unknown = await h.db
        .transaction(async (tx) => execute(tx, sql.raw(statement)))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      return error instanceof Error ? `${error.message} ${String((error.cause as Error | undefined)?.message)}` : "accepted";
    };
    for (const table of ["asset_events", "rent_months", "bond_receipts", "rent_income"]) {
      expect(await refusal(`delete from ${table}`)).toMatch(/append-only/);
      expect(await refusal(`update ${table} set created_at = 'x'`)).toMatch(/append-only/);
    }
  });
});
