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
  return { c, buyer, paidNumber: acmeInvoices[acmeInvoices.length - 1]!, voidedNumber: numbers[2]! };
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
