// The public transparency report: figures recomputed from the story, cells about fewer than 3
// organizations hidden, and the page's charts (axes, values, legend) without any script.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, makeHarness, type Harness } from "../support/harness.js";
import { workCells } from "../../src/books/report-distribution.js";
import { billTwoMonths, distributeFebruary, type BooksStory } from "./books-story.js";

let h: Harness;
let story: BooksStory;
beforeAll(async () => {
  h = await makeHarness();
  story = await billTwoMonths(h);
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe("the transparency report", () => {
  it("reports February: three invoices issued, two payers and one credit note hidden as <3", async () => {
    const res = await api(h).get("/api/v1/public/reports/2026-02").expect(200);
    const r = res.body;
    expect(r.status).toBe("provisional");
    expect(r.fund.opening.amountMinor).toBe(0);
    expect(r.invoiced.organizations).toBe(3);
    expect(r.invoiced.amount.amountMinor).toBeGreaterThan(0);
    expect(r.collected).toEqual({ organizations: "<3", amount: null });
    expect(r.credited).toEqual({ organizations: "<3", amount: null });
    // What came in is what the fund holds at the end of the month (nothing was paid out).
    const march = (await api(h).get("/api/v1/public/reports/2026-03").expect(200)).body;
    expect(march.fund.opening).toEqual(r.fund.closing);
    expect(r.fund.closing.amountMinor).toBeGreaterThan(0);
    expect(r.receivablesByAge.map((b: { bucket: string }) => b.bucket)).toEqual([
      "current",
      "1–30 days",
      "31–60 days",
      "61–90 days",
      "90+ days",
    ]);
    expect(r.payersByHeadcount.every((b: { organizations: number | string }) => b.organizations === "<3" || b.organizations === 0)).toBe(
      true,
    );
    expect(r.checkpoint.treeSize).toBeGreaterThan(0);
    await api(h).get("/api/v1/public/reports/2099-01").expect(404);
    await api(h).get("/api/v1/public/reports/2026-13").expect(404);
  });

  it("shows the month as a page with charts and lists the months", async () => {
    const page = await api(h).get("/transparency/2026-02").expect(200);
    expect(page.text).toContain("<svg");
    expect(page.text).toContain("&lt;3");
    expect(page.text).toMatch(/invoiced \(EUR\)/);
    const list = await api(h).get("/transparency").expect(200);
    expect(list.text).toContain('href="/transparency/2026-02"');
    await api(h).get("/transparency/2099-01").expect(404);
  });
});

describe("the report once the month is distributed", () => {
  it("is final once February's run is approved, with its buckets and works merged below 3 payers", async () => {
    const before = (await api(h).get("/api/v1/public/reports/2026-02").expect(200)).body;
    expect(before.distribution).toBeNull();
    await distributeFebruary(h, story);
    const r = (await api(h).get("/api/v1/public/reports/2026-02").expect(200)).body;
    expect(r.status).toBe("final");
    expect(r.statusReason).toMatch(/approved/);
    // Two organizations paid in February: every distribution cell is "<3", both works merged.
    expect(r.distribution).toEqual({
      runStatus: "approved",
      pool: null,
      buckets: ["licensors", "dividend", "operations", "reserve"].map((bucket) => ({
        bucket,
        kind: expect.any(String),
        organizations: "<3",
        amount: null,
      })),
      works: [{ work: "other works", organizations: "<3", amount: null }],
    });
    expect(r.checkpoint.treeSize).toBeGreaterThan(before.checkpoint.treeSize);
    const march = (await api(h).get("/api/v1/public/reports/2026-03").expect(200)).body;
    expect(march.status).toBe("provisional");
    expect(march.statusReason).toMatch(/no distribution run/);
    const page = await api(h).get("/transparency/2026-02").expect(200);
    expect(page.text).toContain("Distributed per bucket");
    expect(page.text).toContain("work other works");
  });

  it("shows a work paid for by 3 organizations and merges the rest", () => {
    const works = new Map([
      [1, { slug: "alpha", minor: 900 }],
      [2, { slug: "beta", minor: 50 }],
      [3, { slug: "gamma", minor: 70 }],
    ]);
    const payers = new Map([
      [1, new Set([10, 11, 12])],
      [2, new Set([10])],
      [3, new Set([11])],
    ]);
    expect(workCells(works, payers, "EUR")).toEqual([
      { work: "alpha", organizations: 3, amount: { amountMinor: 900, currency: "EUR", formatted: expect.any(String) } },
      { work: "other works", organizations: "<3", amount: null },
    ]);
    payers.set(3, new Set([12, 13]));
    expect(workCells(works, payers, "EUR")[1]).toEqual({
      work: "other works",
      organizations: 3,
      amount: { amountMinor: 120, currency: "EUR", formatted: expect.any(String) },
    });
  });
});
