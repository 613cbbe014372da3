import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { invoices } from "../../src/db/schema.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { verifySignature } from "../../src/grants/signing-key.js";
import { getOrganizationRow } from "../../src/organizations/organizations.queries.js";
import { api, makeUser, makeHarness, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";

let h: Harness;
let c: Commune;
beforeEach(async () => {
  h = await makeHarness({ INVOICE_PREFIX: "RCP", PAYMENT_TERMS_DAYS: 30, SELLER_IBAN: "DE89 3704 0044 0532 0130 00" });
  c = await Commune.create(h);
  h.clock.set("2026-04-02T09:00:00Z");
});
afterEach(async () => {
  await h.close();
});

/** The ledger as a readable markdown table: account, debits, credits, balance. */
async function ledgerTable(): Promise<string> {
  const res = await api(h).get("/api/v1/ledger/balances").set(c.treasurer.auth).expect(200);
  const rows = res.body.accounts.map(
    (a: { account: string; type: string; debits: { formatted: string }; credits: { formatted: string }; balance: { formatted: string } }) =>
      `| ${a.account} | ${a.type} | ${a.debits.formatted} | ${a.credits.formatted} | ${a.balance.formatted} |`,
  );
  return ["| account | type | debits | credits | balance |", "| --- | --- | --- | --- | --- |", ...rows].join("\n") + "\n";
}

async function setUpStory() {
  const licensor = await c.org("Commons Coop", "worker_cooperative");
  await c.verify(licensor.id, "verified");
  const w1 = await c.work("ledger-tool", licensor.id);
  const w2 = await c.work("left-pad", licensor.id);
  const acme = await c.org("Acme GmbH", "commercial", { headcount: 20 });
  const bigco = await c.org("BigCo", "commercial");
  const pending = await c.org("Pending Coop", "worker_cooperative", { headcount: 5 });
  const verified = await c.org("Verified Coop", "worker_cooperative", { headcount: 5 });
  await c.verify(verified.id, "verified");
  const ngo = await c.org("NGO", "nonprofit", { headcount: 3 });
  await c.use(acme, [
    { workSlug: w1.slug, purpose: "commercial", startedOn: "2026-03-16" },
    { workSlug: w2.slug, purpose: "commercial", startedOn: "2025-06-01", endedOn: "2026-03-10" },
  ]);
  await c.use(bigco, { workSlug: w1.slug, purpose: "commercial", startedOn: "2026-01-01" });
  await c.use((await getOrganizationRow(h.db, pending.id))!, { workSlug: w1.slug, purpose: "commercial", startedOn: "2026-03-01" });
  await c.use((await getOrganizationRow(h.db, verified.id))!, { workSlug: w1.slug, purpose: "commercial", startedOn: "2026-03-01" });
  await c.use(ngo, { workSlug: w2.slug, purpose: "noncommercial", startedOn: "2026-03-01" });
  return { acme, bigco, pending, verified, ngo };
}

describe("a billing story", () => {
  it("bills March, takes payments, issues grants, settles a held invoice and voids one — and the books reconcile", async () => {
    const { acme, bigco, pending } = await setUpStory();
    const run = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" });
    expect(run.status).toBe(201);
    expect(run.body.invoices).toEqual([
      {
        id: expect.any(Number),
        number: "RCP-2026-000001",
        organizationId: acme.id,
        status: "issued",
        total: { amountMinor: 4_194, currency: "EUR", formatted: "EUR 41.94" },
      },
      {
        id: expect.any(Number),
        number: "RCP-2026-000002",
        organizationId: bigco.id,
        status: "issued",
        total: { amountMinor: 200_000, currency: "EUR", formatted: "EUR 2,000.00" },
      },
      {
        id: expect.any(Number),
        number: null,
        organizationId: pending.id,
        status: "held",
        total: { amountMinor: 1_000, currency: "EUR", formatted: "EUR 10.00" },
      },
    ]);

    // Acme: band 10–49, 600.00 a year per work. ledger-tool 16/31 days: 60000×16/372 = 2580.6 → 2581;
    // left-pad 10/31 days: 60000×10/372 = 1612.9 → 1613. BigCo has no size facts: top band, 24000.00/12.
    const acmeInvoice = await api(h).get("/api/v1/invoices/RCP-2026-000001").set(c.owner.auth).expect(200);
    expect(
      acmeInvoice.body.lines.map((l: { workSlug: string; amount: { amountMinor: number } }) => [l.workSlug, l.amount.amountMinor]),
    ).toEqual([
      ["ledger-tool", 2_581],
      ["left-pad", 1_613],
    ]);
    expect(acmeInvoice.body).toMatchObject({ issuedOn: "2026-04-02", dueOn: "2026-05-02", month: "2026-03", currency: "EUR" });
    const bigcoInvoice = await api(h).get("/api/v1/invoices/RCP-2026-000002").set(c.owner.auth).expect(200);
    expect(bigcoInvoice.body.note).toContain("top headcount band");

    // A rerun changes nothing and returns the same invoices.
    const rerun = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" });
    expect(rerun.body.invoicesCreated).toBe(0);
    expect(rerun.body.invoices).toEqual(run.body.invoices.map((i: object) => expect.objectContaining(i)));

    await expect(ledgerTable()).resolves.toMatchFileSnapshot("__snapshots__/story-1-billed.md");

    // Acme pays in two parts; full payment brings grants, signed and verifiable.
    const pay = (amount: string, key: string) =>
      api(h)
        .post("/api/v1/invoices/RCP-2026-000001/payments")
        .set(c.treasurer.auth)
        .set("Idempotency-Key", key)
        .send({ amount: { amount, currency: "EUR" }, paidOn: "2026-04-10", reference: `bank ${key}` });
    const first = await pay("20.00", "k1");
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(Number),
      invoiceNumber: "RCP-2026-000001",
      amount: { amountMinor: 2000, currency: "EUR", formatted: "EUR 20.00" },
      paidOn: "2026-04-10",
      reference: "bank k1",
    });
    expect((await api(h).get("/api/v1/invoices/RCP-2026-000001").set(c.owner.auth)).body).toMatchObject({
      status: "partially_paid",
      outstanding: { amountMinor: 2_194 },
      paymentInstructions: {
        text: "Pay EUR 21.94 to Commune Fund, IBAN DE89 3704 0044 0532 0130 00, quoting RCP-2026-000001, by 2026-05-02.",
      },
    });
    expect((await api(h).get(`/api/v1/organizations/${acme.id}/grants`).set(c.owner.auth)).body.grants).toEqual([]);
    const over = await pay("21.95", "k2");
    expect(over.status).toBe(422);
    expect(over.body.code).toBe("overpayment");
    await pay("21.94", "k3").expect(201);
    const paid = (await api(h).get("/api/v1/invoices/RCP-2026-000001").set(c.owner.auth)).body;
    expect(paid).toMatchObject({
      status: "paid",
      paid: { amountMinor: 4_194 },
      outstanding: { amountMinor: 0 },
      paymentInstructions: { text: "Paid in full. Thank you." },
    });

    const grants = (await api(h).get(`/api/v1/organizations/${acme.id}/grants`).set(c.owner.auth).expect(200)).body.grants;
    expect(grants.map((g: { workSlug: string; month: string }) => [g.workSlug, g.month])).toEqual([
      ["ledger-tool", "2026-03"],
      ["left-pad", "2026-03"],
    ]);
    const grant = (await api(h).get(`/api/v1/grants/${grants[0].id}`).expect(200)).body;
    expect(grant.document).toContain("Licensee:     Acme GmbH");
    expect(grant.document).toContain("Period:       2026-03-01 to 2026-03-31");
    expect(grant.document).toContain("Invoice:      RCP-2026-000001");
    const publicKey = (await api(h).get("/.well-known/reciprocity-signing-key").expect(200)).text;
    expect(publicKey).toContain("BEGIN PUBLIC KEY");
    expect(verifySignature(publicKey, grant.document, grant.signature)).toBe(true);
    expect(verifySignature(publicKey, grant.document.replace("Acme GmbH", "Evil Corp"), grant.signature)).toBe(false);

    // The pending cooperative is rejected: its held invoice is issued with the next number.
    await api(h)
      .post(`/api/v1/organizations/${pending.id}/verification`)
      .set(c.treasurer.auth)
      .send({ decision: "rejected", reason: "Outside shareholders" })
      .expect(201);
    const [held] = await h.db.select().from(invoices).where(eq(invoices.organizationId, pending.id));
    expect(held).toMatchObject({ status: "issued", number: "RCP-2026-000003" });

    // BigCo's invoice is voided: a credit note reverses it.
    const voided = await api(h)
      .post("/api/v1/invoices/RCP-2026-000002/void")
      .set(c.treasurer.auth)
      .send({ reason: "Billed at the top band by mistake" });
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({
      status: "void",
      outstanding: { amountMinor: 0 },
      creditNote: { reason: "Billed at the top band by mistake", amount: { amountMinor: 200_000 } },
    });
    await api(h).post("/api/v1/invoices/RCP-2026-000002/void").set(c.treasurer.auth).send({ reason: "again" }).expect(409);

    await expect(ledgerTable()).resolves.toMatchFileSnapshot("__snapshots__/story-2-settled.md");
    const balances = (await api(h).get("/api/v1/ledger/balances").set(c.treasurer.auth)).body;
    expect(balances.totals).toEqual([
      {
        debits: expect.objectContaining({ amountMinor: expect.any(Number) }),
        credits: expect.objectContaining({ amountMinor: balances.totals[0].debits.amountMinor }),
      },
    ]);
    expect(balances.accounts.find((a: { account: string }) => a.account === `receivable:${acme.id}`).balance.amountMinor).toBe(0);
    expect(await checkLedger(h.db)).toEqual([]);

    const txs = (await api(h).get("/api/v1/ledger/transactions?limit=2").set(c.treasurer.auth).expect(200)).body.transactions;
    expect(txs[0]).toMatchObject({
      code: "invoice_voided",
      transfers: [expect.objectContaining({ debitAccount: "income:fees", creditAccount: `receivable:${bigco.id}` })],
    });
  });

  it("a verified decision drops the held invoice", async () => {
    const { pending } = await setUpStory();
    await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
    await api(h)
      .post(`/api/v1/organizations/${pending.id}/verification`)
      .set(c.treasurer.auth)
      .send({ decision: "verified", reason: "Registry checked" })
      .expect(201);
    const [dropped] = await h.db.select().from(invoices).where(eq(invoices.organizationId, pending.id));
    expect(dropped).toMatchObject({
      status: "void",
      number: null,
    });
    expect(await checkLedger(h.db)).toEqual([]);
  });
});

