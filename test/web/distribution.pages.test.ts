// The fund's outflow in the web pages, over HTTP without a browser: a treasurer drafts a month's run from
// the ended months offered, reads it (every allocation, totals that add up), approves it, makes a payout
// batch, downloads its pain.001 file, confirms it and records a return; the licensor's maintainer reads
// the work's income, the cooperative its dividend, the paying company where its money went.
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { api, makeHarness, makeUser, passwordHashFor, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";

const PASSWORD = "a long password";
let h: Harness;
let c: Commune;
let treasurer: TestUser;
let maintainer: TestUser;
let buyer: TestUser;

beforeEach(async () => {
  h = await makeHarness({ SELLER_IBAN: "DE89 3704 0044 0532 0130 00" });
  const hash = await passwordHashFor(PASSWORD);
  treasurer = await makeUser(h, { treasurer: true, passwordHash: hash });
  maintainer = await makeUser(h, { passwordHash: hash });
  buyer = await makeUser(h, { passwordHash: hash });
  c = await Commune.create(h, maintainer);
  h.clock.set("2026-03-01T09:00:00Z");
});
afterEach(async () => {
  await h.close();
});

async function signedIn(user: TestUser) {
  const agent = request.agent(h.app);
  const login = await agent.get("/login").expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
  await agent.post("/login").type("form").send({ _csrf: token, email: user.email, password: PASSWORD }).expect(303);
  return agent;
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

async function world() {
  const licensor = await c.org("Commons Coop", "worker_cooperative");
  await c.verify(licensor.id, "verified");
  const work = await c.work("ledger-tool", licensor.id);
  const acme = await c.org("Acme GmbH", "commercial", { headcount: 20, owner: buyer });
  await c.use(acme, { workSlug: work.slug, purpose: "commercial", startedOn: "2026-03-01" });
  h.clock.set("2026-04-02T09:00:00Z");
  await api(h).post("/api/v1/billing-runs").set(treasurer.auth).send({ month: "2026-03" }).expect(201);
  await api(h)
    .post("/api/v1/invoices/RCP-2026-000001/payments")
    .set(treasurer.auth)
    .set("Idempotency-Key", "p1")
    .send({ amount: { amount: "41.94", currency: "EUR" }, paidOn: "2026-04-10", reference: "p1" })
    .expect(201);
  await api(h)
    .put(`/api/v1/organizations/${licensor.id}/payee`)
    .set(maintainer.auth)
    .send({
      legalName: "Commons Coop eG",
      country: "DE",
      iban: "DE44 5001 0517 5407 3249 31",
      minimumPayout: { amount: "1.00", currency: "EUR" },
    })
    .expect(200);
  h.clock.set("2026-05-02T09:00:00Z");
  return { licensor, work, acme };
}

describe("distribution in the web pages", () => {
  it("a treasurer drafts, reads, approves, pays out, confirms and records a return", async () => {
    const { licensor, work, acme } = await world();
    const t = await signedIn(treasurer);
    const overview = await t.get("/treasury/distribution").expect(200);
    expect(overview.text).toContain('<option value="2026-04" selected>Apr 2026</option>');
    const refused = await t
      .post("/treasury/distribution/runs")
      .type("form")
      .send({ _csrf: csrfOf(overview.text), month: "2026-05" });
    expect(refused.headers.location).toBe("/treasury/distribution");
    expect(text((await t.get("/treasury/distribution").expect(200)).text)).toContain("No run was drafted");

    const page = await t.get("/treasury/distribution");
    const drafted = await t
      .post("/treasury/distribution/runs")
      .type("form")
      .send({ _csrf: csrfOf(page.text), month: "2026-04" })
      .expect(303);
    const runPath = drafted.headers.location as string;
    expect(runPath).toMatch(/^\/treasury\/distribution\/runs\/\d+$/);
    const run = await t.get(runPath).expect(200);
    const body = text(run.text);
    expect(body).toContain("The draft of 2026-04 is ready");
    expect(body).toContain("adds up");
    expect(body).not.toContain("does not add up");
    expect(body).toContain("Commons Coop");
    expect(body).toMatch(/worker-owner\(s\) ×/);
    expect(body).toContain("operations names no payee");

    const approved = await t
      .post(`${runPath}/approve`)
      .type("form")
      .send({ _csrf: csrfOf(run.text) })
      .expect(303);
    expect(approved.headers.location).toBe(runPath);
    const after = await t.get(runPath).expect(200);
    expect(text(after.text)).toContain("booked as payables");
    expect(after.text).not.toContain("/approve");

    const dist = await t.get("/treasury/distribution").expect(200);
    expect(text(dist.text)).toContain("No month can be run now");
    const made = await t
      .post("/treasury/payouts")
      .type("form")
      .send({ _csrf: csrfOf(dist.text), executionDate: "2026-05-04" })
      .expect(303);
    const batchPath = made.headers.location as string;
    const batch = await t.get(batchPath).expect(200);
    expect(text(batch.text)).toContain("Commons Coop");
    const file = await t.get(`${batchPath}/pain.001.xml`).expect(200);
    expect(file.headers["content-type"]).toContain("application/xml");
    expect(file.text).toContain("<NbOfTxs>1</NbOfTxs>");
    expect(file.text).toContain("DE44500105175407324931");
    await t
      .post(`${batchPath}/confirm`)
      .type("form")
      .send({ _csrf: csrfOf(batch.text) })
      .expect(303);
    const confirmed = await t.get(batchPath).expect(200);
    expect(text(confirmed.text)).toContain("payables are settled");
    expect(await checkLedger(h.db)).toEqual([]);

    // The licensor's maintainer sees the work's April: billed in March, collected, allocated and paid.
    const m = await signedIn(maintainer);
    const income = text((await m.get(`/works/${work.slug}/income`).expect(200)).text);
    expect(income).toContain("Apr 2026");
    // April: collected 41.94, 60 % to the licensors (25.17), all of it paid; March's invoice (50.00) is partly paid.
    expect(income).toContain("Apr 2026 EUR 0.00 EUR 41.94 EUR 25.17 EUR 25.17 —");
    expect(income).toContain("Mar 2026 EUR 50.00 EUR 0.00 EUR 0.00 EUR 0.00 EUR 8.06 of this month");
    const dividend = text((await m.get(`/organizations/${licensor.id}/income`).expect(200)).text);
    expect(dividend).toContain("Social dividend");
    expect(dividend).toMatch(/Apr 2026 approved EUR \d+\.\d\d 5 5 EUR/);
    // Not a maintainer of the work, not a member of the licensor: no such page.
    const b = await signedIn(buyer);
    await b.get(`/works/${work.slug}/income`).expect(404);
    await b.get(`/organizations/${licensor.id}/income`).expect(404);
    const invoice = text((await b.get("/invoices/RCP-2026-000001").expect(200)).text);
    expect(invoice).toContain("Where your money went");
    expect(invoice).toMatch(/licensors .*ledger-tool/);
    expect(acme.id).toBeGreaterThan(0);

    // The bank returns the payout: the payable is restored and the books stay whole.
    const payoutId = /\/payouts\/(\d+)\/return/.exec(confirmed.text)![1]!;
    await t
      .post(`${batchPath}/payouts/${payoutId}/return`)
      .type("form")
      .send({ _csrf: csrfOf(confirmed.text), reason: "account closed" })
      .expect(303);
    const returned = text((await t.get(batchPath).expect(200)).text);
    expect(returned).toContain("recorded as returned");
    expect(returned).toContain("account closed");
    expect(await checkLedger(h.db)).toEqual([]);
  });

  it("the pages are a treasurer's only", async () => {
    await world();
    const m = await signedIn(maintainer);
    await m.get("/treasury/distribution").expect(404);
    await m.get("/treasury/distribution/runs/1").expect(404);
    await m.get("/treasury/payouts/1").expect(404);
  });
});
