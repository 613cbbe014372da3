// The venture commune's API from proposal to clearing: assets and their lifecycle, a bond issue, subscriptions
// with Idempotency-Key, the single-price auction vector, and the schedule before and after clearing.
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repaymentSchedule } from "../../src/bonds/schedule.js";
import { api, makeHarness, makeUser, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";

let h: Harness;
let c: Commune;
let coopOwner: TestUser;
let coopId: number;
let t: TestUser;

beforeEach(async () => {
  h = await makeHarness();
  c = await Commune.create(h);
  coopOwner = c.owner;
  t = c.treasurer;
  const coop = await c.org("Workshop Coop", "worker_cooperative");
  await c.verify(coop.id, "verified");
  coopId = coop.id;
});
afterEach(async () => {
  await h.close();
});

const eur = (amount: string) => ({ amount, currency: "EUR" });
const proposal = {
  title: "CNC milling machine",
  description: "A 5-axis mill for the workshop",
  cost: eur("10000.00"),
  rentalOffer: { monthlyRent: eur("500.00"), termMonths: 24 },
};

async function offeredAsset(): Promise<number> {
  const res = await api(h).post("/api/v1/assets").set(coopOwner.auth).send(proposal);
  expect(res.status).toBe(201);
  const offered = await api(h)
    .post(`/api/v1/assets/${res.body.id}/transitions`)
    .set(t.auth)
    .send({ to: "offering", reason: "board approved" });
  expect(offered.status).toBe(200);
  return res.body.id;
}

const issueTerms = (assetId: number) => ({
  assetId,
  target: eur("10000.00"),
  minimum: eur("5000.00"),
  maxRateBps: 600,
  mode: "auction",
  opensOn: "2026-03-01",
  closesOn: "2026-03-31",
  termMonths: 24,
  repayment: "annuity",
  minSubscription: eur("0.01"),
  maxPerHolder: eur("6000.00"),
});

async function member(name: string): Promise<{ user: TestUser; orgId: number }> {
  const user = await makeUser(h);
  const org = await c.org(name, "nonprofit", { owner: user });
  return { user, orgId: org.id };
}

function subscribe(issueId: number, who: { user: TestUser; orgId: number }, key: string, amount: string, bidRateBps?: number) {
  return api(h)
    .post(`/api/v1/bond-issues/${issueId}/subscriptions`)
    .set(who.user.auth)
    .set("Idempotency-Key", key)
    .send({ organizationId: who.orgId, amount: eur(amount), ...(bidRateBps === undefined ? {} : { bidRateBps }) });
}

describe("assets", () => {
  it("are proposed by owners of a verified cooperative and run through their lifecycle with history", async () => {
    const res = await api(h).post("/api/v1/assets").set(coopOwner.auth).send(proposal);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      lesseeOrganizationId: coopId,
      status: "proposed",
      cost: { amountMinor: 1_000_000, currency: "EUR" },
      rentalOffer: { monthlyRent: { amountMinor: 50_000 }, termMonths: 24 },
      history: [{ from: null, to: "proposed" }],
    });
    const id = res.body.id;
    const byHand = await api(h).post(`/api/v1/assets/${id}/transitions`).set(t.auth).send({ to: "leased", reason: "x" });
    expect(byHand.status).toBe(422);
    const returned = await api(h).post(`/api/v1/assets/${id}/transitions`).set(t.auth).send({ to: "returned", reason: "x" });
    expect(returned.status).toBe(409);
    expect((await api(h).post(`/api/v1/assets/${id}/transitions`).set(coopOwner.auth).send({ to: "offering", reason: "x" })).status).toBe(
      403,
    );
    const offered = await api(h).post(`/api/v1/assets/${id}/transitions`).set(t.auth).send({ to: "offering", reason: "approved" });
    expect(offered.body).toMatchObject({
      status: "offering",
      history: [{ to: "proposed" }, { from: "proposed", to: "offering", reason: "approved" }],
    });
    const list = await api(h).get("/api/v1/assets").set(coopOwner.auth);
    expect(list.body.assets.map((a: { id: number }) => a.id)).toEqual([id]);
  });

  it("are refused to anyone else, and hidden from users outside every organization", async () => {
    const pending = await c.org("Pending Coop", "worker_cooperative", { owner: (await member("x")).user });
    expect(pending.verificationStatus).toBe("pending");
    const outsider = await makeUser(h);
    expect((await api(h).post("/api/v1/assets").set(outsider.auth).send(proposal)).status).toBe(403);
    expect((await api(h).get("/api/v1/assets").set(outsider.auth)).status).toBe(403);
    const bad = await api(h)
      .post("/api/v1/assets")
      .set(coopOwner.auth)
      .send({ ...proposal, rentalOffer: { monthlyRent: { amount: "5.00", currency: "USD" }, termMonths: 24 } });
    expect(bad.status).toBe(422);
  });
});

