// The venture commune's lists page like every other: assets, the public assets, the rent months and an
// organization's holdings walk every item once in the whole list's order, `next` null on the last page; a
// cursor the list did not give out is a 400 `invalid_cursor`.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addMonths } from "../../src/fees/compute-fees.js";
import { encodeCursor } from "../../src/http/pagination.js";
import { api, makeHarness, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { bondHolder, financedAsset, proposeAsset, ventureCommune, type BondHolder } from "../support/ventures.js";
import { expectBadCursor, expectWalk } from "../support/pages.js";

let h: Harness;
let c: Commune;
let holder: BondHolder;

/** Three assets proposed, the first leased to the commune's cooperative with its bonds cleared and three rent runs. */
beforeEach(async () => {
  h = await makeHarness();
  ({ c } = await ventureCommune(h));
  holder = await bondHolder(h, c, "Credit Union");
  await financedAsset(h, c, {
    title: "Oven",
    cost: "2400.00",
    monthlyRent: "150.00",
    subscriptions: ["1200.00", "1200.00"].map((amount) => ({ ...holder, amount })),
  });
  await proposeAsset(h, c, { title: "Van", cost: "2400.00", monthlyRent: "150.00", offered: true });
  await proposeAsset(h, c, { title: "Mill", cost: "2400.00", monthlyRent: "150.00" });
  const t = c.treasurer.auth;
  for (const month of ["2026-04", "2026-05", "2026-06"]) {
    h.clock.set(`${addMonths(month, 1)}-01T09:00:00Z`);
    await api(h).post("/api/v1/rent-runs").set(t).send({ month }).expect(200);
  }
});
afterEach(async () => {
  await h.close();
});

describe("venture list pages", () => {
  it("assets (oldest first) and the public assets, over pages of one and two", async () => {
    const assets = await expectWalk<{ id: number }>(h, c.owner.auth, "/api/v1/assets", "assets", 2, 3);
    expect(assets.map((a) => a.id)).toEqual([...assets.map((a) => a.id)].sort((a, b) => a - b));
    await expectBadCursor(h, c.owner.auth, "/api/v1/assets", encodeCursor(["Oven"]));
    await expectWalk(h, {}, "/api/v1/public/assets", "assets", 1, 1);
    await expectBadCursor(h, {}, "/api/v1/public/assets", "e30");
  });

  it("rent months by month and an organization's holdings", async () => {
    const months = await expectWalk<{ month: string }>(h, c.treasurer.auth, "/api/v1/rent-months", "months", 2, 3);
    expect(months.map((m) => m.month)).toEqual(["2026-04", "2026-05", "2026-06"]);
    await expectBadCursor(h, c.treasurer.auth, "/api/v1/rent-months", encodeCursor(["2026-4", 1]));
    const path = `/api/v1/organizations/${holder.organizationId}/holdings`;
    await expectWalk(h, holder.user.auth, path, "holdings", 1, 2);
    const page = await api(h).get(`${path}?limit=1`).set(holder.user.auth).expect(200);
    expect(page.body.organizationId).toBe(holder.organizationId);
    await expectBadCursor(h, holder.user.auth, path, encodeCursor([999_999]));
  });
});
