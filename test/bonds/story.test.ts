// The venture commune from proposal to redemption: a cooperative proposes an asset, the commune issues bonds,
// two member organizations subscribe, clearing books the proceeds, the rent run invoices the lessee (one month
// capped by its declared surplus, the principal deferred), each payment runs the waterfall to the holders'
// payables, a payout batch pays them, the last receipt redeems the issue, and the owned asset's rent joins the
// month's pool as social dividend. The books reconcile at every step; the journal is a markdown snapshot.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows, toInt } from "../../src/db/sql.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { formatMoney } from "../../src/shared/money.js";
import { api, makeHarness, makeUser, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";

let h: Harness;
let c: Commune;
beforeEach(async () => {
  h = await makeHarness({ INVOICE_PREFIX: "RCP", PAYMENT_TERMS_DAYS: 30 });
  c = await Commune.create(h);
  h.clock.set("2026-03-01T09:00:00Z");
});
afterEach(async () => {
  await h.close();
});

const eur = (amount: string) => ({ amount, currency: "EUR" });

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

async function member(name: string): Promise<{ user: TestUser; orgId: number }> {
  const user = await makeUser(h);
  const org = await c.org(name, "nonprofit", { owner: user });
  return { user, orgId: org.id };
}

/** Proposal, offer, a fixed-rate issue of 1,000.00 at 6 % over two months, 600.00 + 400.00 subscribed, cleared. */
async function clearedIssue(holders: { user: TestUser; orgId: number }[]) {
  const t = c.treasurer.auth;
  const proposal = {
    title: "Cargo bike fleet",
    description: "Six cargo bikes for the delivery cooperative",
    cost: eur("1000.00"),
    rentalOffer: { monthlyRent: eur("600.00"), termMonths: 2 },
  };
  const asset = await api(h).post("/api/v1/assets").set(c.owner.auth).send(proposal).expect(201);
  await api(h).post(`/api/v1/assets/${asset.body.id}/transitions`).set(t).send({ to: "offering", reason: "board approved" }).expect(200);
  const issue = await api(h)
    .post("/api/v1/bond-issues")
    .set(t)
    .send({
      assetId: asset.body.id,
      target: eur("1000.00"),
      minimum: eur("500.00"),
      maxRateBps: 600,
      mode: "fixed",
      opensOn: "2026-03-01",
      closesOn: "2026-03-31",
      termMonths: 2,
      repayment: "annuity",
      minSubscription: eur("0.01"),
      maxPerHolder: eur("1000.00"),
    })
    .expect(201);
  const amounts = ["600.00", "400.00"];
  for (const [i, holder] of holders.entries())
    await api(h)
      .post(`/api/v1/bond-issues/${issue.body.id}/subscriptions`)
      .set(holder.user.auth)
      .set("Idempotency-Key", `sub-${i}`)
      .send({ organizationId: holder.orgId, amount: eur(amounts[i]!) })
      .expect(201);
  h.clock.set("2026-03-31T12:00:00Z");
  await api(h).post(`/api/v1/bond-issues/${issue.body.id}/clear`).set(t).expect(200);
  return { assetId: asset.body.id as number, issueId: issue.body.id as number };
}

async function rentRun(month: string, on: string) {
  h.clock.set(`${on}T09:00:00Z`);
  const res = await api(h).post("/api/v1/rent-runs").set(c.treasurer.auth).send({ month });
  expect(res.status).toBe(200);
  return res.body as { invoices: { number: string; total: { amountMinor: number } }[]; months: Record<string, unknown>[] };
}

async function pay(number: string, amountMinor: number, paidOn: string) {
  await api(h)
    .post(`/api/v1/invoices/${number}/payments`)
    .set(c.treasurer.auth)
    .set("Idempotency-Key", `pay-${number}`)
    .send({ amount: { amountMinor, currency: "EUR" }, paidOn, reference: `rent ${number}` })
    .expect(201);
}

describe("the venture commune, from proposal to redemption", () => {
  it("finances an asset with bonds, repays them from rent and then pays rent into the dividend", async () => {
    const lessee = await c.org("Delivery Coop", "worker_cooperative");
    await c.verify(lessee.id, "verified");
    const [a, b] = [await member("Tool Library"), await member("Food Coop Association")];
    const { assetId, issueId } = await clearedIssue([a, b]);
    await expectBooksWhole();

    // April: the lessee declares 800.00 of surplus; the cap (400.00) is below the due (5.00 + 498.75): principal deferred.
    h.clock.set("2026-04-30T09:00:00Z");
    await api(h)
      .post(`/api/v1/assets/${assetId}/surplus`)
      .set(c.owner.auth)
      .send({ month: "2026-04", surplus: eur("800.00") })
      .expect(201);
    const april = await rentRun("2026-04", "2026-05-01");
    expect(april.invoices.map((i) => [i.number, i.total.amountMinor])).toEqual([["RCP-2026-000001", 40_000]]);
    expect(april.months[0]).toMatchObject({
      due: { interest: { amountMinor: 500 }, principal: { amountMinor: 49_875 } },
      deferred: { amountMinor: 10_375 },
    });
    expect((await rentRun("2026-04", "2026-05-01")).invoices).toEqual([]);
    await pay("RCP-2026-000001", 40_000, "2026-05-05");
    await expectBooksWhole();

    // May: off schedule (605.00 outstanding), no surplus declared: the due is invoiced at the offered rent.
    const may = await rentRun("2026-05", "2026-06-01");
    expect(may.months[0]).toMatchObject({
      due: { interest: { amountMinor: 303 }, principal: { amountMinor: 50_125 } },
      rent: { amountMinor: 60_000 },
    });
    await pay("RCP-2026-000002", 60_000, "2026-06-03");

    const holdings = await api(h).get(`/api/v1/organizations/${a.orgId}/holdings`).set(a.user.auth).expect(200);
    expect(holdings.body.holdings).toMatchObject([{ issueId, allotted: { amountMinor: 60_000 }, outstanding: { amountMinor: 6225 } }]);
    await api(h).get(`/api/v1/organizations/${a.orgId}/holdings`).set(b.user.auth).expect(404);

    // The holders are paid through the ordinary payout batch.
    for (const holder of [a, b])
      await api(h)
        .put(`/api/v1/organizations/${holder.orgId}/payee`)
        .set(holder.user.auth)
        .send({ legalName: `Org ${holder.orgId}`, country: "DE", iban: "DE89370400440532013000" })
        .expect(200);
    const batch = await api(h).post("/api/v1/payout-batches").set(c.treasurer.auth).send({ executionDate: "2026-06-05" }).expect(201);
    expect(batch.body.payouts.map((p: { organizationId: number }) => p.organizationId)).toEqual([a.orgId, b.orgId]);
    await api(h).post(`/api/v1/payout-batches/${batch.body.id}/confirm`).set(c.treasurer.auth).expect(200);
    await expectBooksWhole();

    // June: the schedule is spent; the deferred principal (103.75) is due and repaid: the issue is redeemed.
    await rentRun("2026-06", "2026-07-01");
    await pay("RCP-2026-000003", 60_000, "2026-07-02");
    const asset = await api(h).get(`/api/v1/assets/${assetId}`).set(c.owner.auth).expect(200);
    expect(asset.body.status).toBe("owned");
    await expectBooksWhole();

    // August: the owned asset's rent is all rent income, and the month's pool pays it as dividend.
    await rentRun("2026-08", "2026-09-01");
    await pay("RCP-2026-000004", 60_000, "2026-09-01");
    h.clock.set("2026-10-01T09:00:00Z");
    const run = await api(h).post("/api/v1/distribution-runs").set(c.treasurer.auth).send({ month: "2026-09" }).expect(201);
    expect(run.body.pool.amountMinor).toBe(60_000);
    expect(run.body.allocations.map((x: { bucket: string; amount: { amountMinor: number } }) => [x.bucket, x.amount.amountMinor])).toEqual([
      ["dividend", 60_000],
    ]);
    await api(h).post(`/api/v1/distribution-runs/${run.body.id}/approve`).set(c.treasurer.auth).expect(200);

    const publicAssets = await api(h).get("/api/v1/public/assets").expect(200);
    expect(publicAssets.body.assets).toMatchObject([
      {
        id: assetId,
        lessee: "Delivery Coop",
        status: "owned",
        bondsOutstanding: { amountMinor: 0 },
        rentCollected: { amountMinor: 220_000 },
      },
    ]);
    const june = await api(h).get("/api/v1/public/reports/2026-06").expect(200);
    expect(june.body.assets).toMatchObject({
      leased: 0,
      owned: 1,
      bondsOutstanding: { amountMinor: 10_375 },
      rentCollected: { amountMinor: 60_000 },
      interestPaid: { amountMinor: 303 },
    });
    const months = await api(h).get("/api/v1/rent-months").set(c.treasurer.auth).expect(200);
    expect(months.body.months.map((m: { month: string; review: boolean }) => [m.month, m.review])).toEqual([
      ["2026-04", false],
      ["2026-05", false],
      ["2026-06", false],
      ["2026-08", false],
    ]);
    await expectBooksWhole();
    matchGolden(await journal(), "venture-journal.md");
  });
});