describe("bond issues", () => {
  it("vector: a single-price auction clears at 5.0 %, and the schedule is the same function before and after", async () => {
    const assetId = await offeredAsset();
    const created = await api(h).post("/api/v1/bond-issues").set(t.auth).send(issueTerms(assetId));
    expect(created.status).toBe(201);
    const issueId = created.body.id;
    expect((await api(h).post("/api/v1/bond-issues").set(t.auth).send(issueTerms(assetId))).status).toBe(409);
    expect(created.body.offerDocument).toBeNull();

    const bidders = [await member("A"), await member("B"), await member("C"), await member("D")];
    const bids: [string, number][] = [
      ["3000.00", 450],
      ["5000.00", 500],
      ["4000.00", 500],
      ["3000.00", 550],
    ];
    const ids: number[] = [];
    for (const [i, [amount, rate]] of bids.entries()) {
      const res = await subscribe(issueId, bidders[i]!, `bid-${i}`, amount, rate);
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const replay = await subscribe(issueId, bidders[0]!, "bid-0", "3000.00", 450);
    expect(replay.status).toBe(201);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.body.id).toBe(ids[0]);
    expect((await subscribe(issueId, bidders[0]!, "bid-0", "3000.00", 460)).status).toBe(409);
    expect((await subscribe(issueId, bidders[0]!, "bid-x", "100.00", 601)).status).toBe(422);
    expect((await subscribe(issueId, bidders[0]!, "bid-y", "3000.01", 450)).status).toBe(422);
    expect(
      (
        await api(h)
          .post(`/api/v1/bond-issues/${issueId}/subscriptions`)
          .set(bidders[0]!.user.auth)
          .send({ organizationId: bidders[0]!.orgId, amount: eur("1.00") })
      ).status,
    ).toBe(400);
    expect((await subscribe(issueId, { user: bidders[0]!.user, orgId: bidders[1]!.orgId }, "bid-z", "1.00", 450)).status).toBe(404);

    const preview = await api(h).get(`/api/v1/bond-issues/${issueId}/schedule`).set(bidders[0]!.user.auth);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ basis: "preview", rateBps: 600, principal: { amountMinor: 1_000_000 } });
    expect(preview.body.rows[0]).toMatchObject({ k: 1, dueOn: "2026-04-30", interest: { amountMinor: 5_000 } });

    expect((await api(h).post(`/api/v1/bond-issues/${issueId}/clear`).set(t.auth)).status).toBe(409);
    h.clock.set("2026-03-31T18:00:00Z");
    const cleared = await api(h).post(`/api/v1/bond-issues/${issueId}/clear`).set(t.auth);
    expect(cleared.status).toBe(200);
    expect(cleared.body.issue).toMatchObject({
      status: "cleared",
      rateBps: 500,
      sold: { amountMinor: 1_000_000 },
      clearedOn: "2026-03-31",
    });
    expect(
      cleared.body.allotments.map((a: { allotted: { amountMinor: number }; outcome: string }) => [a.allotted.amountMinor, a.outcome]),
    ).toEqual([
      [300_000, "filled"],
      [388_889, "prorated"],
      [311_111, "prorated"],
      [0, "refused"],
    ]);
    expect((await api(h).post(`/api/v1/bond-issues/${issueId}/clear`).set(t.auth)).status).toBe(409);

    const booked = await api(h).get(`/api/v1/bond-issues/${issueId}/schedule`).set(t.auth);
    const expected = repaymentSchedule({
      principalMinor: 1_000_000,
      rateBps: 500,
      termMonths: 24,
      method: "annuity",
      startsOn: "2026-03-31",
    });
    expect(booked.body).toMatchObject({ basis: "cleared", rateBps: 500 });
    expect(
      booked.body.rows.map((r: { k: number; dueOn: string; payment: { amountMinor: number } }) => [r.k, r.dueOn, r.payment.amountMinor]),
    ).toEqual(expected.map((r) => [r.k, r.dueOn, r.paymentMinor]));
    const asset = await api(h).get(`/api/v1/assets/${assetId}`).set(coopOwner.auth);
    expect(asset.body).toMatchObject({
      status: "leased",
      history: [{ to: "proposed" }, { to: "offering" }, { from: "offering", to: "leased" }],
    });
  });

  it("below the minimum the issue is cancelled, nothing is allotted and the asset stays on offer", async () => {
    const assetId = await offeredAsset();
    const created = await api(h)
      .post("/api/v1/bond-issues")
      .set(t.auth)
      .send({ ...issueTerms(assetId), mode: "fixed", maxRateBps: 400, minSubscription: eur("100.00") });
    const issueId = created.body.id;
    const a = await member("A");
    expect((await subscribe(issueId, a, "k", "1000.00", 400)).status).toBe(422);
    expect((await subscribe(issueId, a, "k", "50.00")).status).toBe(422);
    expect((await subscribe(issueId, a, "k", "1000.00")).status).toBe(201);
    h.clock.set("2026-04-02T00:00:00Z");
    expect((await subscribe(issueId, a, "k2", "1000.00")).status).toBe(409);
    const cleared = await api(h).post(`/api/v1/bond-issues/${issueId}/clear`).set(t.auth);
    expect(cleared.body).toMatchObject({
      issue: { status: "cancelled", rateBps: null, sold: { amountMinor: 0 } },
      allotments: [{ allotted: { amountMinor: 0 }, outcome: "refused" }],
    });
    expect((await api(h).get(`/api/v1/assets/${assetId}`).set(t.auth)).body.status).toBe("offering");
    const schedule = await api(h).get(`/api/v1/bond-issues/${issueId}/schedule`).set(t.auth);
    expect(schedule.body.basis).toBe("preview");
  });

  it("refuses terms that give no plan, and issues for assets not on offer", async () => {
    const res = await api(h).post("/api/v1/assets").set(coopOwner.auth).send(proposal);
    expect((await api(h).post("/api/v1/bond-issues").set(t.auth).send(issueTerms(res.body.id))).status).toBe(409);
    const assetId = await offeredAsset();
    const sweepTooSmall = await api(h)
      .post("/api/v1/bond-issues")
      .set(t.auth)
      .send({ ...issueTerms(assetId), target: eur("200000.00"), maxPerHolder: eur("200000.00"), repayment: "sweep" });
    expect(sweepTooSmall.status).toBe(422);
    const inverted = await api(h)
      .post("/api/v1/bond-issues")
      .set(t.auth)
      .send({ ...issueTerms(assetId), minimum: eur("20000.00"), closesOn: "2026-02-01" });
    expect(inverted.status).toBe(422);
    expect(inverted.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["/closesOn", "/minimum"]);
    expect((await api(h).post("/api/v1/bond-issues").set(coopOwner.auth).send(issueTerms(assetId))).status).toBe(403);
  });
});

describe("the offer document", () => {
  it("is stored with the issue as written, with its hash, and refuses control characters", async () => {
    const assetId = await offeredAsset();
    const bidi = await api(h)
      .post("/api/v1/bond-issues")
      .set(t.auth)
      .send({ ...issueTerms(assetId), offerDocument: "Terms\u202Eevil" });
    expect(bidi.status).toBe(422);
    expect(bidi.body.errors.map((e: { path: string }) => e.path)).toEqual(["/offerDocument"]);
    const text = "# Offer\n\nBonds for the bakery's oven.\n\tRate: single-price auction, at most 5.5 %.";
    const created = await api(h)
      .post("/api/v1/bond-issues")
      .set(t.auth)
      .send({ ...issueTerms(assetId), offerDocument: text });
    expect(created.status).toBe(201);
    expect(created.body.offerDocument).toBe(text);
    expect(created.body.offerDocumentSha256).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
  });
});
