// Fee schedules and billing runs page like every other list: `?limit=`, an opaque `?cursor=`, `next` and `Link`.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, makeHarness, makeUser, type Harness, type TestUser } from "../support/harness.js";

let h: Harness;
let treasurer: TestUser;
beforeEach(async () => {
  h = await makeHarness();
  treasurer = await makeUser(h, { treasurer: true });
});
afterEach(async () => {
  await h.close();
});

/** Every item of a list, page by page (`limit` items a page), following `next`. */
async function walk(path: string, field: string, limit: number): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = [];
  let url: string | null = `${path}?limit=${limit}`;
  let pages = 0;
  while (url) {
    const res = await api(h)
      .get(url.replace(/^https?:\/\/[^/]+/, ""))
      .set(treasurer.auth)
      .expect(200);
    const items = res.body[field] as { id: number }[];
    expect(items.length).toBeLessThanOrEqual(limit);
    ids.push(...items.map((i) => i.id));
    url = res.body.next as string | null;
    if (url) expect(res.headers.link).toBe(`<${url}>; rel="next"`);
    else expect(res.headers.link).toBeUndefined();
    pages += 1;
  }
  return { ids, pages };
}

const bands = [{ minHeadcount: 1, maxHeadcount: null, annualFee: { amount: "100.00", currency: "EUR" } }];

describe("list pages", () => {
  it("fee schedules: every version once, oldest first, over pages of two", async () => {
    for (const effectiveOn of ["2026-05-01", "2026-06-01", "2026-07-01"])
      await api(h).post("/api/v1/fee-schedules").set(treasurer.auth).send({ effectiveOn, currency: "EUR", bands }).expect(201);
    const whole = await api(h).get("/api/v1/fee-schedules?limit=200").set(treasurer.auth).expect(200);
    expect(whole.body.next).toBeNull();
    const all = (whole.body.feeSchedules as { id: number }[]).map((f) => f.id);
    expect(all.length).toBeGreaterThanOrEqual(4);
    const walked = await walk("/api/v1/fee-schedules", "feeSchedules", 2);
    expect(walked.ids).toEqual(all);
    expect(walked.pages).toBe(Math.ceil(all.length / 2));
  });

  it("billing runs: every run once over pages of one; a cursor it did not give out is a 400 invalid_cursor", async () => {
    h.clock.set("2026-05-02T09:00:00Z");
    for (const month of ["2026-02", "2026-03", "2026-04"])
      await api(h).post("/api/v1/billing-runs").set(treasurer.auth).send({ month }).expect(201);
    const walked = await walk("/api/v1/billing-runs", "billingRuns", 1);
    expect(walked.ids).toHaveLength(3);
    expect(new Set(walked.ids).size).toBe(3);
    expect(walked.pages).toBe(3);
    const bad = await api(h).get("/api/v1/billing-runs?cursor=bm90LWEtY3Vyc29y").set(treasurer.auth).expect(400);
    expect(bad.body.errors).toEqual([{ path: "/query/cursor", message: expect.any(String) }]);
  });
});
