// A small commune with two months of books: invoices issued, paid in full and in part, one voided.
import { api, makeUser, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";

export interface BooksStory {
  c: Commune;
  /** A member of the first buyer (Acme). */
  buyer: TestUser;
  /** Invoice numbers: Acme's March invoice is paid in full. */
  paidNumber: string;
  voidedNumber: string;
  licensorId: number;
}

export async function billTwoMonths(h: Harness): Promise<BooksStory> {
  const buyer = await makeUser(h);
  const c = await Commune.create(h, buyer);
  h.clock.set("2026-02-02T09:00:00Z");
  const licensor = await c.org("Commons Coop", "worker_cooperative");
  await c.verify(licensor.id, "verified");
  const tool = await c.work("ledger-tool", licensor.id);
  const pad = await c.work("left-pad", licensor.id);
  const acme = await c.org("Acme GmbH", "commercial", { headcount: 20 });
  const bigco = await c.org("BigCo", "commercial", { headcount: 400 });
  const small = await c.org("Small Ltd", "commercial", { headcount: 3 });
  await c.use(acme, [
    { workSlug: tool.slug, purpose: "commercial", startedOn: "2026-01-01" },
    { workSlug: pad.slug, purpose: "commercial", startedOn: "2026-01-10" },
  ]);
  await c.use(bigco, { workSlug: tool.slug, purpose: "commercial", startedOn: "2026-01-01" });
  await c.use(small, { workSlug: pad.slug, purpose: "commercial", startedOn: "2026-01-15" });
  const t = c.treasurer.auth;
  await api(h).post("/api/v1/billing-runs").set(t).send({ month: "2026-01" }).expect(201);
  h.clock.set("2026-02-20T09:00:00Z");
  const january = await api(h).get("/api/v1/invoices").set(t).expect(200);
  const numbers = (january.body.invoices as { number: string }[]).map((i) => i.number).sort();
  await pay(h, c, numbers[0]!, "all", "2026-02-15");
  await pay(h, c, numbers[1]!, "10.00", "2026-02-18");
  await api(h).post(`/api/v1/invoices/${numbers[2]}/void`).set(t).send({ reason: "billed twice" }).expect(200);
  h.clock.set("2026-03-02T09:00:00Z");
  await api(h).post("/api/v1/billing-runs").set(t).send({ month: "2026-02" }).expect(201);
  h.clock.set("2026-03-10T09:00:00Z");
  const all = await api(h).get("/api/v1/invoices").set(t).expect(200);
  const acmeInvoices = (all.body.invoices as { number: string; organizationId: number }[])
    .filter((i) => i.organizationId === acme.id)
    .map((i) => i.number)
    .sort();
  await pay(h, c, acmeInvoices[acmeInvoices.length - 1]!, "all", "2026-03-05");
  return { c, buyer, paidNumber: acmeInvoices[acmeInvoices.length - 1]!, voidedNumber: numbers[2]!, licensorId: licensor.id };
}

async function pay(h: Harness, c: Commune, number: string, amount: string, paidOn: string): Promise<void> {
  const invoice = await api(h).get(`/api/v1/invoices/${number}`).set(c.treasurer.auth).expect(200);
  const outstanding = invoice.body.outstanding as { amountMinor: number };
  await api(h)
    .post(`/api/v1/invoices/${number}/payments`)
    .set(c.treasurer.auth)
    .set("Idempotency-Key", `pay-${number}-${paidOn}`)
    .send({
      amount: amount === "all" ? { amountMinor: outstanding.amountMinor, currency: "EUR" } : { amount, currency: "EUR" },
      paidOn,
      reference: `bank ${number}`,
    })
    .expect(201);
}

/**
 * The rest of the fund's year in March: a fee schedule and a distribution policy for later months,
 * February distributed and approved, the licensor paid (a batch made and confirmed, one payout
 * returned), and March's paid invoice voided and refunded.
 */
export async function distributeFebruary(h: Harness, story: BooksStory): Promise<{ runId: number }> {
  const t = story.c.treasurer.auth;
  h.clock.set("2026-03-12T09:00:00Z");
  const band = { minHeadcount: 1, maxHeadcount: null, annualFee: { amount: "100.00", currency: "EUR" } };
  await api(h)
    .post("/api/v1/fee-schedules")
    .set(t)
    .send({ effectiveOn: "2026-05-01", currency: "EUR", bands: [band] })
    .expect(201);
  await api(h)
    .post("/api/v1/distribution-policies")
    .set(t)
    .send({
      effectiveOn: "2026-04-01",
      currency: "EUR",
      minimumPayout: { amount: "1.00", currency: "EUR" },
      buckets: [
        { key: "licensors", kind: "licensors", shareBps: 9000 },
        { key: "reserve", kind: "reserve", shareBps: 1000 },
      ],
    })
    .expect(201);
  const run = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-02" }).expect(201);
  await api(h).post(`/api/v1/distribution-runs/${run.body.id}/approve`).set(t).expect(200);
  await api(h)
    .put(`/api/v1/organizations/${story.licensorId}/payee`)
    .set(story.buyer.auth)
    .send({ legalName: "Commons Coop eG", country: "DE", iban: "DE89 3704 0044 0532 0130 00" })
    .expect(200);
  const batch = await api(h).post("/api/v1/payout-batches").set(t).send({ executionDate: "2026-03-13" }).expect(201);
  await api(h).post(`/api/v1/payout-batches/${batch.body.id}/confirm`).set(t).expect(200);
  const payout = (batch.body.payouts as { id: number }[])[0]!;
  await api(h).post(`/api/v1/payouts/${payout.id}/return`).set(t).send({ reason: "Account closed" }).expect(200);
  const paid = await api(h).get(`/api/v1/invoices/${story.paidNumber}`).set(t).expect(200);
  await api(h).post(`/api/v1/invoices/${story.paidNumber}/void`).set(t).send({ reason: "licensed elsewhere" }).expect(200);
  await api(h)
    .post(`/api/v1/invoices/${story.paidNumber}/refunds`)
    .set(t)
    .set("Idempotency-Key", `refund-${story.paidNumber}`)
    .send({ amount: { amountMinor: paid.body.total.amountMinor, currency: "EUR" }, paidOn: "2026-03-12", reference: "refund by bank" })
    .expect(201);
  return { runId: run.body.id as number };
}