describe("payments", () => {
  async function issued() {
    const licensor = await c.org("Commons", "nonprofit");
    const w = await c.work("tool", licensor.id);
    const firm = await c.org("Firm", "commercial", { headcount: 5 });
    await c.use(firm, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-01-01" });
    await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
    return firm;
  }
  const body = { amount: { amount: "4.00", currency: "EUR" }, paidOn: "2026-04-05", reference: "transfer 1" };

  it("replay the first result for the same key and body; refuse the same key with another body", async () => {
    await issued();
    const first = await api(h)
      .post("/api/v1/invoices/RCP-2026-000001/payments")
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "abc")
      .send(body);
    expect(first.status).toBe(201);
    const replay = await api(h)
      .post("/api/v1/invoices/RCP-2026-000001/payments")
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "abc")
      .send(body);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    const other = await api(h)
      .post("/api/v1/invoices/RCP-2026-000001/payments")
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "abc")
      .send({ ...body, reference: "transfer 2" });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe("idempotency_conflict");
    const missing = await api(h).post("/api/v1/invoices/RCP-2026-000001/payments").set(c.treasurer.auth).send(body);
    expect(missing.status).toBe(400);
    const invoice = (await api(h).get("/api/v1/invoices/RCP-2026-000001").set(c.treasurer.auth)).body;
    expect(invoice.payments).toHaveLength(1);
  });

  it("concurrent duplicates post once", async () => {
    await issued();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        api(h).post("/api/v1/invoices/RCP-2026-000001/payments").set(c.treasurer.auth).set("Idempotency-Key", "same").send(body),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await api(h).get("/api/v1/invoices/RCP-2026-000001").set(c.treasurer.auth)).body.paid.amountMinor).toBe(400);
    expect(await checkLedger(h.db)).toEqual([]);
  });

  it("only treasurers record payments; amounts must be exact decimal strings", async () => {
    await issued();
    await api(h).post("/api/v1/invoices/RCP-2026-000001/payments").set(c.owner.auth).set("Idempotency-Key", "x").send(body).expect(403);
    const float = await api(h)
      .post("/api/v1/invoices/RCP-2026-000001/payments")
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "y")
      .send({ ...body, amount: { amount: 4.5, currency: "EUR" } });
    expect(float.status).toBe(422);
    const wrongCurrency = await api(h)
      .post("/api/v1/invoices/RCP-2026-000001/payments")
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "z")
      .send({ ...body, amount: { amount: "4.00", currency: "USD" } });
    expect(wrongCurrency.status).toBe(422);
    expect((await api(h).get("/api/v1/invoices/RCP-2026-000001").set(c.treasurer.auth)).body.payments).toEqual([]);
  });
});

