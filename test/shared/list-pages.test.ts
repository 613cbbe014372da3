// The remaining lists page like every other: exchange rates, distribution policies, the size-facts review queue,
// a work's forks and the unattributed fork owners. Each walk shows every item once, in the whole list's order,
// `next` null on the last page; a cursor the list did not give out is a 400 `invalid_cursor`.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forkSightings } from "../../src/db/schema.js";
import { encodeCursor } from "../../src/http/pagination.js";
import { api, makeHarness, makeUser, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { expectBadCursor, expectWalk } from "../support/pages.js";

let h: Harness;
let c: Commune;
beforeEach(async () => {
  h = await makeHarness();
  c = await Commune.create(h);
  h.clock.set("2026-01-15T09:00:00Z");
});
afterEach(async () => {
  await h.close();
});

describe("list pages", () => {
  it("exchange rates and distribution policies: every version once, over pages of two", async () => {
    const t = c.treasurer.auth;
    for (const [from, effectiveOn] of [
      ["USD", "2026-03-01"],
      ["GBP", "2026-03-01"],
      ["USD", "2026-05-01"],
    ])
      await api(h)
        .post("/api/v1/exchange-rates")
        .set(t)
        .send({ fromCurrency: from, toCurrency: "EUR", effectiveOn, rate: "0.9" })
        .expect(201);
    await expectWalk(h, t, "/api/v1/exchange-rates", "exchangeRates", 2, 3);
    await expectBadCursor(h, t, "/api/v1/exchange-rates", encodeCursor([999_999]));
    for (const effectiveOn of ["2027-01-01", "2028-01-01"])
      await api(h)
        .post("/api/v1/distribution-policies")
        .set(t)
        .send({
          effectiveOn,
          currency: "EUR",
          minimumPayout: { amount: "1.00", currency: "EUR" },
          buckets: [
            { key: "licensors", kind: "licensors", shareBps: 7000 },
            { key: "reserve", kind: "reserve", shareBps: 3000 },
          ],
        })
        .expect(201);
    await expectWalk(h, t, "/api/v1/distribution-policies", "distributionPolicies", 2, 3);
    await expectBadCursor(h, t, "/api/v1/distribution-policies", "bm9wZQ");
  });

  it("the size-facts review queue: oldest first; a declaration reviewed meanwhile does not break the walk", async () => {
    const queued: number[] = [];
    for (const name of ["A", "B", "C", "D", "E"]) {
      const org = await c.org(name, "commercial", { headcount: 60 });
      const lower = await api(h)
        .post(`/api/v1/organizations/${org.id}/facts`)
        .set(c.owner.auth)
        .send({ effectiveOn: "2026-01-10", headcount: 5, evidenceNote: "we shrank" })
        .expect(201);
      queued.push(lower.body.id as number);
    }
    const t = c.treasurer.auth;
    const all = await expectWalk<{ id: number }>(h, t, "/api/v1/size-facts/review-queue", "sizeFacts", 2, 5);
    expect(all.map((f) => f.id)).toEqual(queued);
    const first = await api(h).get("/api/v1/size-facts/review-queue?limit=2").set(t).expect(200);
    // The last one shown is reviewed before the next page is read: the walk goes on after it.
    await api(h).post(`/api/v1/size-facts/${queued[1]}/review`).set(t).send({ decision: "accepted", reason: "payroll seen" }).expect(201);
    const second = await api(h)
      .get(first.body.next.replace(/^https?:\/\/[^/]+/, ""))
      .set(t)
      .expect(200);
    expect(second.body.sizeFacts.map((f: { id: number }) => f.id)).toEqual(queued.slice(2, 4));
    await expectBadCursor(h, t, "/api/v1/size-facts/review-queue", encodeCursor(["x"]));
  });

  it("a work's forks by name and the unattributed fork owners by login", async () => {
    const licensor = await c.org("Commons", "nonprofit");
    const work = await c.work("tool", licensor.id);
    const maintainer = c.owner.auth;
    await h.db.transaction(async (tx) => {
      for (const [owner, n] of [
        ["zed", 1],
        ["amy", 2],
        ["bob", 1],
        ["amy", 1],
        ["kim", 3],
      ] as const)
        await tx
          .insert(forkSightings)
          .values({ workId: work.id, forkFullName: `${owner}/tool-${n}`, ownerLogin: owner, seenAt: "2026-01-02T00:00:00Z" });
    });
    const forks = await expectWalk<{ fullName: string }>(h, maintainer, `/api/v1/works/${work.slug}/forks`, "forks", 2, 5);
    expect(forks.map((f) => f.fullName)).toHaveLength(5);
    await api(h)
      .get(`/api/v1/works/${work.slug}/forks`)
      .set((await makeUser(h)).auth)
      .expect(403);
    await expectBadCursor(h, maintainer, `/api/v1/works/${work.slug}/forks`, encodeCursor(["nobody/tool"]));
    const owners = await expectWalk<{ login: string }>(h, c.treasurer.auth, "/api/v1/forks/unattributed", "owners", 1, 4);
    expect(owners.map((o) => o.login)).toEqual(["amy", "bob", "kim", "zed"]);
    await expectBadCursor(h, c.treasurer.auth, "/api/v1/forks/unattributed", "%%%");
  });

  it("a cursor holding a control character is a 400 on the lists that sort by text, never a 500 (PostgreSQL refuses NUL)", async () => {
    for (const bad of ["a\u0000b", "tab\there", "line\nbreak"]) {
      await expectBadCursor(h, {}, "/api/v1/works", encodeCursor([bad, 1]));
      await expectBadCursor(h, c.treasurer.auth, "/api/v1/ledger/balances", encodeCursor([bad, "EUR"]));
    }
  });
});
