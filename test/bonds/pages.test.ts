// The venture commune's forms over HTTP without a browser: a cooperative's owner proposes an asset, a member
// organization subscribes for its bonds from the assets page, and sees its holdings; the treasurer runs the rent.
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assets, bondSubscriptions } from "../../src/db/schema.js";
import { api, makeHarness, makeUser, passwordHashFor, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";

let h: Harness;
let c: Commune;
beforeEach(async () => {
  h = await makeHarness();
  c = await Commune.create(h);
  h.clock.set("2026-03-01T09:00:00Z");
});
afterEach(async () => {
  await h.close();
});

async function signedIn(user: TestUser) {
  const agent = request.agent(h.app);
  const login = await agent.get("/login").expect(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
  await agent
    .post("/login")
    .type("form")
    .send({ _csrf: token, email: user.email, password: "a long password", next: "/assets" })
    .expect(303);
  const page = await agent.get("/assets").expect(200);
  return { agent, page: page.text, token: /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? token };
}

describe("the venture commune's pages", () => {
  it("take a proposal, a subscription with its idempotency key, and show holdings and the rent page", async () => {
    const owner = await makeUser(h, { passwordHash: await passwordHashFor("a long password") });
    const coop = await c.org("Print Coop", "worker_cooperative", { owner });
    await c.verify(coop.id, "verified");
    const o = await signedIn(owner);
    expect(o.page).toContain("Propose an asset");
    await o.agent
      .post("/assets/proposals")
      .type("form")
      .send({
        _csrf: o.token,
        title: "Risograph",
        description: "A two-drum printer",
        currency: "EUR",
        cost: "3000.00",
        monthlyRent: "200.00",
        termMonths: "24",
      })
      .expect(303);
    const [asset] = await h.db.select().from(assets);
    expect(asset).toMatchObject({ title: "Risograph", costMinor: 300_000, monthlyRentMinor: 20_000, status: "proposed" });

    const t = c.treasurer.auth;
    await api(h).post(`/api/v1/assets/${asset!.id}/transitions`).set(t).send({ to: "offering", reason: "approved" }).expect(200);
    const eur = (amount: string) => ({ amount, currency: "EUR" });
    const issue = await api(h)
      .post("/api/v1/bond-issues")
      .set(t)
      .send({
        assetId: asset!.id,
        target: eur("3000.00"),
        minimum: eur("1000.00"),
        maxRateBps: 300,
        mode: "fixed",
        opensOn: "2026-03-01",
        closesOn: "2026-03-31",
        termMonths: 24,
        repayment: "annuity",
        minSubscription: eur("50.00"),
        maxPerHolder: eur("3000.00"),
      })
      .expect(201);

    const holder = await makeUser(h, { passwordHash: await passwordHashFor("a long password") });
    const org = await c.org("Neighbourhood Association", "nonprofit", { owner: holder });
    const m = await signedIn(holder);
    expect(m.page).toContain(`bond issue ${issue.body.id}`);
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(m.page)![1]!;
    const form = { _csrf: m.token, idempotencyKey: key, organizationId: String(org.id), amount: "500.00", bidRateBps: "" };
    await m.agent.post(`/bond-issues/${issue.body.id}/subscriptions`).type("form").send(form).expect(303);
    await m.agent.post(`/bond-issues/${issue.body.id}/subscriptions`).type("form").send(form).expect(303);
    expect((await h.db.select().from(bondSubscriptions)).map((s) => [s.organizationId, s.amountMinor])).toEqual([[org.id, 50_000]]);
    const holdings = await m.agent.get(`/organizations/${org.id}/holdings`).expect(200);
    expect(holdings.text).toContain("Bonds held");
    await o.agent.get(`/organizations/${org.id}/holdings`).expect(404);
    await m.agent.get("/treasury/rent").expect(404);
  });
});
