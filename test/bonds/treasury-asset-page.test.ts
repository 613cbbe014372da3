// The treasurer's page of an asset over HTTP: the lifecycle from proposed to offering with a reason, a bond
// issue opened from its form (refused input kept and marked), members' subscriptions, clearing after the
// closing date and the stored schedule; anyone else finds no such page.
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assetEvents, assets, bondIssues, bondSubscriptions } from "../../src/db/schema.js";
import { proposeAsset } from "../../src/assets/propose-asset.js";
import { subscribeBonds } from "../../src/bonds/subscribe-bonds.js";
import { makeHarness, makeUser, passwordHashFor, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";

const PASSWORD = "a long password";
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
  await agent.post("/login").type("form").send({ _csrf: token, email: user.email, password: PASSWORD, next: "/assets" }).expect(303);
  const page = await agent.get("/assets").expect(200);
  return { agent, page: page.text, token: /name="_csrf" value="([^"]+)"/.exec(page.text)![1]! };
}

async function proposed() {
  const owner = await makeUser(h);
  const coop = await c.org("Print Coop", "worker_cooperative", { owner });
  await c.verify(coop.id, "verified");
  const eur = (amountMinor: number) => ({ amountMinor, currency: "EUR" });
  return proposeAsset(
    h.db,
    { id: owner.id, isTreasurer: false },
    {
      title: "Risograph",
      description: "A two-drum printer",
      cost: eur(300_000),
      rentalOffer: { monthlyRent: eur(20_000), termMonths: 24 },
    },
    { clock: h.clock },
  );
}

const issueForm = {
  target: "3,000.00",
  minimum: "1000.00",
  maxRateBps: "300",
  mode: "fixed",
  opensOn: "2026-03-01",
  closesOn: "2026-03-31",
  termMonths: "24",
  repayment: "annuity",
  minSubscription: "50.00",
  maxPerHolder: "3000.00",
};

