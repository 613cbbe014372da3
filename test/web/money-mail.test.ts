// Mail about money, through a real SMTP server in the test process: the invoices an API billing run
// issued, an overdue reminder sent once per invoice (however often the command runs), and a payout the
// bank confirmed, to the payee's owners.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { api, makeHarness, makeUser, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { FakeSmtp } from "../support/smtp.js";
import { claimOverdueInvoices } from "../../src/invoices/overdue-mails.js";
import { notifyInvoicesOverdue } from "../../src/mail/notifications.js";
import { notifyDepsOf } from "../../src/web/notify.js";
import { memberships } from "../../src/db/schema.js";

let smtp: FakeSmtp;
let h: Harness;
let c: Commune;

beforeAll(async () => {
  smtp = await new FakeSmtp().start();
});
afterAll(async () => {
  await smtp.stop();
});
beforeEach(async () => {
  smtp.mails.length = 0;
  h = await makeHarness({ SMTP_URL: smtp.url, SELLER_IBAN: "DE89 3704 0044 0532 0130 00", PAYMENT_TERMS_DAYS: 30 });
  h.clock.set("2026-04-02T09:00:00Z");
  c = await Commune.create(h);
});
afterEach(async () => {
  await h.close();
});

async function billMarch() {
  const licensor = await c.org("Commons Coop", "worker_cooperative");
  await c.verify(licensor.id, "verified");
  const w = await c.work("ledger-tool", licensor.id);
  const buyer = await makeUser(h, { name: "Bea Buyer" });
  const acme = await c.org("Acme GmbH", "commercial", { headcount: 20, owner: buyer });
  await c.use(acme, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-01-01" });
  await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
  return { licensor, acme, buyer };
}

const pay = (number: string, amount: string, key: string, paidOn: string) =>
  api(h)
    .post(`/api/v1/invoices/${number}/payments`)
    .set(c.treasurer.auth)
    .set("Idempotency-Key", key)
    .send({ amount: { amount, currency: "EUR" }, paidOn, reference: key })
    .expect(201);

describe("mail about money", () => {
  it("an API billing run mails each invoice it issued to the buyer's members, once", async () => {
    const { buyer } = await billMarch();
    const issued = smtp.mails.filter((m) => m.to.includes(buyer.email) && m.subject.startsWith("Invoice RCP-2026-000001 for 2026-03"));
    expect(issued).toHaveLength(1);
    expect(issued[0]!.body).toContain("DE89 3704 0044 0532 0130 00");
    // The run is idempotent per month: running it again issues nothing and mails nothing.
    await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
    expect(smtp.mails.filter((m) => m.subject.startsWith("Invoice RCP-2026-000001"))).toHaveLength(1);
  });

  it("reminds of an overdue invoice once, however often it runs, and not of a paid one", async () => {
    const { buyer } = await billMarch();
    const deps = notifyDepsOf(h.deps);
    const run = async () => notifyInvoicesOverdue(deps, await claimOverdueInvoices(h.db, { clock: h.clock }));
    // Due 2026-05-02: not overdue that day.
    h.clock.set("2026-05-02T09:00:00Z");
    expect(await run()).toBe(0);
    h.clock.set("2026-05-03T09:00:00Z");
    const [first, again] = await Promise.all([run(), run()]);
    expect(first + again).toBe(1);
    expect(await run()).toBe(0);
    const overdue = smtp.mails.filter((m) => m.subject.startsWith("Invoice RCP-2026-000001 is overdue"));
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.to).toEqual([buyer.email]);
    expect(overdue[0]!.body).toContain("was due on 2026-05-02");
    expect(overdue[0]!.body).toContain("/invoices/RCP-2026-000001");

    // A second month, paid before it falls due, is never reminded of.
    await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-04" }).expect(201);
    const april = smtp.mails.find((m) => m.subject.includes("for 2026-04"))!.subject.split(" ")[1]!;
    const total = /Total: EUR ([\d,.]+)/.exec(smtp.mails.find((m) => m.subject.includes("for 2026-04"))!.body)![1]!.replace(/,/g, "");
    await pay(april, total, "p-april", "2026-05-03");
    h.clock.set("2026-07-01T09:00:00Z");
    expect(await run()).toBe(0);
  });

  it("mails the payee's owners when the bank confirms a payout, once", async () => {
    const { licensor } = await billMarch();
    const member = await makeUser(h, { name: "Mo Member" });
    // A plain member of the payee is not told of its money.
    await h.db.transaction(async (tx) => {
      await tx
        .insert(memberships)
        .values({ organizationId: licensor.id, userId: member.id, role: "member", createdAt: "2026-04-02T09:00:00Z" });
    });
    h.clock.set("2026-04-10T09:00:00Z");
    const total = /Total: EUR ([\d,.]+)/.exec(smtp.mails.find((m) => m.subject.includes("for 2026-03"))!.body)![1]!.replace(/,/g, "");
    await pay("RCP-2026-000001", total, "p1", "2026-04-10");
    h.clock.set("2026-05-02T09:00:00Z");
    const run = await api(h).post("/api/v1/distribution-runs").set(c.treasurer.auth).send({ month: "2026-04" }).expect(201);
    await api(h).post(`/api/v1/distribution-runs/${run.body.id}/approve`).set(c.treasurer.auth).expect(200);
    await api(h)
      .put(`/api/v1/organizations/${licensor.id}/payee`)
      .set(c.owner.auth)
      .send({ legalName: "Commons Coop eG", country: "DE", iban: "DE89 3704 0044 0532 0130 00" })
      .expect(200);
    const batch = await api(h).post("/api/v1/payout-batches").set(c.treasurer.auth).send({ executionDate: "2026-05-04" }).expect(201);
    smtp.mails.length = 0;
    await api(h).post(`/api/v1/payout-batches/${batch.body.id}/confirm`).set(c.treasurer.auth).expect(200);
    await api(h).post(`/api/v1/payout-batches/${batch.body.id}/confirm`).set(c.treasurer.auth).expect(200);
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail!.to).toEqual([c.owner.email]);
    expect(mail!.subject).toMatch(/^The commune fund paid EUR [\d,.]+ to Commons Coop$/);
    expect(mail!.body).toContain("IBAN ending 3000");
    expect(mail!.body).toContain(`/organizations/${licensor.id}/income`);
  });
});
