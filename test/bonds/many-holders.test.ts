// A bond issue with many holders: the waterfall of a rent payment and the sale of the returned asset each pay
// every holder, in ledger entries of at most 200 transfers (one log leaf holds up to 64 KiB), with the books whole.
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows, toInt } from "../../src/db/sql.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { TRANSFERS_PER_ENTRY } from "../../src/ledger/post-transaction.js";
import { api, makeHarness, makeUser, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { eur, financedAsset, ventureCommune } from "../support/ventures.js";

const HOLDERS = 110;
let h: Harness;
let c: Commune;
let assetId: number;

beforeEach(async () => {
  h = await makeHarness({ INVOICE_PREFIX: "RCP", PAYMENT_TERMS_DAYS: 30 });
  ({ c } = await ventureCommune(h));
  const member = await makeUser(h);
  const subscriptions = [];
  for (let i = 0; i < HOLDERS; i++)
    subscriptions.push({
      user: member,
      organizationId: (await c.org(`Holder ${i}`, "nonprofit", { owner: member })).id,
      amount: "100.00",
    });
  ({ assetId } = await financedAsset(h, c, {
    title: "Mill",
    cost: "11000.00",
    monthlyRent: "600.00",
    maxPerHolder: "100.00",
    subscriptions,
  }));
}, 120_000);
afterEach(async () => {
  await h.close();
});

/** Transfers per ledger entry of one code: [entries, the largest entry, transfers to holders' payables]. */
async function entriesOf(code: string) {
  const rows = await queryRows<{ n: unknown; payables: unknown }>(
    h.db,
    sql`select count(*) as n, sum(case when x.credit_account like 'payable:%' then 1 else 0 end) as payables
        from ledger_transactions t join ledger_transfers x on x.transaction_id = t.id where t.code = ${code} group by t.id`,
  );
  return {
    entries: rows.length,
    largest: Math.max(...rows.map((r) => toInt(r.n))),
    payables: rows.reduce((sum, r) => sum + toInt(r.payables), 0),
  };
}

describe(`a bond issue of ${HOLDERS} holders`, () => {
  it("pays every holder from a rent payment and from the sale, in ledger entries of at most 200 transfers", async () => {
    h.clock.set("2026-05-01T09:00:00Z");
    const run = await api(h).post("/api/v1/rent-runs").set(c.treasurer.auth).send({ month: "2026-04" }).expect(200);
    const invoice = run.body.invoices[0] as { number: string; total: { amountMinor: number } };
    await api(h)
      .post(`/api/v1/invoices/${invoice.number}/payments`)
      .set(c.treasurer.auth)
      .set("Idempotency-Key", "rent-april")
      .send({ amount: { amountMinor: invoice.total.amountMinor, currency: "EUR" }, paidOn: "2026-05-02", reference: "rent" })
      .expect(201);
    const waterfall = await entriesOf("rent_receipt_split");
    // Interest and principal to each holder: more transfers than one entry takes.
    expect(waterfall.payables).toBe(2 * HOLDERS);
    expect(waterfall.entries).toBe(2);
    expect(waterfall.largest).toBeLessThanOrEqual(TRANSFERS_PER_ENTRY);
    expect(await checkLedger(h.db)).toEqual([]);

    const t = c.treasurer.auth;
    await api(h).post(`/api/v1/assets/${assetId}/transitions`).set(t).send({ to: "returned", reason: "the bakery moved" }).expect(200);
    h.clock.set("2026-06-10T09:00:00Z");
    const sale = await api(h)
      .post(`/api/v1/assets/${assetId}/sale`)
      .set(t)
      .send({ proceeds: eur("5000.00"), soldOn: "2026-06-10", reason: "sold to a neighbour" })
      .expect(201);
    expect(sale.body.paidToHolders.amountMinor).toBe(500_000);
    const sold = await entriesOf("asset_sold");
    expect(sold.payables).toBe(HOLDERS);
    expect(sold.entries).toBeGreaterThan(1);
    expect(sold.largest).toBeLessThanOrEqual(TRANSFERS_PER_ENTRY);
    expect(await checkLedger(h.db)).toEqual([]);
  }, 120_000);
});
