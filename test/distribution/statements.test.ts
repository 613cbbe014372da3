// Statements: issued per organization and month when the month's run is approved, numbered without gaps
// from their own sequence (also when two approvals run at once), opening + allocated − paid out = closing
// = the payable's ledger balance, listed in cursor pages, read by members and treasurers only.
import { readdirSync, readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { execute, queryRows, toInt } from "../../src/db/sql.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { payables } from "../../src/payouts/payables.js";
import { enterGateAsCash } from "../../src/distribution/distribution-gate.js";
import { api, makeHarness, makeUser, testEngine, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";

let h: Harness;
let c: Commune;
beforeEach(async () => {
  h = await makeHarness({ SELLER_IBAN: "DE89 3704 0044 0532 0130 00" });
  c = await Commune.create(h);
  h.clock.set("2026-03-01T09:00:00Z");
});
afterEach(async () => {
  await h.close();
});

async function world() {
  const t = c.treasurer.auth;
  const licensor = await c.org("Commons Coop", "worker_cooperative");
  await c.verify(licensor.id, "verified");
  const work = await c.work("ledger-tool", licensor.id);
  const acme = await c.org("Acme GmbH", "commercial", { headcount: 20 });
  await c.use(acme, { workSlug: work.slug, purpose: "commercial", startedOn: "2026-03-01" });
  h.clock.set("2026-04-02T09:00:00Z");
  await api(h).post("/api/v1/billing-runs").set(t).send({ month: "2026-03" }).expect(201);
  const pay = (amount: string, key: string, paidOn: string) =>
    api(h)
      .post("/api/v1/invoices/RCP-2026-000001/payments")
      .set(t)
      .set("Idempotency-Key", key)
      .send({ amount: { amount, currency: "EUR" }, paidOn, reference: key })
      .expect(201);
  await pay("41.94", "p1", "2026-04-10");
  await api(h)
    .put(`/api/v1/organizations/${licensor.id}/payee`)
    .set(c.owner.auth)
    .send({
      legalName: "Commons Coop eG",
      country: "DE",
      iban: "DE44 5001 0517 5407 3249 31",
      minimumPayout: { amount: "1.00", currency: "EUR" },
    })
    .expect(200);
  h.clock.set("2026-05-02T09:00:00Z");
  return { t, licensor, pay };
}

describe("statements", () => {
  it("are issued on approval with their own numbers, add up to the payable and page by cursor", async () => {
    const { t, licensor, pay } = await world();
    const april = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-04" }).expect(201);
    await api(h).post(`/api/v1/distribution-runs/${april.body.id}/approve`).set(t).expect(200);
    const batch = await api(h).post("/api/v1/payout-batches").set(t).send({ executionDate: "2026-05-04" }).expect(201);
    await api(h).post(`/api/v1/payout-batches/${batch.body.id}/confirm`).set(t).expect(200);
    await pay("8.06", "p2", "2026-05-10");
    h.clock.set("2026-06-02T09:00:00Z");
    const may = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-05" }).expect(201);
    await api(h).post(`/api/v1/distribution-runs/${may.body.id}/approve`).set(t).expect(200);

    // Runs and payout batches page by cursor too.
    const runs1 = await api(h).get("/api/v1/distribution-runs?limit=1").set(t).expect(200);
    expect(runs1.body.distributionRuns.map((r: { month: string }) => r.month)).toEqual(["2026-04"]);
    const runs2 = await api(h)
      .get(runs1.body.next.replace(/^https?:\/\/[^/]+/, ""))
      .set(t)
      .expect(200);
    expect([runs2.body.distributionRuns.map((r: { month: string }) => r.month), runs2.body.next]).toEqual([["2026-05"], null]);
    const batches = await api(h).get("/api/v1/payout-batches?limit=1").set(t).expect(200);
    expect([batches.body.payoutBatches.map((b: { id: number }) => b.id), batches.body.next]).toEqual([[batch.body.id], null]);
    await api(h).get("/api/v1/payout-batches").set(c.owner.auth).expect(403);

    const base = `/api/v1/organizations/${licensor.id}/statements`;
    const first = await api(h).get(`${base}?limit=1`).set(c.owner.auth).expect(200);
    expect(first.body.statements.map((s: { number: string; month: string }) => [s.number, s.month])).toEqual([
      ["ST-2026-000002", "2026-05"],
    ]);
    expect(first.body.next).toMatch(/cursor=/);
    const second = await api(h)
      .get(first.body.next.replace(/^https?:\/\/[^/]+/, ""))
      .set(c.owner.auth)
      .expect(200);
    expect(second.body.statements.map((s: { number: string }) => s.number)).toEqual(["ST-2026-000001"]);
    expect(second.body.next).toBeNull();

    const aprilRes = await api(h).get(`${base}/2026-04`).set(c.owner.auth);
    expect(aprilRes.status, aprilRes.text).toBe(200);
    const aprilStatement = aprilRes.body;
    expect(aprilStatement.opening.amountMinor).toBe(0);
    expect(aprilStatement.paidOut.amountMinor).toBe(0);
    expect(aprilStatement.closing.amountMinor).toBe(aprilStatement.allocated.amountMinor);
    const mayStatement = (await api(h).get(`${base}/2026-05`).set(t).expect(200)).body;
    expect(mayStatement.opening).toEqual(aprilStatement.closing);
    expect(mayStatement.payouts).toEqual([
      { endToEndId: batch.body.payouts[0].endToEndId, kind: "confirmed", amount: batch.body.payouts[0].amount },
    ]);
    const sum = (xs: { amount: { amountMinor: number } }[]) => xs.reduce((s, x) => s + x.amount.amountMinor, 0);
    expect(sum(mayStatement.allocations)).toBe(mayStatement.allocated.amountMinor);
    expect(mayStatement.opening.amountMinor + mayStatement.allocated.amountMinor - mayStatement.paidOut.amountMinor).toBe(
      mayStatement.closing.amountMinor,
    );
    const [owed] = await payables(h.db, licensor.id);
    expect(mayStatement.closing.amountMinor).toBe(owed!.balanceMinor);
    expect(await checkLedger(h.db)).toEqual([]);

    await api(h).get(`${base}/2026-03`).set(c.owner.auth).expect(404);
    await api(h).get(`${base}/2026-13`).set(c.owner.auth).expect(404);
    await api(h).get(`${base}?cursor=nonsense`).set(c.owner.auth).expect(400);
    const stranger = await makeUser(h);
    await api(h).get(base).set(stranger.auth).expect(404);
    await api(h).get(`${base}/2026-04`).set(stranger.auth).expect(404);
    // Statements are append-only.
    const refused = await h.db.transaction((tx) => execute(tx, sql`update statements set issued_at = 'x'`)).catch((e: Error) => e);
    expect(((refused as Error).cause as Error | undefined)?.message ?? (refused as Error).message).toMatch(/append-only/);
  });

  it("are numbered without gaps when two approvals run at once", async () => {
    const { t, pay } = await world();
    const april = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-04" }).expect(201);
    await pay("8.06", "p2", "2026-05-10");
    h.clock.set("2026-06-02T09:00:00Z");
    const may = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-05" }).expect(201);
    const approvals = await Promise.all(
      [april.body.id, may.body.id, april.body.id].map((id) => api(h).post(`/api/v1/distribution-runs/${id}/approve`).set(t)),
    );
    expect(approvals.map((r) => r.status)).toEqual([200, 200, 200]);
    const rows = await queryRows<{ number: string }>(h.db, sql`select number from statements order by number`);
    const [seq] = await queryRows<{ last_number: unknown }>(
      h.db,
      sql`select last_number from statement_number_sequences where year = 2026`,
    );
    expect(rows.map((r) => r.number)).toEqual(["ST-2026-000001", "ST-2026-000002"]);
    expect(toInt(seq!.last_number)).toBe(2);
    expect(await checkLedger(h.db)).toEqual([]);
  });
});

describe("cash recorded after its month's run", () => {
  it("is listed as an exception of that run and distributed by the next one", async () => {
    const { t, pay } = await world();
    const april = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-04" }).expect(201);
    expect(april.body.pool.amountMinor).toBe(4194);
    h.clock.set("2026-05-03T09:00:00Z");
    // Paid in April, recorded after April's run read.
    await pay("8.06", "late", "2026-04-20");
    const again = await api(h).get(`/api/v1/distribution-runs/${april.body.id}`).set(t).expect(200);
    expect(again.body.pool.amountMinor).toBe(4194);
    expect(again.body.exceptions.map((e: { kind: string }) => e.kind)).toContain("recorded_after_run");
    await api(h).post(`/api/v1/distribution-runs/${april.body.id}/approve`).set(t).expect(200);
    h.clock.set("2026-06-02T09:00:00Z");
    const may = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-05" }).expect(201);
    // May had no payment of its own: its pool is April's late 8.06 (plus nothing else), every minor unit once.
    expect(may.body.pool.amountMinor).toBe(806);
    const workCash = may.body.allocations.find((a: { basis: { kind: string } }) => a.basis.kind === "work").basis.workCashMinor;
    expect(workCash).toBe(806);
    h.clock.set("2026-07-02T09:00:00Z");
    const june = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-06" }).expect(201);
    expect(june.body.pool.amountMinor).toBe(0);
    expect(await checkLedger(h.db)).toEqual([]);
    // Work cash is a derived sum: the late cash sits under April's month, recorded after April's run.
    const cash = await queryRows<{ month: string; recorded_after: string; cash: unknown }>(
      h.db,
      sql`select month, recorded_after, cash_minor as cash from work_cash order by month, recorded_after`,
    );
    expect(cash.map((r) => [r.month, r.recorded_after, toInt(r.cash)])).toEqual([
      ["2026-04", "", 4194],
      ["2026-04", "2026-04", 806],
    ]);
    // ledger check catches a sum that drifted from its attributions.
    await h.db.transaction((tx) => execute(tx, sql`update work_cash set cash_minor = cash_minor + 1 where recorded_after = '2026-04'`));
    expect((await checkLedger(h.db)).map((v) => v.invariant)).toEqual(["work cash equals the attributions it sums"]);
    // The migration's backfill (for databases with attributions from before work cash) rebuilds it exactly.
    const backfill = readdirSync(`db/migrations/${testEngine()}`).find((f) => f.endsWith("_work_cash_backfill.sql"))!;
    await h.db.transaction(async (tx) => {
      await execute(tx, sql`delete from work_cash`);
      await execute(tx, sql.raw(readFileSync(`db/migrations/${testEngine()}/${backfill}`, "utf8")));
    });
    expect(await checkLedger(h.db)).toEqual([]);
    expect(toInt((await queryRows<{ s: unknown }>(h.db, sql`select sum(cash_minor) as s from work_cash`))[0]!.s)).toBe(5000);
  });

  it("recorded at the same instant as the run, after it, goes to the next run once (the gate dates it after the run)", async () => {
    const { t, pay } = await world();
    const april = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-04" }).expect(201);
    // The clock does not move: the late payment carries the run's own instant.
    await pay("8.06", "same-instant", "2026-04-20");
    await api(h).post(`/api/v1/distribution-runs/${april.body.id}/approve`).set(t).expect(200);
    h.clock.set("2026-06-02T09:00:00Z");
    const may = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-05" }).expect(201);
    expect(may.body.pool.amountMinor).toBe(806);
    h.clock.set("2026-07-02T09:00:00Z");
    const june = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-06" }).expect(201);
    expect(june.body.pool.amountMinor).toBe(0);
  });

  it("a run waits for cash being attributed, then distributes it", async () => {
    const { t } = await world();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inGate = new Promise<void>((resolve) => (entered = resolve));
    // A transaction that holds the gate as cash does (a payment being recorded, not committed yet).
    const paying = h.db.transaction(async (tx) => {
      await enterGateAsCash(tx, "2026-05-02T09:00:00.000Z");
      entered();
      await held;
    });
    await inGate;
    let finished = false;
    const running = api(h)
      .post("/api/v1/distribution-runs")
      .set(t)
      .send({ month: "2026-04" })
      .then((r) => {
        finished = true;
        return r;
      });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const finishedWhilePaying = finished;
    release();
    await paying;
    expect(finishedWhilePaying).toBe(false);
    const april = await running;
    expect(april.status).toBe(201);
    expect(april.body.pool.amountMinor).toBe(4194);
  });
});
