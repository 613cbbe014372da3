// The venture commune's lists page like every other: assets, the public assets, the rent months and an
// organization's holdings walk every item once in the whole list's order, `next` null on the last page; a
// cursor the list did not give out is a 400 `invalid_cursor`.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addMonths } from "../../src/fees/compute-fees.js";
import { encodeCursor } from "../../src/http/pagination.js";
import { api, makeHarness, makeUser, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { expectBadCursor, walkList } from "../support/pages.js";

let h: Harness;
let c: Commune;
let holder: TestUser;
let holderOrgId: number;
const eur = (amount: string) => ({ amount, currency: "EUR" });

/** Three assets proposed, the first leased to the commune's cooperative with its bonds cleared and three rent runs. */
beforeEach(async () => {
  h = await makeHarness();
  c = await Commune.create(h);
  h.clock.set("2026-03-01T09:00:00Z");
  const lessee = await c.org("Bakery Coop", "worker_cooperative");
  await c.verify(lessee.id, "verified");
  holder = await makeUser(h);
  holderOrgId = (await c.org("Credit Union", "nonprofit", { owner: holder })).id;
  const t = c.treasurer.auth;
  const ids: number[] = [];
  for (const title of ["Oven", "Van", "Mill"]) {
    const asset = await api(h)
      .post("/api/v1/assets")
      .set(c.owner.auth)
      .send({ title, description: `A ${title}`, cost: eur("2400.00"), rentalOffer: { monthlyRent: eur("150.00"), termMonths: 24 } })
      .expect(201);
    ids.push(asset.body.id as number);
  }
  for (const id of ids.slice(0, 2))
    await api(h).post(`/api/v1/assets/${id}/transitions`).set(t).send({ to: "offering", reason: "approved" }).expect(200);
  const issue = await api(h)
    .post("/api/v1/bond-issues")
    .set(t)
    .send({
      assetId: ids[0],
      target: eur("2400.00"),
      minimum: eur("1000.00"),
      maxRateBps: 400,
      mode: "fixed",
      opensOn: "2026-03-01",
      closesOn: "2026-03-31",
      termMonths: 24,
      repayment: "straight_line",
      minSubscription: eur("100.00"),
      maxPerHolder: eur("2400.00"),
    })
    .expect(201);
  for (const [key, amount] of [
    ["s1", "1200.00"],
    ["s2", "1200.00"],
  ])
    await api(h)
      .post(`/api/v1/bond-issues/${issue.body.id}/subscriptions`)
      .set(holder.auth)
      .set("Idempotency-Key", key!)
      .send({ organizationId: holderOrgId, amount: eur(amount!) })
      .expect(201);
  h.clock.set("2026-03-31T12:00:00Z");
  await api(h).post(`/api/v1/bond-issues/${issue.body.id}/clear`).set(t).expect(200);
  for (const month of ["2026-04", "2026-05", "2026-06"]) {
    h.clock.set(`${addMonths(month, 1)}-01T09:00:00Z`);
    await api(h).post("/api/v1/rent-runs").set(t).send({ month }).expect(200);
  }
});
afterEach(async () => {
  await h.close();
});

async function expectWalk(auth: Record<string, string>, path: string, field: string, limit: number, atLeast: number) {
  const whole = await api(h).get(`${path}?limit=200`).set(auth).expect(200);
  expect(whole.body.next).toBeNull();
  const all = whole.body[field] as unknown[];
  expect(all.length).toBeGreaterThanOrEqual(atLeast);
  const walked = await walkList(h, auth, path, field, limit);
  expect(walked.items).toEqual(all);
  expect(walked.pages).toBe(Math.ceil(all.length / limit));
  return all;
}

describe("venture list pages", () => {
  it("assets (oldest first) and the public assets, over pages of one and two", async () => {
    const assets = (await expectWalk(c.owner.auth, "/api/v1/assets", "assets", 2, 3)) as { id: number }[];
    expect(assets.map((a) => a.id)).toEqual([...assets.map((a) => a.id)].sort((a, b) => a - b));
    await expectBadCursor(h, c.owner.auth, "/api/v1/assets", encodeCursor(["Oven"]));
    await expectWalk({}, "/api/v1/public/assets", "assets", 1, 1);
    await expectBadCursor(h, {}, "/api/v1/public/assets", "e30");
  });

  it("rent months by month and an organization's holdings", async () => {
    const months = (await expectWalk(c.treasurer.auth, "/api/v1/rent-months", "months", 2, 3)) as { month: string }[];
    expect(months.map((m) => m.month)).toEqual(["2026-04", "2026-05", "2026-06"]);
    await expectBadCursor(h, c.treasurer.auth, "/api/v1/rent-months", encodeCursor(["2026-4", 1]));
    const path = `/api/v1/organizations/${holderOrgId}/holdings`;
    await expectWalk(holder.auth, path, "holdings", 1, 2);
    const page = await api(h).get(`${path}?limit=1`).set(holder.auth).expect(200);
    expect(page.body.organizationId).toBe(holderOrgId);
    await expectBadCursor(h, holder.auth, path, encodeCursor([999_999]));
  });
});