describe("invoices", () => {
  it("are visible to the buyer's members and treasurers only, as JSON, HTML and UBL", async () => {
    const licensor = await c.org("Commons", "nonprofit");
    const w = await c.work("tool", licensor.id);
    const buyerOwner = await makeUser(h);
    const firm = await c.org("Firm", "commercial", { headcount: 5, owner: buyerOwner });
    await c.use(firm, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-01-01" });
    const other = await makeUser(h);
    await c.org("Other", "commercial", { owner: other });
    await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);

    await api(h).get("/api/v1/invoices/RCP-2026-000001").set(other.auth).expect(404);
    await api(h).get("/api/v1/invoices/RCP-2026-999999").set(other.auth).expect(404);
    expect((await api(h).get("/api/v1/invoices").set(other.auth)).body.total).toBe(0);
    expect((await api(h).get("/api/v1/invoices").set(buyerOwner.auth)).body.total).toBe(1);
    expect((await api(h).get("/api/v1/invoices?status=issued&month=2026-03").set(c.treasurer.auth)).body.total).toBe(1);

    const html = await api(h).get("/api/v1/invoices/RCP-2026-000001").set(buyerOwner.auth).set("Accept", "text/html").expect(200);
    expect(html.headers["content-type"]).toMatch(/^text\/html/);
    expect(html.text).toContain("Invoice RCP-2026-000001");
    expect(html.text).toContain("EUR 10.00");
    expect(html.text).toContain("DE89 3704 0044 0532 0130 00");

    const xml = await api(h)
      .get("/api/v1/invoices/RCP-2026-000001")
      .set(buyerOwner.auth)
      .set("Accept", "application/xml")
      .buffer(true)
      .parse((res, cb) => {
        let d = "";
        res.on("data", (x: Buffer) => (d += x.toString()));
        res.on("end", () => cb(null, d));
      });
    expect(xml.status).toBe(200);
    const ubl = xml.body as string;
    expect(ubl).toContain(
      "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>",
    );
    expect(ubl).toContain("<cbc:ID>RCP-2026-000001</cbc:ID>");
    expect(ubl).toContain('<cbc:PayableAmount currencyID="EUR">10.00</cbc:PayableAmount>');
    expect(ubl).toContain("<cbc:RegistrationName>Firm</cbc:RegistrationName>");
    expect(ubl).toContain(`<cbc:EndpointID schemeID="EM">${buyerOwner.email}</cbc:EndpointID>`);
  });
});

