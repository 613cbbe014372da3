// The venture commune's edges: rent is invoiced whatever fee invoice the lessee has; late or short rent stays due
// on its invoice (overdue, reminded) and is never invoiced twice, while the cap's deferred interest becomes the
// holders' arrears at the rent run; a paid rent invoice is neither voided nor refunded; and a returned asset is
// sold holders first — paid pro rata, any shortfall written off, any surplus into the month's pool — with the
// books whole at every step.
import request from "supertest";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { feeSchedules, invoices } from "../../src/db/schema.js";
import { queryRows, toInt } from "../../src/db/sql.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { claimOverdueInvoices } from "../../src/invoices/overdue-mails.js";
import { api, makeHarness, makeUser, passwordHashFor, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { bondHolder, eur, financedAsset, ventureCommune, type BondHolder } from "../support/ventures.js";

let h: Harness;
let c: Commune;
let assetId: number;
let lesseeId: number;
let holders: BondHolder[];
const minor = (amountMinor: number) => ({ amountMinor, currency: "EUR" });

/** A 2,400.00 asset financed at 4 % straight line over 24 months by two holders, 1,400.00 and 1,000.00. */
beforeEach(async () => {
  h = await makeHarness({ INVOICE_PREFIX: "RCP", PAYMENT_TERMS_DAYS: 30 });
  ({ c, lesseeId } = await ventureCommune(h));
  holders = [await bondHolder(h, c, "Credit Union"), await bondHolder(h, c, "Tool Library")];
  ({ assetId } = await financedAsset(h, c, {
    title: "Oven",
    cost: "2400.00",
    monthlyRent: "150.00",
    subscriptions: holders.map((holder, i) => ({ ...holder, amount: ["1400.00", "1000.00"][i]! })),
  }));
});
afterEach(async () => {
  await h.close();
});

async function rentRun(month: string, on: string) {
  h.clock.set(`${on}T09:00:00Z`);
  return (await api(h).post("/api/v1/rent-runs").set(c.treasurer.auth).send({ month }).expect(200)).body as {
    invoices: { id: number; number: string; total: { amountMinor: number } }[];
    months: { due: Record<string, { amountMinor: number }>; rent: { amountMinor: number } }[];
    skipped: unknown[];
  };
}

async function pay(number: string, amountMinor: number, paidOn: string, key: string) {
  await api(h)
    .post(`/api/v1/invoices/${number}/payments`)
    .set(c.treasurer.auth)
    .set("Idempotency-Key", key)
    .send({ amount: minor(amountMinor), paidOn, reference: `rent ${number}` })
    .expect(201);
}

/** The two holders' positions, summed: outstanding, arrears, interest and principal received, written off. */
async function positions() {
  let outstanding = 0,
    arrears = 0,
    interest = 0,
    principal = 0,
    writtenOff = 0;
  for (const holder of holders) {
    const res = await api(h).get(`/api/v1/organizations/${holder.organizationId}/holdings`).set(holder.user.auth).expect(200);
    for (const x of res.body.holdings as Record<string, { amountMinor: number }>[]) {
      outstanding += x.outstanding!.amountMinor;
      arrears += x.interestArrears!.amountMinor;
      interest += x.interestReceived!.amountMinor;
      principal += x.principalReceived!.amountMinor;
      writtenOff += x.writtenOff!.amountMinor;
    }
  }
  return { outstanding, arrears, interest, principal, writtenOff };
}

describe("rent beside the lessee's other invoices", () => {
  it("is invoiced although the lessee has a fee invoice of the month; a second rent invoice of the month is refused by the index", async () => {
    const [schedule] = await h.db.select({ id: feeSchedules.id }).from(feeSchedules).limit(1);
    const fee = {
      organizationId: lesseeId,
      month: "2026-04",
      status: "held" as const,
      currency: "EUR",
      totalMinor: 0,
      feeScheduleId: schedule!.id,
      buyerName: "Bakery Coop",
      createdAt: "2026-05-01T00:00:00Z",
    };
    await h.db.transaction(async (tx) => tx.insert(invoices).values(fee));
    const run = await rentRun("2026-04", "2026-05-01");
    expect(run.skipped).toEqual([]);
    expect(run.invoices.map((i) => [i.number, i.total.amountMinor])).toEqual([["RCP-2026-000001", 15_000]]);
    const kinds = await h.db.select({ kind: invoices.kind, number: invoices.number }).from(invoices).orderBy(invoices.id);
    expect(kinds).toEqual([
      { kind: "fees", number: null },
      { kind: "rent", number: "RCP-2026-000001" },
    ]);
    const again = await h.db
      .transaction(async (tx) => tx.insert(invoices).values({ ...fee, kind: "rent" }))
      .then(
        () => "accepted",
        () => "refused",
      );
    expect(again).toBe("refused");
    expect(await checkLedger(h.db)).toEqual([]);
  });
});

describe("a month before the lease", () => {
  it("owes no rent: the run for it invoices nothing, and the first leased month is the schedule's first row", async () => {
    const february = await rentRun("2026-02", "2026-04-01");
    expect(february.invoices).toEqual([]);
    expect(february.months).toEqual([]);
    const march = await rentRun("2026-03", "2026-04-01");
    expect(march.invoices).toHaveLength(1);
    expect(await checkLedger(h.db)).toEqual([]);
  });
});

describe("late and short rent", () => {
  it("stays due on its invoice, overdue and reminded, is not invoiced again, and pays the holders when it arrives", async () => {
    const april = await rentRun("2026-04", "2026-05-01");
    const number = april.invoices[0]!.number;
    // Short: 5.00 of the 8.00 interest. The rest stays on the invoice; the holders' arrears do not grow.
    await pay(number, 500, "2026-05-02", "p1");
    expect(await positions()).toMatchObject({ arrears: 0, interest: 500, principal: 0 });

    h.clock.set("2026-06-01T09:00:00Z");
    const months = await api(h).get("/api/v1/rent-months").set(c.treasurer.auth).expect(200);
    expect(months.body.months[0]).toMatchObject({
      month: "2026-04",
      invoiceNumber: number,
      dueOn: "2026-05-31",
      unpaid: { amountMinor: 14_500 },
      overdue: true,
    });
    expect(await claimOverdueInvoices(h.db, { clock: h.clock })).toEqual([april.invoices[0]!.id]);

    // May: no arrears invoiced (April's interest is still due on April's invoice), the whole month's interest on
    // the 2,400.00 still outstanding, and the next row's principal.
    const may = await rentRun("2026-05", "2026-06-01");
    expect(may.months[0]).toMatchObject({
      due: { arrears: { amountMinor: 0 }, interest: { amountMinor: 800 }, principal: { amountMinor: 10_000 } },
      rent: { amountMinor: 15_000 },
    });
    // April's rest arrives late: April's interest and principal, as invoiced, without penalty.
    await pay(number, 14_500, "2026-06-02", "p2");
    await pay(may.invoices[0]!.number, 15_000, "2026-06-03", "p3");
    expect(await positions()).toMatchObject({ outstanding: 220_000, arrears: 0, interest: 1600, principal: 20_000 });
    const after = await api(h).get("/api/v1/rent-months").set(c.treasurer.auth).expect(200);
    expect(after.body.months.map((m: { overdue: boolean }) => m.overdue)).toEqual([false, false]);
    expect(await checkLedger(h.db)).toEqual([]);
  });

  it("turns the interest the cap defers into the holders' arrears at the rent run, invoiced the month after", async () => {
    h.clock.set("2026-04-30T09:00:00Z");
    await api(h)
      .post(`/api/v1/assets/${assetId}/surplus`)
      .set(c.owner.auth)
      .send({ month: "2026-04", surplus: minor(0) })
      .expect(201);
    const april = await rentRun("2026-04", "2026-05-01");
    expect(april.invoices).toEqual([]);
    expect(await positions()).toMatchObject({ arrears: 800 });
    const may = await rentRun("2026-05", "2026-06-01");
    expect(may.months[0]).toMatchObject({ due: { arrears: { amountMinor: 800 }, interest: { amountMinor: 800 } } });
    await pay(may.invoices[0]!.number, may.invoices[0]!.total.amountMinor, "2026-06-02", "p1");
    expect(await positions()).toMatchObject({ arrears: 0, interest: 1600 });
    expect(await checkLedger(h.db)).toEqual([]);
  });

  it("keeps a paid rent invoice: no void, so no refund (its payment went to the holders)", async () => {
    const april = await rentRun("2026-04", "2026-05-01");
    const number = april.invoices[0]!.number;
    await pay(number, 15_000, "2026-05-02", "p1");
    const voided = await api(h).post(`/api/v1/invoices/${number}/void`).set(c.treasurer.auth).send({ reason: "mistake" }).expect(409);
    expect(voided.body.code).toBe("invalid_state");
    const refund = await api(h)
      .post(`/api/v1/invoices/${number}/refunds`)
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "r1")
      .send({ amount: minor(15_000), paidOn: "2026-05-03", reference: "back" });
    expect(refund.status).toBe(409);
    expect(await checkLedger(h.db)).toEqual([]);
  });
});

