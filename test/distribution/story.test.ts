// From billing to payout: invoices, payments attributed to lines, a distribution run drafted (twice at
// once), approved into payables, a payout batch with its pain.001 file, the bank's confirmation and a
// return — and the books reconcile at every step. The journal is pinned as a markdown snapshot.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { convert } from "xmlbuilder2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows, toInt } from "../../src/db/sql.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { formatMoney } from "../../src/shared/money.js";
import { api, makeHarness, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";

let h: Harness;
let c: Commune;
beforeEach(async () => {
  h = await makeHarness({ INVOICE_PREFIX: "RCP", PAYMENT_TERMS_DAYS: 30, SELLER_IBAN: "DE89 3704 0044 0532 0130 00" });
  c = await Commune.create(h);
  h.clock.set("2026-03-01T09:00:00Z");
});
afterEach(async () => {
  await h.close();
});

/** The journal as a readable markdown table: entry, code, debit, credit, amount. */
async function journal(): Promise<string> {
  const rows = await queryRows<{
    id: unknown;
    code: string;
    debit_account: string;
    credit_account: string;
    amount_minor: unknown;
    currency: string;
  }>(
    h.db,
    sql`select t.id, t.code, x.debit_account, x.credit_account, x.amount_minor, x.currency from ledger_transactions t join ledger_transfers x on x.transaction_id = t.id order by t.id, x.id`,
  );
  const lines = rows.map(
    (r) => `| ${toInt(r.id)} | ${r.code} | ${r.debit_account} | ${r.credit_account} | ${formatMoney(toInt(r.amount_minor), r.currency)} |`,
  );
  return ["| entry | code | debit | credit | amount |", "| --- | --- | --- | --- | --- |", ...lines].join("\n") + "\n";
}

function matchGolden(actual: string, name: string): void {
  const file = join(import.meta.dirname, "__snapshots__", name);
  // Golden files change only on purpose: UPDATE_GOLDEN=1 rewrites them.
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  expect(existsSync(file), `${file} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

async function expectBooksWhole(): Promise<void> {
  expect(await checkLedger(h.db)).toEqual([]);
}

async function setUp() {
  const licensor = await c.org("Commons Coop", "worker_cooperative");
  await c.verify(licensor.id, "verified");
  const second = await c.org("Second Coop", "worker_cooperative");
  await c.verify(second.id, "verified");
  const helper = await c.org("Helper", "individual");
  const operations = await c.org("Commune Operations", "nonprofit");
  const w1 = await c.work("ledger-tool", licensor.id);
  const w2 = await c.work("left-pad", licensor.id);
  const acme = await c.org("Acme GmbH", "commercial", { headcount: 20 });
  const bigco = await c.org("BigCo", "commercial");
  await c.use(acme, [
    { workSlug: w1.slug, purpose: "commercial", startedOn: "2026-03-16" },
    { workSlug: w2.slug, purpose: "commercial", startedOn: "2025-06-01", endedOn: "2026-03-10" },
  ]);
  await c.use(bigco, { workSlug: w2.slug, purpose: "commercial", startedOn: "2026-01-01" });
  return { licensor, second, helper, operations, acme, bigco, w1, w2 };
}

describe("the fund's money, from billing to payout", () => {
  it("attributes, distributes, books payables, pays them out and reconciles", async () => {
    const { licensor, second, helper, operations, acme } = await setUp();
    const t = c.treasurer.auth;
    // Left-pad's licensor gives a quarter of it to Helper.
    await api(h)
      .put("/api/v1/works/left-pad/splits")
      .set(c.owner.auth)
      .send({ receivers: [{ organizationId: helper.id, weight: 250_000 }] })
      .expect(200);
    await api(h)
      .put("/api/v1/works/left-pad/splits")
      .set(t)
      .send({ receivers: [{ organizationId: licensor.id, weight: 1 }] })
      .expect(422);
    const policy = await api(h)
      .post("/api/v1/distribution-policies")
      .set(t)
      .send({
        effectiveOn: "2026-04-01",
        currency: "EUR",
        minimumPayout: { amount: "5.00", currency: "EUR" },
        buckets: [
          { key: "licensors", kind: "licensors", shareBps: 6000 },
          { key: "dividend", kind: "dividend", shareBps: 2000 },
          { key: "operations", kind: "fixed", shareBps: 1000, payeeOrganizationId: operations.id },
          { key: "reserve", kind: "reserve", shareBps: 1000 },
        ],
      });
    expect(policy.status).toBe(201);

    h.clock.set("2026-04-02T09:00:00Z");
    await api(h).post("/api/v1/billing-runs").set(t).send({ month: "2026-03" }).expect(201);
    const pay = (number: string, amount: string, key: string, paidOn: string) =>
      api(h)
        .post(`/api/v1/invoices/${number}/payments`)
        .set(t)
        .set("Idempotency-Key", key)
        .send({ amount: { amount, currency: "EUR" }, paidOn, reference: key })
        .expect(201);
    // Acme (25.81 + 16.13) pays in two parts, BigCo (2,000.00 for left-pad) once.
    await pay("RCP-2026-000001", "20.00", "a1", "2026-04-10");
    await pay("RCP-2026-000001", "21.94", "a2", "2026-04-12");
    await pay("RCP-2026-000002", "2000.00", "b1", "2026-04-15");
    await expectBooksWhole();

    await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-04" }).expect(422);
    h.clock.set("2026-05-02T09:00:00Z");
    // Two requests at once: one run.
    const [r1, r2] = await Promise.all([0, 1].map(() => api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-04" })));
    expect([r1!.status, r2!.status].sort()).toEqual([200, 201]);
    expect(r1!.body.id).toBe(r2!.body.id);
    const run = r1!.body;
    expect(run.pool.amountMinor).toBe(204_194);
    const allocated = run.allocations.reduce((s: number, a: { amount: { amountMinor: number } }) => s + a.amount.amountMinor, 0);
    expect(allocated + run.carried.amountMinor).toBe(run.pool.amountMinor);
    expect(run.dividend).toMatchObject({ workerOwners: 10, perCapita: { amountMinor: 4083 }, carried: { amountMinor: 9 } });
    expect(
      run.allocations.map(
        (a: { bucket: string; organizationId: number | null; workSlug: string | null; amount: { amountMinor: number } }) => [
          a.bucket,
          a.organizationId,
          a.workSlug,
          a.amount.amountMinor,
        ],
      ),
    ).toEqual([
      ["licensors", licensor.id, "ledger-tool", 1549],
      ["licensors", licensor.id, "left-pad", 90_726],
      ["licensors", helper.id, "left-pad", 30_242],
      ["dividend", licensor.id, null, 20_415],
      ["dividend", second.id, null, 20_415],
      ["operations", operations.id, null, 20_419],
      ["reserve", null, null, 20_419],
    ]);
    expect(run.exceptions.map((e: { kind: string }) => e.kind)).toEqual([
      "payee_details_missing",
      "payee_details_missing",
      "payee_details_missing",
      "payee_details_missing",
    ]);
    // Later policy versions may not reach back into a month that was run.
    await api(h)
      .post("/api/v1/distribution-policies")
      .set(t)
      .send({
        effectiveOn: "2026-04-15",
        currency: "EUR",
        minimumPayout: { amountMinor: 0, currency: "EUR" },
        buckets: [{ key: "reserve", kind: "reserve", shareBps: 10_000 }],
      })
      .expect(409);

    await api(h).post(`/api/v1/distribution-runs/${run.id}/approve`).set(t).expect(200);
    await api(h).post(`/api/v1/distribution-runs/${run.id}/approve`).set(t).expect(200);
    await expectBooksWhole();

    // Payees: Helper gives a bad IBAN first; Second Coop's minimum is above its share; Acme never sees them.
    const payee = (id: number, iban: string, extra: object = {}) =>
      api(h)
        .put(`/api/v1/organizations/${id}/payee`)
        .set(c.owner.auth)
        .send({ legalName: `Org ${id}`, country: "DE", iban, ...extra });
    await payee(helper.id, "DE89 3704 0044 0532 0130 01").expect(422);
    await payee(helper.id, "DE89 3704 0044 0532 0130 00").expect(200);
    await payee(licensor.id, "GB82 WEST 1234 5698 7654 32").expect(200);
    await payee(operations.id, "DE89370400440532013000").expect(200);
    await payee(second.id, "DE89370400440532013000", { minimumPayout: { amount: "500.00", currency: "EUR" } }).expect(200);
    const outsider = await Commune.create(h);
    await api(h).get(`/api/v1/organizations/${helper.id}/payee`).set(outsider.owner.auth).expect(404);
    expect(acme.id).toBeGreaterThan(0);

    const batch = await api(h).post("/api/v1/payout-batches").set(t).send({ executionDate: "2026-05-04" });
    expect(batch.status).toBe(201);
    expect(
      batch.body.payouts.map((p: { organizationId: number; amount: { amountMinor: number } }) => [p.organizationId, p.amount.amountMinor]),
    ).toEqual([
      [licensor.id, 1549 + 90_726 + 20_415],
      [helper.id, 30_242],
      [operations.id, 20_419],
    ]);
    await api(h).post("/api/v1/payout-batches").set(t).send({ executionDate: "2026-05-04" }).expect(409);
    await expectPain001(batch.body);

    await api(h).post(`/api/v1/payout-batches/${batch.body.id}/confirm`).set(t).expect(200);
    await api(h).post(`/api/v1/payout-batches/${batch.body.id}/confirm`).set(t).expect(200);
    await expectBooksWhole();
    const helperPayout = batch.body.payouts.find((p: { organizationId: number }) => p.organizationId === helper.id);
    await api(h).post(`/api/v1/payouts/${helperPayout.id}/return`).set(t).send({ reason: "Account closed" }).expect(200);
    await expectBooksWhole();

    const income = await api(h).get(`/api/v1/organizations/${helper.id}/income`).set(c.owner.auth).expect(200);
    expect(income.body.months).toEqual([
      expect.objectContaining({
        month: "2026-04",
        allocated: expect.objectContaining({ amountMinor: 30_242 }),
        paidOut: expect.objectContaining({ amountMinor: 0 }),
      }),
    ]);
    expect(income.body.notPaidYet).toEqual(["EUR 302.42 will be paid in the next payout batch"]);
    const licensorIncome = await api(h).get(`/api/v1/organizations/${licensor.id}/income`).set(c.owner.auth).expect(200);
    expect(licensorIncome.body.months).toMatchObject([
      { month: "2026-05", collected: { amountMinor: 0 }, paidOut: { amountMinor: 112_690 } },
      { month: "2026-04", collected: { amountMinor: 204_194 }, allocated: { amountMinor: 112_690 }, run: "approved" },
      { month: "2026-03", attributed: { amountMinor: 204_194 } },
    ]);
    matchGolden(await journal(), "story-journal.md");
  });
});

async function expectPain001(batch: { id: number; payouts: { amount: { amountMinor: number }; endToEndId: string }[] }) {
  const file = await api(h).get(`/api/v1/payout-batches/${batch.id}/pain.001.xml`).set(c.treasurer.auth).expect(200);
  expect(file.headers["content-type"]).toContain("application/xml");
  const doc = convert(file.text, { format: "object" }) as unknown as {
    Document: Record<string, unknown> & { CstmrCdtTrfInitn: { GrpHdr: Record<string, string>; PmtInf: Record<string, unknown> } };
  };
  expect(doc.Document["@xmlns"]).toBe("urn:iso:std:iso:20022:tech:xsd:pain.001.001.03");
  const { GrpHdr, PmtInf } = doc.Document.CstmrCdtTrfInitn;
  expect(Object.keys(GrpHdr)).toEqual(["MsgId", "CreDtTm", "NbOfTxs", "CtrlSum", "InitgPty"]);
  const total = batch.payouts.reduce((s, p) => s + p.amount.amountMinor, 0);
  expect(GrpHdr.NbOfTxs).toBe(String(batch.payouts.length));
  expect(GrpHdr.CtrlSum).toBe((total / 100).toFixed(2));
  expect(Object.keys(PmtInf).slice(0, 12)).toEqual([
    "PmtInfId",
    "PmtMtd",
    "BtchBookg",
    "NbOfTxs",
    "CtrlSum",
    "PmtTpInf",
    "ReqdExctnDt",
    "Dbtr",
    "DbtrAcct",
    "DbtrAgt",
    "ChrgBr",
    "CdtTrfTxInf",
  ]);
  const transfers = PmtInf.CdtTrfTxInf as { PmtId: { EndToEndId: string }; Amt: { InstdAmt: { "#": string } } }[];
  expect(transfers).toHaveLength(batch.payouts.length);
  for (const tx of transfers) expect(Object.keys(tx)).toEqual(["PmtId", "Amt", "Cdtr", "CdtrAcct", "RmtInf"]);
  expect(new Set(transfers.map((x) => x.PmtId.EndToEndId)).size).toBe(batch.payouts.length);
  expect(transfers.map((x) => x.Amt.InstdAmt["#"])).toEqual(batch.payouts.map((p) => (p.amount.amountMinor / 100).toFixed(2)));
}
