// A month whose dividend reaches 450 cooperatives: approval and confirmation each book more than 200
// transfers, so they are split into ledger entries of at most 200 (`inParts`); every payable still settles
// and ledger check passes. The cooperatives and their payee details are seeded in bulk, the money flows
// through the API (billing, payment, run, approval, batch, file, confirmation).
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bulkInsert } from "../../src/db/bulk-insert.js";
import { queryRows, toInt } from "../../src/db/sql.js";
import { cooperativeEvidence, organizations, payeeProfiles, verificationDecisions } from "../../src/db/schema.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { TRANSFERS_PER_ENTRY } from "../../src/ledger/post-transaction.js";
import { api, makeHarness, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";

const COOPERATIVES = 450;
const AT = "2026-03-01T09:00:00.000Z";

let h: Harness;
let c: Commune;
beforeEach(async () => {
  h = await makeHarness({ SELLER_IBAN: "DE89 3704 0044 0532 0130 00" });
  c = await Commune.create(h);
  h.clock.set(AT);
});
afterEach(async () => {
  await h.close();
});

/** Verified cooperatives (one worker-owner each) with payee details and a minimum payout of one cent. */
async function seedCooperatives(count: number): Promise<number[]> {
  return h.db.transaction(async (tx) => {
    const rows = await bulkInsert(
      tx,
      organizations,
      Array.from({ length: count }, (_, i) => ({
        name: `Coop ${i}`,
        kind: "worker_cooperative" as const,
        verificationStatus: "verified" as const,
        createdAt: AT,
      })),
      { returning: ["id"] },
    );
    const ids = rows.map((r) => toInt(r.id)).sort((a, b) => a - b);
    await bulkInsert(
      tx,
      cooperativeEvidence,
      ids.map((id) => ({
        organizationId: id,
        jurisdiction: "DE",
        registryNumber: `GnR ${id}`,
        bylawsUrl: "https://coop.example",
        workerOwnerCount: 1,
        distributesAllSurplus: true,
        createdAt: AT,
      })),
    );
    await bulkInsert(
      tx,
      verificationDecisions,
      ids.map((id) => ({ organizationId: id, decision: "verified" as const, reason: "seeded", decidedBy: c.treasurer.id, createdAt: AT })),
    );
    await bulkInsert(
      tx,
      payeeProfiles,
      ids.map((id) => ({
        organizationId: id,
        legalName: `Coop ${id} eG`,
        country: "DE",
        iban: "DE44500105175407324931",
        minimumPayoutMinor: 1,
        updatedBy: c.treasurer.id,
        updatedAt: AT,
      })),
    );
    return ids;
  });
}

/** The largest number of transfers in one ledger entry of each code. */
async function largestEntries(): Promise<Record<string, { entries: number; largest: number }>> {
  const rows = await queryRows<{ code: string; entries: unknown; largest: unknown }>(
    h.db,
    sql`select code, count(*) as entries, max(n) as largest from (
          select t.code, t.id, count(*) as n from ledger_transactions t join ledger_transfers x on x.transaction_id = t.id group by t.code, t.id
        ) as sizes group by code`,
  );
  return Object.fromEntries(rows.map((r) => [r.code, { entries: toInt(r.entries), largest: toInt(r.largest) }]));
}

describe("a payout batch of more than 200 payouts", () => {
  it("books approval and confirmation in entries of at most 200 transfers; every payable settles", async () => {
    const t = c.treasurer.auth;
    const coops = await seedCooperatives(COOPERATIVES);
    const licensor = await c.org("Commons Coop", "worker_cooperative");
    await c.verify(licensor.id, "verified");
    const work = await c.work("ledger-tool", licensor.id);
    const acme = await c.org("Acme GmbH", "commercial", { headcount: 2000 });
    await c.use(acme, { workSlug: work.slug, purpose: "commercial", startedOn: "2026-03-01" });
    h.clock.set("2026-04-02T09:00:00Z");
    await api(h).post("/api/v1/billing-runs").set(t).send({ month: "2026-03" }).expect(201);
    const invoice = await api(h).get("/api/v1/invoices/RCP-2026-000001").set(t).expect(200);
    await api(h)
      .post("/api/v1/invoices/RCP-2026-000001/payments")
      .set(t)
      .set("Idempotency-Key", "p1")
      .send({
        amount: { amount: (invoice.body.total.amountMinor / 100).toFixed(2), currency: "EUR" },
        paidOn: "2026-04-10",
        reference: "p1",
      })
      .expect(201);
    await api(h)
      .put(`/api/v1/organizations/${licensor.id}/payee`)
      .set(c.owner.auth)
      .send({ legalName: "Commons Coop eG", country: "DE", iban: "DE44 5001 0517 5407 3249 31" })
      .expect(200);
    h.clock.set("2026-05-02T09:00:00Z");

    const run = await api(h).post("/api/v1/distribution-runs").set(t).send({ month: "2026-04" }).expect(201);
    const dividend = run.body.allocations.filter((a: { bucket: string }) => a.bucket === "dividend");
    expect(dividend.length).toBe(COOPERATIVES + 1);
    await api(h).post(`/api/v1/distribution-runs/${run.body.id}/approve`).set(t).expect(200);
    const batch = await api(h).post("/api/v1/payout-batches").set(t).send({ executionDate: "2026-05-04" }).expect(201);
    const paid = new Set(batch.body.payouts.map((p: { organizationId: number }) => p.organizationId));
    expect(paid.size).toBe(batch.body.payouts.length);
    for (const id of [...coops, licensor.id]) expect(paid.has(id)).toBe(true);
    const file = await api(h).get(`/api/v1/payout-batches/${batch.body.id}/pain.001.xml`).set(t).expect(200);
    expect(file.text).toContain(`<NbOfTxs>${batch.body.payouts.length}</NbOfTxs>`);
    await api(h).post(`/api/v1/payout-batches/${batch.body.id}/confirm`).set(t).expect(200);

    const sizes = await largestEntries();
    // More than 200 transfers each, so several entries each, none above 200.
    for (const code of ["distribution_approved", "payout_confirmed"]) {
      expect(sizes[code]!.entries, code).toBeGreaterThan(1);
      expect(sizes[code]!.largest, code).toBeLessThanOrEqual(TRANSFERS_PER_ENTRY);
    }
    const open = await queryRows<{ account: string; balance: unknown }>(
      h.db,
      sql`select account, sum(amount) as balance from (
            select credit_account as account, amount_minor as amount from ledger_transfers where credit_account like 'payable:%'
            union all select debit_account, -amount_minor from ledger_transfers where debit_account like 'payable:%'
          ) as sides group by account having sum(amount) <> 0`,
    );
    expect(open).toEqual([]);
    expect(await checkLedger(h.db)).toEqual([]);
  }, 120_000);
});
