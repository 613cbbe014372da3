// Currencies (PRODUCT.md §4, §13): three-decimal invoices render as UBL, fund codes are no invoice
// currency, and a revenue in another currency than the schedule's is refused or converted, never ignored.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { api, makeHarness, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";

let h: Harness;
let c: Commune;
beforeEach(async () => {
  h = await makeHarness();
  c = await Commune.create(h);
  h.clock.set("2026-04-02T09:00:00Z");
});
afterEach(async () => {
  await h.close();
});

const schedule = (currency: string, annualFee: string, effectiveOn = "2026-01-01", revenueCapBps: number | null = null) =>
  api(h)
    .post("/api/v1/fee-schedules")
    .set(c.treasurer.auth)
    .send({
      effectiveOn,
      currency,
      revenueCapBps,
      bands: [{ minHeadcount: 1, maxHeadcount: null, annualFee: { amount: annualFee, currency } }],
    });

const xml = (ref: string) =>
  api(h)
    .get(`/api/v1/invoices/${ref}`)
    .set(c.treasurer.auth)
    .set("Accept", "application/xml")
    .buffer(true)
    .parse((res, cb) => {
      let d = "";
      res.on("data", (x: Buffer) => (d += x.toString()));
      res.on("end", () => cb(null, d));
    });

describe("invoice currencies", () => {
  it("a three-decimal currency (KWD) bills in fils and renders as UBL", async () => {
    await schedule("KWD", "100.000").expect(201);
    const licensor = await c.org("Commons", "nonprofit");
    const w = await c.work("tool", licensor.id);
    const firm = await c.org("Kuwait Co", "commercial", { headcount: 3 });
    await c.use(firm, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-03-22" });
    const run = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
    // EN 16931 amounts have two decimals: KWD invoices count in hundredths (10 fils).
    // 100000 fils × 10 / (12 × 31) = 2688.17 fils → 268.817 tens, half-up → 269 tens = 2690 fils
    expect(run.body.invoices[0].total).toEqual({ amountMinor: 2690, currency: "KWD", formatted: "KWD 2.690" });
    const ubl = await xml("RCP-2026-000001");
    expect(ubl.status, String(ubl.body)).toBe(200);
    expect(ubl.body).toContain('<cbc:PayableAmount currencyID="KWD">2.69</cbc:PayableAmount>');
    expect(ubl.body).toContain("<cbc:DocumentCurrencyCode>KWD</cbc:DocumentCurrencyCode>");
    const pay = (amount: string, key: string) =>
      api(h)
        .post("/api/v1/invoices/RCP-2026-000001/payments")
        .set(c.treasurer.auth)
        .set("Idempotency-Key", key)
        .send({ amount: { amount, currency: "KWD" }, paidOn: "2026-04-03", reference: "x" });
    expect((await pay("1.005", "fils")).status).toBe(422);
    await pay("1.000", "part").expect(201);
    const partly = await xml("RCP-2026-000001");
    expect(partly.body).toContain('<cbc:PrepaidAmount currencyID="KWD">1.00</cbc:PrepaidAmount>');
    expect(partly.body).toContain('<cbc:PayableAmount currencyID="KWD">1.69</cbc:PayableAmount>');
    expect(await checkLedger(h.db)).toEqual([]);
  });

  it("fund codes and units of account are refused as fee-schedule currencies", async () => {
    for (const code of ["BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW", "XBA", "XDR", "XAU"]) {
      const res = await schedule(code, "100");
      expect(res.status, code).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain("/currency");
    }
    await schedule("CHF", "100.00").expect(201);
  });
});

describe("a revenue declared in another currency than the schedule's", () => {
  async function firm() {
    const licensor = await c.org("Commons", "nonprofit");
    const w = await c.work("tool", licensor.id);
    const org = await c.org("Yankee Inc", "commercial");
    await c.use(org, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-01-01" });
    return org;
  }
  const declare = (orgId: number, currency: string, amount: string) =>
    api(h)
      .post(`/api/v1/organizations/${orgId}/facts`)
      .set(c.owner.auth)
      .send({ effectiveOn: "2026-01-01", headcount: 300, annualRevenue: { amount, currency } });

  it("is refused until a treasurer records a rate; then the cap applies, converted, and the invoice says how", async () => {
    const org = await firm();
    const refused = await declare(org.id, "USD", "100000.00");
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe("revenue_currency_mismatch");
    expect(refused.body.errors).toEqual([{ path: "/annualRevenue/currency", message: expect.stringContaining("EUR") }]);

    await api(h)
      .post("/api/v1/exchange-rates")
      .set(c.owner.auth)
      .send({ fromCurrency: "USD", toCurrency: "EUR", effectiveOn: "2025-12-01", rate: "0.9" })
      .expect(403);
    const rate = await api(h)
      .post("/api/v1/exchange-rates")
      .set(c.treasurer.auth)
      .send({ fromCurrency: "USD", toCurrency: "EUR", effectiveOn: "2025-12-01", rate: "0.9" });
    expect(rate.status).toBe(201);
    expect((await api(h).get("/api/v1/exchange-rates").set(c.treasurer.auth).expect(200)).body.exchangeRates).toHaveLength(1);
    await declare(org.id, "USD", "100000.00").expect(201);

    const run = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
    // USD 100,000.00 at 0.9 = EUR 90,000.00; cap 100 bps a year: 9000000 × 100 / 120000 = 7500 (EUR 75.00) a month,
    // below the 250–999 band's 9600.00 / 12 = 800.00.
    expect(run.body.invoices[0].total.amountMinor).toBe(7_500);
    const invoice = (await api(h).get(`/api/v1/invoices/${run.body.invoices[0].number}`).set(c.treasurer.auth).expect(200)).body;
    expect(invoice.note).toContain("converted at 0.9 EUR per USD");
    expect(invoice.lines.map((l: { kind: string }) => l.kind)).toEqual(["fee", "revenue_cap"]);
    expect(await checkLedger(h.db)).toEqual([]);
  });

  it("a schedule that changes currency later stops the run until a rate is recorded", async () => {
    const org = await firm();
    await declare(org.id, "EUR", "50000.00").expect(201);
    await schedule("USD", "1000.00", "2026-03-01", 100).expect(201);
    const stopped = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" });
    expect(stopped.status).toBe(422);
    expect(stopped.body.code).toBe("exchange_rate_missing");
    expect(stopped.body.detail).toContain("EUR→USD");
    const preview = await api(h).get("/api/v1/billing-runs/preview?month=2026-03").set(c.treasurer.auth);
    expect(preview.body.code).toBe("exchange_rate_missing");
    await api(h)
      .post("/api/v1/exchange-rates")
      .set(c.treasurer.auth)
      .send({ fromCurrency: "EUR", toCurrency: "USD", effectiveOn: "2026-02-15", rate: "1.1" })
      .expect(201);
    const run = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
    // EUR 50,000.00 at 1.1 = USD 55,000.00: cap 5500000 × 100 / 120000 = 4583.3 → 4583, below 1000.00 / 12 = 833.33.
    expect(run.body.invoices[0].total).toMatchObject({ amountMinor: 4_583, currency: "USD" });
  });
});