describe("fee schedules", () => {
  const bands = [
    { minHeadcount: 1, maxHeadcount: 49, annualFee: { amount: "100.00", currency: "EUR" } },
    { minHeadcount: 50, maxHeadcount: null, annualFee: { amount: "1000.00", currency: "EUR" } },
  ];

  it("start with the default; a version a billing run used cannot be changed", async () => {
    const list = await api(h).get("/api/v1/fee-schedules").set(c.treasurer.auth).expect(200);
    expect(list.body.feeSchedules).toHaveLength(1);
    expect(list.body.feeSchedules[0]).toMatchObject({
      effectiveOn: "2000-01-01",
      currency: "EUR",
      revenueCapBps: 100,
      usedByBillingRun: false,
    });
    expect(list.body.feeSchedules[0].bands.map((b: { annualFee: { formatted: string } }) => b.annualFee.formatted)).toEqual([
      "EUR 120.00",
      "EUR 600.00",
      "EUR 2,400.00",
      "EUR 9,600.00",
      "EUR 24,000.00",
    ]);

    const created = await api(h)
      .post("/api/v1/fee-schedules")
      .set(c.treasurer.auth)
      .send({ effectiveOn: "2026-03-01", currency: "EUR", revenueCapBps: 200, bands });
    expect(created.status).toBe(201);
    await api(h)
      .put(`/api/v1/fee-schedules/${created.body.id}`)
      .set(c.treasurer.auth)
      .send({ currency: "EUR", revenueCapBps: 150, bands })
      .expect(200);
    await api(h)
      .post("/api/v1/fee-schedules")
      .set(c.treasurer.auth)
      .send({ effectiveOn: "2026-03-01", currency: "EUR", bands })
      .expect(409);
    await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
    const locked = await api(h)
      .put(`/api/v1/fee-schedules/${created.body.id}`)
      .set(c.treasurer.auth)
      .send({ currency: "EUR", revenueCapBps: 100, bands });
    expect(locked.status).toBe(409);
    expect(locked.body.code).toBe("fee_schedule_in_use");
    await api(h).get("/api/v1/fee-schedules").set(c.owner.auth).expect(403);
  });

  it("refuse bands with gaps, a closed top band or another currency", async () => {
    const gap = await api(h)
      .post("/api/v1/fee-schedules")
      .set(c.treasurer.auth)
      .send({ effectiveOn: "2026-05-01", currency: "EUR", bands: [bands[0], { ...bands[1], minHeadcount: 60 }] });
    expect(gap.status).toBe(422);
    expect(gap.body.errors).toEqual([{ path: "/bands/1/minHeadcount", message: expect.any(String) }]);
    const closed = await api(h)
      .post("/api/v1/fee-schedules")
      .set(c.treasurer.auth)
      .send({ effectiveOn: "2026-05-01", currency: "EUR", bands: [{ ...bands[0], maxHeadcount: 10 }] });
    expect(closed.status).toBe(422);
    const currency = await api(h)
      .post("/api/v1/fee-schedules")
      .set(c.treasurer.auth)
      .send({ effectiveOn: "2026-05-01", currency: "USD", bands });
    expect(currency.status).toBe(422);
  });

  it("a band change between months bills each month at its own band", async () => {
    const licensor = await c.org("Commons", "nonprofit");
    const w = await c.work("tool", licensor.id);
    const firm = await c.org("Growing", "commercial", { headcount: 5, factsOn: "2026-01-01" });
    await c.use(firm, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-01-01" });
    // Facts change mid-March: March still bills at the 1 March facts, April at the new ones.
    await api(h)
      .post(`/api/v1/organizations/${firm.id}/facts`)
      .set(c.owner.auth)
      .send({ effectiveOn: "2026-03-15", headcount: 60 })
      .expect(201);
    const march = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" });
    expect(march.body.invoices[0].total.amountMinor).toBe(1_000);
    h.clock.set("2026-05-02T09:00:00Z");
    const april = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-04" });
    expect(april.body.invoices[0].total.amountMinor).toBe(20_000);
    expect(april.body.invoices[0].number).toBe("RCP-2026-000002");
  });
});

describe("a zero-decimal currency", () => {
  it("bills in whole yen, rounded half-up per line", async () => {
    await api(h)
      .post("/api/v1/fee-schedules")
      .set(c.treasurer.auth)
      .send({
        effectiveOn: "2026-01-01",
        currency: "JPY",
        revenueCapBps: null,
        bands: [{ minHeadcount: 1, maxHeadcount: null, annualFee: { amount: "100000", currency: "JPY" } }],
      })
      .expect(201);
    const licensor = await c.org("Commons", "nonprofit");
    const w = await c.work("tool", licensor.id);
    const firm = await c.org("Tokyo KK", "commercial", { headcount: 3 });
    await c.use(firm, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-03-22" });
    const run = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" });
    // 100000 × 10 / (12 × 31) = 2688.17 → 2688
    expect(run.body.invoices[0].total).toEqual({ amountMinor: 2688, currency: "JPY", formatted: "JPY 2,688" });
    const pay = await api(h)
      .post("/api/v1/invoices/RCP-2026-000001/payments")
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "yen")
      .send({ amount: { amount: "2688.5", currency: "JPY" }, paidOn: "2026-04-03", reference: "x" });
    expect(pay.status).toBe(422);
    await api(h)
      .post("/api/v1/invoices/RCP-2026-000001/payments")
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "yen2")
      .send({ amount: { amount: "2688", currency: "JPY" }, paidOn: "2026-04-03", reference: "x" })
      .expect(201);
    expect(await checkLedger(h.db)).toEqual([]);
  });
});