describe("a returned asset nobody wants", () => {
  async function returned() {
    const april = await rentRun("2026-04", "2026-05-01");
    await pay(april.invoices[0]!.number, 15_000, "2026-05-02", "p1");
    const t = c.treasurer.auth;
    await api(h).post(`/api/v1/assets/${assetId}/transitions`).set(t).send({ to: "returned", reason: "the bakery moved" }).expect(200);
    const bare = await api(h)
      .post(`/api/v1/assets/${assetId}/transitions`)
      .set(t)
      .send({ to: "liquidated", reason: "unwanted" })
      .expect(409);
    expect(bare.body.code).toBe("invalid_state");
  }

  it("is sold holders first: the proceeds repay them pro rata and their shortfall is written off", async () => {
    await returned();
    expect(await positions()).toMatchObject({ outstanding: 230_000, arrears: 0 });
    h.clock.set("2026-06-10T09:00:00Z");
    await api(h)
      .post(`/api/v1/assets/${assetId}/sale`)
      .set(holders[0]!.user.auth)
      .send({ proceeds: eur("1000.00"), soldOn: "2026-06-10", reason: "x" })
      .expect(403);
    const future = await api(h)
      .post(`/api/v1/assets/${assetId}/sale`)
      .set(c.treasurer.auth)
      .send({ proceeds: eur("1000.00"), soldOn: "2026-06-11", reason: "x" });
    expect(future.status).toBe(422);
    const sale = await api(h)
      .post(`/api/v1/assets/${assetId}/sale`)
      .set(c.treasurer.auth)
      .send({ proceeds: eur("1000.00"), soldOn: "2026-06-10", reason: "sold to a neighbour" })
      .expect(201);
    expect(sale.body).toMatchObject({
      proceeds: { amountMinor: 100_000 },
      bookValue: { amountMinor: 240_000 },
      paidToHolders: { amountMinor: 100_000 },
      surplus: { amountMinor: 0 },
      writtenOff: { amountMinor: 130_000 },
    });
    // 1,400.00 : 1,000.00 of the outstanding 2,300.00 (after April's 100.00 principal).
    const parts = sale.body.receipts.map((r: Record<string, { amountMinor: number }>) => [
      r.principal!.amountMinor,
      r.writtenOff!.amountMinor,
    ]);
    expect(parts).toEqual([
      [58_333, 75_834],
      [41_667, 54_166],
    ]);
    expect(await positions()).toMatchObject({ outstanding: 0, arrears: 0, principal: 110_000, writtenOff: 130_000 });
    const facts = await queryRows<{ entry: string }>(h.db, sql`select entry from books_entries where kind = 'asset_sold'`);
    expect(facts.map((f) => JSON.parse(f.entry).fact)).toMatchObject([
      { assetId, proceedsMinor: 100_000, paidToHoldersMinor: 100_000, writtenOffMinor: 130_000, holderCount: 2 },
    ]);
    const asset = await api(h).get(`/api/v1/assets/${assetId}`).set(c.owner.auth).expect(200);
    expect(asset.body.status).toBe("liquidated");
    await api(h)
      .post(`/api/v1/assets/${assetId}/sale`)
      .set(c.treasurer.auth)
      .send({ proceeds: eur("1.00"), soldOn: "2026-06-10", reason: "again" })
      .expect(409);
    const publicAssets = await api(h).get("/api/v1/public/assets").expect(200);
    expect(publicAssets.body.assets[0]).toMatchObject({ status: "liquidated", bondsOutstanding: { amountMinor: 0 } });
    expect(await checkLedger(h.db)).toEqual([]);
    // The holders are paid through the ordinary payout batch.
    for (const holder of holders)
      await api(h)
        .put(`/api/v1/organizations/${holder.organizationId}/payee`)
        .set(holder.user.auth)
        .send({ legalName: `Org ${holder.organizationId}`, country: "DE", iban: "DE89370400440532013000" })
        .expect(200);
    const batch = await api(h).post("/api/v1/payout-batches").set(c.treasurer.auth).send({ executionDate: "2026-06-12" }).expect(201);
    expect(
      batch.body.payouts.map((p: { amount: { amountMinor: number } }) => p.amount.amountMinor).reduce((a: number, b: number) => a + b, 0),
    ).toBe(100_000 + 800 + 10_000);
    await api(h).post(`/api/v1/payout-batches/${batch.body.id}/confirm`).set(c.treasurer.auth).expect(200);
    expect(await checkLedger(h.db)).toEqual([]);
  });

  it("leaves the proceeds beyond what the holders are owed to the month's pool, from the treasurer's page", async () => {
    await returned();
    const treasurer = await makeUser(h, { treasurer: true, passwordHash: await passwordHashFor("a long password") });
    h.clock.set("2026-06-10T09:00:00Z");
    const agent = request.agent(h.app);
    const login = await agent.get("/login").expect(200);
    const csrf = () => /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
    await agent
      .post("/login")
      .type("form")
      .send({ _csrf: csrf(), email: treasurer.email, password: "a long password", next: "/assets" })
      .expect(303);
    const path = `/treasury/assets/${assetId}`;
    let page = (await agent.get(path).expect(200)).text;
    expect(page).toContain("Record its sale, holders first");
    expect(page).not.toContain('value="liquidated"');
    const token = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    await agent.post(`${path}/sale`).type("form").send({ _csrf: token, proceeds: "lots", soldOn: "2026-06-10", reason: "x" }).expect(303);
    page = (await agent.get(path).expect(200)).text;
    expect(page).toContain("The sale was not recorded");
    await agent
      .post(`${path}/sale`)
      .type("form")
      .send({ _csrf: token, proceeds: "3,000.00", soldOn: "2026-06-10", reason: "a good offer" })
      .expect(303);
    page = (await agent.get(path).expect(200)).text;
    expect(page).toContain("is sold and liquidated");
    expect(page).toMatch(/2,300\.00[^<]* to the holders/);
    const [row] = await queryRows<{ surplus: unknown }>(h.db, sql`select surplus_minor as surplus from asset_sales`);
    expect(toInt(row!.surplus)).toBe(70_000);
    expect(await checkLedger(h.db)).toEqual([]);

    h.clock.set("2026-07-01T09:00:00Z");
    const run = await api(h).post("/api/v1/distribution-runs").set(c.treasurer.auth).send({ month: "2026-06" }).expect(201);
    expect(run.body.pool.amountMinor).toBe(70_000);
    await api(h).post(`/api/v1/distribution-runs/${run.body.id}/approve`).set(c.treasurer.auth).expect(200);
    expect(await checkLedger(h.db)).toEqual([]);
  });
});