describe("the treasurer's asset page", () => {
  it("walks proposed → offering, opens a bond issue, clears it after its closing date and shows the schedule", async () => {
    const asset = await proposed();
    const treasurer = await makeUser(h, { treasurer: true, passwordHash: await passwordHashFor(PASSWORD) });
    let t = await signedIn(treasurer);
    const path = `/treasury/assets/${asset.id}`;
    expect(t.page).toContain(`href="${path}"`);
    let page = (await t.agent.get(path).expect(200)).text;
    expect(page).toContain('value="offering"');
    expect(page).toContain('value="liquidated"');
    expect(page).not.toContain("Open a bond issue");

    await t.agent.post(`${path}/transitions`).type("form").send({ _csrf: t.token, to: "offering", reason: " " }).expect(303);
    page = (await t.agent.get(path).expect(200)).text;
    expect(page).toContain("The asset did not move");
    expect(page).toMatch(/id="transition-reason" aria-invalid="true"/);
    await t.agent.post(`${path}/transitions`).type("form").send({ _csrf: t.token, to: "leased", reason: "by hand" }).expect(303);
    expect((await t.agent.get(path).expect(200)).text).toContain('id="transition-to-error"');
    await t.agent.post(`${path}/transitions`).type("form").send({ to: "offering", reason: "no token" }).expect(403);
    await t.agent
      .post(`${path}/transitions`)
      .type("form")
      .send({ _csrf: t.token, to: "offering", reason: "the members approved it" })
      .expect(303);
    expect((await h.db.select().from(assets))[0]!.status).toBe("offering");
    page = (await t.agent.get(path).expect(200)).text;
    expect(page).toContain("proposed → offering (the members approved it)");
    expect(page).toContain("Open a bond issue");

    const bad = { ...issueForm, _csrf: t.token, minimum: "4000.00", maxRateBps: "lots" };
    await t.agent.post(`${path}/bond-issues`).type("form").send(bad).expect(303);
    page = (await t.agent.get(path).expect(200)).text;
    expect(page).toContain("The bond issue was not opened");
    expect(page).toMatch(/id="issue-rate" aria-invalid="true"[^>]*value="lots"/);
    expect(await h.db.select().from(bondIssues)).toEqual([]);
    await t.agent
      .post(`${path}/bond-issues`)
      .type("form")
      .send({ ...bad, maxRateBps: "300" })
      .expect(303);
    page = (await t.agent.get(path).expect(200)).text;
    expect(page).toMatch(/id="issue-minimum" aria-invalid="true"[^>]*value="4000.00"/);
    expect(page).toContain("must not exceed the target");

    const offerDocument = "Bonds for the oven.\nFixed rate 3 %, annuity over 24 months; <members only>.";
    await t.agent
      .post(`${path}/bond-issues`)
      .type("form")
      .send({ ...issueForm, offerDocument, _csrf: t.token })
      .expect(303);
    const [issue] = await h.db.select().from(bondIssues);
    expect(issue).toMatchObject({ assetId: asset.id, targetMinor: 300_000, minimumMinor: 100_000, status: "open", closesOn: "2026-03-31" });
    expect(issue!.offerDocument).toBe(offerDocument);
    // Members read the offer document beside the subscription form, escaped.
    const reader = await signedIn(await makeUser(h, { passwordHash: await passwordHashFor(PASSWORD) }));
    expect(reader.page).toContain("The offer document");
    expect(reader.page).toContain("Bonds for the oven.\nFixed rate 3 %, annuity over 24 months; &lt;members only&gt;.");
    page = (await t.agent.get(path).expect(200)).text;
    expect(page).not.toContain("Open a bond issue");
    expect(page).toContain("Clearing comes at the closing date, 2026-03-31");
    expect(page).toContain("Repayment schedule (preview: EUR 3,000.00 at 300 bp)");

    const holders = [];
    for (const [name, amount] of [
      ["Neighbourhood Association", 200_000],
      ["Food Coop", 150_000],
    ] as const) {
      const member = await makeUser(h);
      const org = await c.org(name, "nonprofit", { owner: member });
      await subscribeBonds(
        h.db,
        { id: member.id, isTreasurer: false },
        { issueId: issue!.id, organizationId: org.id, amount: { amountMinor: amount, currency: "EUR" }, idempotencyKey: `key-${name}` },
        { clock: h.clock },
      );
      holders.push(org);
    }
    page = (await t.agent.get(path).expect(200)).text;
    expect(page).toContain("Food Coop");
    expect(page).not.toContain("Clear bond issue");
    await t.agent.post(`/treasury/bond-issues/${issue!.id}/clear`).type("form").send({ _csrf: t.token }).expect(303);
    expect((await t.agent.get(path).expect(200)).text).toContain("clears at its closing date");

    h.clock.set("2026-03-31T10:00:00Z");
    t = await signedIn(treasurer); // a month later the session has expired
    page = (await t.agent.get(path).expect(200)).text;
    expect(page).toContain(`Clear bond issue ${issue!.id}`);
    await t.agent.post(`/treasury/bond-issues/${issue!.id}/clear`).type("form").send({ _csrf: t.token }).expect(303);
    const [cleared] = await h.db.select().from(bondIssues);
    expect(cleared).toMatchObject({ status: "cleared", soldMinor: 300_000, rateBps: 300 });
    expect((await h.db.select().from(bondSubscriptions)).map((s) => s.outcome)).toEqual(["prorated", "prorated"]);
    expect((await h.db.select().from(assets))[0]!.status).toBe("leased");
    page = (await t.agent.get(path).expect(200)).text;
    expect(page).toContain(`Bond issue ${issue!.id} is cleared.`);
    expect(page).toContain("Repayment schedule (cleared: EUR 3,000.00 at 300 bp)");
    expect(page.match(/<td data-label="Due">/g)).toHaveLength(24);
    expect(page).toContain("offering → leased (bond issue");
    expect(page).toContain('value="returned"');
    expect(await h.db.select().from(assetEvents)).toHaveLength(3);
  });

  it("is no page for anyone but a treasurer", async () => {
    const asset = await proposed();
    const member = await makeUser(h, { passwordHash: await passwordHashFor(PASSWORD) });
    await c.org("Neighbourhood Association", "nonprofit", { owner: member });
    const m = await signedIn(member);
    expect(m.page).not.toContain("/treasury/assets/");
    await m.agent.get(`/treasury/assets/${asset.id}`).expect(404);
    await m.agent
      .post(`/treasury/assets/${asset.id}/transitions`)
      .type("form")
      .send({ _csrf: m.token, to: "offering", reason: "x" })
      .expect(404);
    await m.agent
      .post(`/treasury/assets/${asset.id}/bond-issues`)
      .type("form")
      .send({ ...issueForm, _csrf: m.token })
      .expect(404);
    await m.agent.post("/treasury/bond-issues/1/clear").type("form").send({ _csrf: m.token }).expect(404);
    expect((await h.db.select().from(assets))[0]!.status).toBe("proposed");
    const treasurer = await makeUser(h, { treasurer: true, passwordHash: await passwordHashFor(PASSWORD) });
    const t = await signedIn(treasurer);
    await t.agent.get("/treasury/assets/999").expect(404);
    await t.agent.get("/treasury/assets/abc").expect(404);
  });
});
