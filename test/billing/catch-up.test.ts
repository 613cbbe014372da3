// No usage escapes billing (PRODUCT.md §13): a usage declared or back-dated for months already billed is
// caught up on the next run, one line per work and month, priced as that month was, and never twice.
import { afterEach, describe, expect, it } from "vitest";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import type { Config } from "../../src/config.js";
import { api, makeHarness, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";

let h: Harness;
let c: Commune;
async function setUp(overrides: Partial<Config> = {}) {
  h = await makeHarness(overrides);
  c = await Commune.create(h);
}
afterEach(async () => {
  await h.close();
});

/** Runs billing for `month` on the 2nd of the month after. */
async function bill(month: string) {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const next = new Date(Date.UTC(y, m, 2, 9)).toISOString();
  h.clock.set(next);
  const res = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as {
    invoicesCreated: number;
    invoices: { number: string | null; organizationId: number; total: { amountMinor: number } }[];
  };
}

type Line = { workSlug: string | null; month: string; kind: string; amount: { amountMinor: number }; days: number | null };
const linesOf = async (number: string) =>
  ((await api(h).get(`/api/v1/invoices/${number}`).set(c.treasurer.auth).expect(200)).body.lines as Line[]).map((l) => [
    l.month,
    l.workSlug,
    l.days,
    l.amount.amountMinor,
  ]);

describe("catch-up", () => {
  it("bills a back-dated usage on the next run, per work and past month, with each month's schedule and band, once", async () => {
    await setUp();
    const licensor = await c.org("Commons", "nonprofit");
    await c.work("tool", licensor.id);
    await c.work("lib", licensor.id);
    const acme = await c.org("Acme", "commercial", { headcount: 5 });
    await c.use(acme, { workSlug: "tool", purpose: "commercial", startedOn: "2026-01-01" });
    // Acme grows into the 50–249 band (2,400.00 a year) from March.
    await api(h)
      .post(`/api/v1/organizations/${acme.id}/facts`)
      .set(c.owner.auth)
      .send({ effectiveOn: "2026-03-01", headcount: 60 })
      .expect(201);
    await bill("2026-01");
    await bill("2026-02");
    await bill("2026-03");

    // Declared in April, used since 16 January; a new schedule takes effect in April.
    await c.use(acme, { workSlug: "lib", purpose: "commercial", startedOn: "2026-01-16" });
    await api(h)
      .post("/api/v1/fee-schedules")
      .set(c.treasurer.auth)
      .send({
        effectiveOn: "2026-04-01",
        currency: "EUR",
        revenueCapBps: null,
        bands: [{ minHeadcount: 1, maxHeadcount: null, annualFee: { amount: "1200.00", currency: "EUR" } }],
      })
      .expect(201);
    const april = await bill("2026-04");
    const number = april.invoices[0]!.number!;
    expect(await linesOf(number)).toEqual([
      ["2026-04", "lib", 30, 10_000],
      ["2026-04", "tool", 30, 10_000],
      // January at 120.00 a year (band 1–9): 12000 × 16 / 372 = 516.1 → 516; February 28/28 → 1000;
      // March at the 50–249 band: 240000 / 12 = 20000.
      ["2026-01", "lib", 16, 516],
      ["2026-02", "lib", 28, 1_000],
      ["2026-03", "lib", 31, 20_000],
    ]);
    expect(april.invoices[0]!.total.amountMinor).toBe(41_516);

    // Repeated, the run bills nothing more; neither does the next month's, nor its preview.
    expect((await bill("2026-04")).invoicesCreated).toBe(0);
    h.clock.set("2026-06-02T09:00:00Z");
    expect((await api(h).get("/api/v1/billing-runs/preview?month=2026-05").set(c.treasurer.auth).expect(200)).body.invoices).toEqual([
      expect.objectContaining({ lines: [expect.objectContaining({ month: "2026-05" }), expect.objectContaining({ month: "2026-05" })] }),
    ]);
    const may = await bill("2026-05");
    expect((await linesOf(may.invoices[0]!.number!)).map((l) => l[0])).toEqual(["2026-05", "2026-05"]);

    // The renditions name each line's month; paid, the invoice grants each work for each month it bills.
    const html = await api(h).get(`/api/v1/invoices/${number}`).set(c.treasurer.auth).set("Accept", "text/html").expect(200);
    expect(html.text).toContain("<td>2026-01</td>");
    const ubl = await api(h)
      .get(`/api/v1/invoices/${number}`)
      .set(c.treasurer.auth)
      .set("Accept", "application/xml")
      .buffer(true)
      .parse((res, cb) => {
        let d = "";
        res.on("data", (x: Buffer) => (d += x.toString()));
        res.on("end", () => cb(null, d));
      })
      .expect(200);
    expect(ubl.body).toMatch(/<cac:InvoicePeriod>\s*<cbc:StartDate>2026-01-01<\/cbc:StartDate>\s*<cbc:EndDate>2026-01-31<\/cbc:EndDate>/);
    await api(h)
      .post(`/api/v1/invoices/${number}/payments`)
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "april")
      .send({ amount: { amountMinor: 41_516, currency: "EUR" }, paidOn: "2026-05-10", reference: "x" })
      .expect(201);
    const grants = (await api(h).get(`/api/v1/organizations/${acme.id}/grants`).set(c.owner.auth).expect(200)).body.grants as {
      id: string;
      workSlug: string;
      month: string;
      invoiceNumber?: string;
    }[];
    const fromApril = grants.filter((g) => g.month !== "2026-05").map((g) => `${g.workSlug} ${g.month}`);
    expect(fromApril.sort()).toEqual(["lib 2026-01", "lib 2026-02", "lib 2026-03", "lib 2026-04", "tool 2026-04"]);
    const january = grants.find((g) => g.workSlug === "lib" && g.month === "2026-01")!;
    expect((await api(h).get(`/api/v1/grants/${january.id}`).expect(200)).body.document).toContain(
      "Period:       2026-01-01 to 2026-01-31",
    );
    expect(await checkLedger(h.db)).toEqual([]);
  });

  it("goes back CATCH_UP_MONTHS months at most", async () => {
    await setUp({ CATCH_UP_MONTHS: 2 });
    const licensor = await c.org("Commons", "nonprofit");
    await c.work("tool", licensor.id);
    const firm = await c.org("Firm", "commercial", { headcount: 5 });
    const other = await c.org("Other", "commercial", { headcount: 5 });
    await c.use(other, { workSlug: "tool", purpose: "commercial", startedOn: "2025-12-01" });
    for (const m of ["2026-01", "2026-02", "2026-03"]) await bill(m);
    await c.use(firm, { workSlug: "tool", purpose: "commercial", startedOn: "2025-12-01" });
    const april = await bill("2026-04");
    const invoice = april.invoices.find((i) => i.organizationId === firm.id)!;
    expect((await linesOf(invoice.number!)).map((l) => l[0])).toEqual(["2026-04", "2026-02", "2026-03"]);
  });

  it("a usage edited or declared twice bills no day twice, and a month's cap holds across its invoices", async () => {
    await setUp();
    const licensor = await c.org("Commons", "nonprofit");
    await c.work("tool", licensor.id);
    await c.work("lib", licensor.id);
    // 250–999 band: 9,600.00 a year = 800.00 a month; revenue 50,000.00 caps a month at 41.66.
    const capped = await c.org("Capped", "commercial", { headcount: 300, revenue: { amountMinor: 5_000_000, currency: "EUR" } });
    const plain = await c.org("Plain", "commercial", { headcount: 5 });
    await c.use(capped, { workSlug: "tool", purpose: "commercial", startedOn: "2026-01-01" });
    const [usage] = await c.use(plain, { workSlug: "tool", purpose: "commercial", startedOn: "2026-03-01" });
    await bill("2026-03");

    // Plain declares the same work again, overlapping what was billed, and ends the first usage; Capped
    // declares a second work for March.
    await c.use(plain, { workSlug: "tool", purpose: "commercial", startedOn: "2026-03-10", endedOn: "2026-03-31" });
    await api(h)
      .post(`/api/v1/organizations/${plain.id}/usages/${usage!.id}/end`)
      .set(c.owner.auth)
      .send({ endedOn: "2026-03-20" })
      .expect(200);
    await c.use(capped, { workSlug: "lib", purpose: "commercial", startedOn: "2026-03-01" });
    const april = await bill("2026-04");
    const plainApril = april.invoices.find((i) => i.organizationId === plain.id);
    expect(plainApril).toBeUndefined();
    const cappedApril = april.invoices.find((i) => i.organizationId === capped.id)!;
    // March was billed up to its cap already: lib's March days are billed, and the cap takes them back to 0.
    expect(await linesOf(cappedApril.number!)).toEqual([
      ["2026-04", "lib", 30, 80_000],
      ["2026-04", "tool", 30, 80_000],
      ["2026-04", null, null, 4_166 - 160_000],
      ["2026-03", "lib", 31, 80_000],
      ["2026-03", null, null, -80_000],
    ]);
    expect(cappedApril.total.amountMinor).toBe(4_166);
    expect(await checkLedger(h.db)).toEqual([]);
  });

  it("days of a voided invoice are billed again by the next run", async () => {
    await setUp();
    const licensor = await c.org("Commons", "nonprofit");
    await c.work("tool", licensor.id);
    const firm = await c.org("Firm", "commercial", { headcount: 5 });
    await c.use(firm, { workSlug: "tool", purpose: "commercial", startedOn: "2026-02-15" });
    const feb = await bill("2026-02");
    await api(h)
      .post(`/api/v1/invoices/${feb.invoices[0]!.number}/void`)
      .set(c.treasurer.auth)
      .send({ reason: "wrong buyer details" })
      .expect(200);
    const march = await bill("2026-03");
    expect(await linesOf(march.invoices[0]!.number!)).toEqual([
      ["2026-03", "tool", 31, 1_000],
      ["2026-02", "tool", 14, 500],
    ]);
    expect(await checkLedger(h.db)).toEqual([]);
  });
});