describe("billing runs", () => {
  it("are for treasurers; held invoices are addressed by id and can be voided", async () => {
    const licensor = await c.org("Commons", "nonprofit");
    const w = await c.work("tool", licensor.id);
    const coop = await c.org("Pending", "worker_cooperative", { headcount: 3 });
    await c.use(coop, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-01-01" });
    await api(h).post("/api/v1/billing-runs").set(c.owner.auth).send({ month: "2026-03" }).expect(403);
    const bad = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-13" });
    expect(bad.status).toBe(422);
    const run = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
    const held = run.body.invoices[0];
    expect(held).toMatchObject({ number: null, status: "held" });
    const audit = await api(h).get(`/api/v1/audit-log?entityType=invoice&entityId=${held.id}`).set(c.treasurer.auth).expect(200);
    expect(audit.body.entries).toEqual([expect.objectContaining({ action: "invoice.held", entityId: String(held.id) })]);
    const runs = await api(h).get("/api/v1/billing-runs").set(c.treasurer.auth).expect(200);
    expect(runs.body.billingRuns).toEqual([expect.objectContaining({ month: "2026-03", status: "completed", invoicesCreated: 1 })]);
    expect((await api(h).get(`/api/v1/invoices/${held.id}`).set(c.owner.auth).expect(200)).body).toMatchObject({
      status: "held",
      paymentInstructions: null,
    });
    const ubl = await api(h).get(`/api/v1/invoices/${held.id}`).set(c.owner.auth).set("Accept", "application/xml");
    expect(ubl.status).toBe(409);
    expect((await api(h).get(`/api/v1/invoices/${held.id}`).set(c.owner.auth).set("Accept", "image/png")).status).toBe(406);
    await api(h)
      .post(`/api/v1/invoices/${held.id}/payments`)
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "h")
      .send({ amount: { amount: "1.00", currency: "EUR" }, paidOn: "2026-04-03", reference: "x" })
      .expect(409);
    const voided = await api(h)
      .post(`/api/v1/invoices/${held.id}/void`)
      .set(c.treasurer.auth)
      .send({ reason: "Cooperative under review elsewhere" });
    expect(voided.body).toMatchObject({ status: "void", number: null });
    expect(await checkLedger(h.db)).toEqual([]);
  });
});

