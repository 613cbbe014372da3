// Fee schedules and billing runs page like every other list: `?limit=`, an opaque `?cursor=`, `next` and `Link`.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, makeHarness, makeUser, type Harness, type TestUser } from "../support/harness.js";
import { expectBadCursor, expectWalk, walkList } from "../support/pages.js";

let h: Harness;
let treasurer: TestUser;
beforeEach(async () => {
  h = await makeHarness();
  treasurer = await makeUser(h, { treasurer: true });
});
afterEach(async () => {
  await h.close();
});

const bands = [{ minHeadcount: 1, maxHeadcount: null, annualFee: { amount: "100.00", currency: "EUR" } }];

describe("list pages", () => {
  it("fee schedules: every version once, oldest first, over pages of two", async () => {
    for (const effectiveOn of ["2026-05-01", "2026-06-01", "2026-07-01"])
      await api(h).post("/api/v1/fee-schedules").set(treasurer.auth).send({ effectiveOn, currency: "EUR", bands }).expect(201);
    const all = await expectWalk<{ id: number }>(h, treasurer.auth, "/api/v1/fee-schedules", "feeSchedules", 2, 4);
    expect(new Set(all.map((f) => f.id)).size).toBe(all.length);
  });

  it("billing runs: every run once over pages of one; a cursor it did not give out is a 400 invalid_cursor", async () => {
    h.clock.set("2026-05-02T09:00:00Z");
    for (const month of ["2026-02", "2026-03", "2026-04"])
      await api(h).post("/api/v1/billing-runs").set(treasurer.auth).send({ month }).expect(201);
    const walked = await walkList<{ id: number }>(h, treasurer.auth, "/api/v1/billing-runs", "billingRuns", 1);
    const ids = walked.items.map((r) => r.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(walked.pages).toBe(3);
    await expectBadCursor(h, treasurer.auth, "/api/v1/billing-runs", "bm90LWEtY3Vyc29y");
  });
});
