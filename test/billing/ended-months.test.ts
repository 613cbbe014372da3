// Only ended months are billed; a preview shows a run's invoices and writes nothing; a crashed run is
// marked so and completed by the next; a fee schedule never takes effect in a billed month (PRODUCT.md §13).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBilling } from "../../src/billing/run-billing.js";
import { previewBilling } from "../../src/billing/plan-billing.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { api, dumpDatabase, makeHarness, tableCounts, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";

let h: Harness;
let c: Commune;
beforeEach(async () => {
  h = await makeHarness();
  c = await Commune.create(h);
});
afterEach(async () => {
  await h.close();
});

async function firms(n: number) {
  const licensor = await c.org("Commons", "nonprofit");
  const w = await c.work("tool", licensor.id);
  const list = [];
  for (let i = 0; i < n; i++) {
    const firm = await c.org(`Firm ${i}`, "commercial", { headcount: 5 + i * 20 });
    await c.use(firm, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-02-10" });
    list.push(firm);
  }
  const coop = await c.org("Pending Coop", "worker_cooperative", { headcount: 5 });
  await c.use(coop, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-03-20" });
  return list;
}

/** Counts the event loop's turns (one `setImmediate` after another) until `stop()`, which returns the count. */
function countTurns(): { stop(): number } {
  let turns = 0;
  let counting = true;
  const count = () => {
    if (!counting) return;
    turns += 1;
    setImmediate(count);
  };
  setImmediate(count);
  return {
    stop: () => {
      counting = false;
      return turns;
    },
  };
}

describe("only ended months", () => {
  it("a run for a month not over is refused with month_not_over, from the API and the domain alike", async () => {
    await firms(1);
    h.clock.set("2026-03-31T23:59:59Z");
    const early = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" });
    expect(early.status).toBe(422);
    expect(early.body.code).toBe("month_not_over");
    const future = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2027-01" });
    expect(future.body.code).toBe("month_not_over");
    await expect(
      runBilling(
        h.db,
        { month: "2026-03", actorUserId: null },
        { clock: h.clock, signer: h.deps.signer, invoicePrefix: "RCP", paymentTermsDays: 30 },
      ),
    ).rejects.toMatchObject({ code: "month_not_over" });
    expect((await tableCounts(h.db)).billing_runs).toBe(0);
    h.clock.set("2026-04-01T00:00:00Z");
    await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
  });
});

describe("the preview", () => {
  it("shows what the run then issues, for treasurers only, and writes nothing", async () => {
    const [small, big] = await firms(2);
    h.clock.set("2026-04-02T09:00:00Z");
    await api(h).get("/api/v1/billing-runs/preview?month=2026-03").set(c.owner.auth).expect(403);
    const counts = await tableCounts(h.db);
    const dump = await dumpDatabase(h.db);
    const preview = await api(h).get("/api/v1/billing-runs/preview?month=2026-03").set(c.treasurer.auth).expect(200);
    expect(await tableCounts(h.db)).toEqual(counts);
    expect(await dumpDatabase(h.db)).toEqual(dump);

    expect(preview.body.invoices.map((i: { organizationId: number; status: string }) => [i.organizationId, i.status])).toEqual([
      [small!.id, "issued"],
      [big!.id, "issued"],
      [expect.any(Number), "held"],
    ]);
    expect(preview.body.invoices[0].lines).toEqual([
      {
        workSlug: "tool",
        month: "2026-03",
        kind: "fee",
        description: expect.stringContaining("31/31 days"),
        days: 31,
        amount: { amountMinor: 1_000, currency: "EUR", formatted: "EUR 10.00" },
      },
    ]);
    const run = await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
    expect(
      run.body.invoices.map((i: { organizationId: number; status: string; total: object }) => [i.organizationId, i.status, i.total]),
    ).toEqual(
      preview.body.invoices.map((i: { organizationId: number; status: string; total: object }) => [i.organizationId, i.status, i.total]),
    );
    const sum = run.body.invoices.reduce((s: number, i: { total: { amountMinor: number } }) => s + i.total.amountMinor, 0);
    expect(preview.body.total.amountMinor).toBe(sum);
    for (const planned of preview.body.invoices.filter((i: { status: string }) => i.status !== "held")) {
      const number = run.body.invoices.find((i: { organizationId: number }) => i.organizationId === planned.organizationId).number;
      const issued = (await api(h).get(`/api/v1/invoices/${number}`).set(c.treasurer.auth).expect(200)).body;
      expect(issued.lines.map((l: { month: string; amount: object; description: string }) => [l.month, l.amount, l.description])).toEqual(
        planned.lines.map((l: { month: string; amount: object; description: string }) => [l.month, l.amount, l.description]),
      );
    }
    // Once billed, the preview of the month shows nothing more to issue.
    expect((await api(h).get("/api/v1/billing-runs/preview?month=2026-03").set(c.treasurer.auth).expect(200)).body.invoices).toEqual([]);
    const notOver = await api(h).get("/api/v1/billing-runs/preview?month=2026-04").set(c.treasurer.auth);
    expect(notOver.body.code).toBe("month_not_over");
  });
});

describe("a run that crashed", () => {
  it("is marked crashed, and the next run of the month completes it and says so", async () => {
    await firms(5);
    h.clock.set("2026-04-02T09:00:00Z");
    const deps = { clock: h.clock, signer: h.deps.signer, invoicePrefix: "RCP", paymentTermsDays: 30 };
    const crash = runBilling(
      h.db,
      {
        month: "2026-03",
        actorUserId: null,
        chunkSize: 2,
        onProgress: (done) => {
          if (done > 0) throw new Error("power cut");
        },
      },
      deps,
    );
    await expect(crash).rejects.toThrow("power cut");
    expect((await tableCounts(h.db)).invoices).toBe(2);
    const second = await runBilling(h.db, { month: "2026-03", actorUserId: null }, deps);
    expect(second.invoicesCreated).toBe(4);
    const runs = (await api(h).get("/api/v1/billing-runs").set(c.treasurer.auth).expect(200)).body.billingRuns;
    expect(runs).toEqual([
      expect.objectContaining({ status: "crashed", invoicesCreated: 2, resumedByRunId: second.runId, finishedAt: expect.any(String) }),
      expect.objectContaining({ id: second.runId, status: "completed", invoicesCreated: 4, resumedByRunId: null }),
    ]);
    expect(await checkLedger(h.db)).toEqual([]);
  });
});

describe("a run and the server", () => {
  it("lets the event loop turn between chunks, so requests are answered while a run writes", async () => {
    await firms(4);
    h.clock.set("2026-04-02T09:00:00Z");
    const deps = { clock: h.clock, signer: h.deps.signer, invoicePrefix: "RCP", paymentTermsDays: 30 };
    const loop = countTurns();
    // On SQLite every query is synchronous: without a turn of the loop, nothing else would run until the end.
    const run = await runBilling(h.db, { month: "2026-03", actorUserId: null, chunkSize: 1 }, deps);
    const turns = loop.stop();
    expect(run.invoicesCreated).toBeGreaterThanOrEqual(4);
    expect(turns).toBeGreaterThanOrEqual(run.invoicesCreated);
  });

  it("lets the event loop turn between planned batches of a preview too", async () => {
    await firms(4);
    h.clock.set("2026-04-02T09:00:00Z");
    const loop = countTurns();
    const preview = await previewBilling(h.db, "2026-03", { catchUpMonths: 0, batchSize: 1 });
    const turns = loop.stop();
    expect(preview.invoices.length).toBeGreaterThanOrEqual(4);
    expect(turns).toBeGreaterThanOrEqual(preview.invoices.length);
  });
});

describe("fee schedule versions", () => {
  const bands = [{ minHeadcount: 1, maxHeadcount: null, annualFee: { amount: "100.00", currency: "EUR" } }];
  it("never take effect in a month already billed", async () => {
    await firms(1);
    h.clock.set("2026-04-02T09:00:00Z");
    const unused = await api(h)
      .post("/api/v1/fee-schedules")
      .set(c.treasurer.auth)
      .send({ effectiveOn: "2026-03-15", currency: "EUR", bands });
    expect(unused.status).toBe(201);
    await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
    for (const effectiveOn of ["2026-03-31", "2026-02-01", "2025-06-01"]) {
      const res = await api(h).post("/api/v1/fee-schedules").set(c.treasurer.auth).send({ effectiveOn, currency: "EUR", bands });
      expect(res.status, effectiveOn).toBe(422);
      expect(res.body.code).toBe("month_already_billed");
      expect(res.body.errors).toEqual([{ path: "/effectiveOn", message: expect.stringContaining("2026-03") }]);
    }
    // The version of 15 March took effect in March, billed now (with the version in force on 1 March): it stays as it is.
    const replace = await api(h).put(`/api/v1/fee-schedules/${unused.body.id}`).set(c.treasurer.auth).send({ currency: "EUR", bands });
    expect(replace.body.code).toBe("month_already_billed");
    await api(h)
      .post("/api/v1/fee-schedules")
      .set(c.treasurer.auth)
      .send({ effectiveOn: "2026-04-01", currency: "EUR", bands })
      .expect(201);
    const rate = await api(h)
      .post("/api/v1/exchange-rates")
      .set(c.treasurer.auth)
      .send({ fromCurrency: "USD", toCurrency: "EUR", effectiveOn: "2026-03-01", rate: "0.9" });
    expect(rate.body.code).toBe("month_already_billed");
  });
});