describe("usages", () => {
  it("carry the obligation of PRODUCT.md §3", async () => {
    const licensor = await c.org("Commons", "nonprofit");
    const w = await c.work("tool", licensor.id);
    const firm = (await api(h).post("/api/v1/organizations").set(c.owner.auth).send({ name: "Firm", kind: "commercial" })).body;
    const post = (purpose: string) =>
      api(h).post(`/api/v1/organizations/${firm.id}/usages`).set(c.owner.auth).send({ workSlug: w.slug, purpose, startedOn: "2026-01-01" });
    expect((await post("commercial")).body).toMatchObject({ obligation: "fee", workSlug: "tool" });
    expect((await post("noncommercial")).body.obligation).toBe("none");
    const bad = await api(h)
      .post(`/api/v1/organizations/${firm.id}/usages`)
      .set(c.owner.auth)
      .send({ workSlug: "nope", purpose: "commercial", startedOn: "2026-01-01" });
    expect(bad.status).toBe(422);
    const backwards = await api(h)
      .post(`/api/v1/organizations/${firm.id}/usages`)
      .set(c.owner.auth)
      .send({ workSlug: w.slug, purpose: "commercial", startedOn: "2026-02-01", endedOn: "2026-01-01" });
    expect(backwards.status).toBe(422);
    const list = await api(h).get(`/api/v1/organizations/${firm.id}/usages`).set(c.owner.auth).expect(200);
    expect(list.body.usages).toHaveLength(2);
    const ended = await api(h)
      .post(`/api/v1/organizations/${firm.id}/usages/${list.body.usages[0].id}/end`)
      .set(c.owner.auth)
      .send({ endedOn: "2026-02-28" });
    expect(ended.body.endedOn).toBe("2026-02-28");
    const stranger = await makeUser(h);
    await api(h).get(`/api/v1/organizations/${firm.id}/usages`).set(stranger.auth).expect(404);
  });
});
