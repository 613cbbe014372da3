// Corrections of paid invoices (PRODUCT.md §13): a void of a paid or partly paid invoice turns what was
// paid into a refund due, refunds pay it out (Idempotency-Key), the invoice's grants are revoked, its UBL
// is a credit note — and the books stay whole, and tampering with the new entries is found.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows, toInt } from "../../src/db/sql.js";
import { api, makeHarness, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { dropTrigger, findings, ledgerCheckCli, tamper } from "../support/books.js";

let h: Harness;
let c: Commune;
let firmId: number;
beforeEach(async () => {
  h = await makeHarness({ SELLER_IBAN: "DE89 3704 0044 0532 0130 00" });
  c = await Commune.create(h);
  h.clock.set("2026-04-02T09:00:00Z");
  const licensor = await c.org("Commons", "nonprofit");
  const work = await c.work("tool", licensor.id);
  const firm = await c.org("Firm", "commercial", { headcount: 5 });
  firmId = firm.id;
  await c.use(firm, { workSlug: work.slug, purpose: "commercial", startedOn: "2026-01-01" });
  await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
});
afterEach(async () => {
  await h.close();
});

const INVOICE = "/api/v1/invoices/RCP-2026-000001";
const pay = (amount: string, key: string) =>
  api(h)
    .post(`${INVOICE}/payments`)
    .set(c.treasurer.auth)
    .set("Idempotency-Key", key)
    .send({ amount: { amount, currency: "EUR" }, paidOn: "2026-04-05", reference: `bank ${key}` });
const refund = (amount: string, key: string, reference = `refund ${key}`) =>
  api(h)
    .post(`${INVOICE}/refunds`)
    .set(c.treasurer.auth)
    .set("Idempotency-Key", key)
    .send({ amount: { amount, currency: "EUR" }, paidOn: "2026-04-20", reference });
const voidIt = (reason = "Billed by mistake") => api(h).post(`${INVOICE}/void`).set(c.treasurer.auth).send({ reason });

async function balance(account: string): Promise<{ type: string; amountMinor: number } | undefined> {
  const res = await api(h).get("/api/v1/ledger/balances").set(c.treasurer.auth).expect(200);
  const row = res.body.accounts.find((a: { account: string }) => a.account === account);
  return row && { type: row.type, amountMinor: row.balance.amountMinor };
}

describe("voiding a paid invoice", () => {
  it("makes what was paid a refund due, revokes the grants, and refunds pay it out once per key", { timeout: 60_000 }, async () => {
    await pay("10.00", "p1").expect(201);
    const [grant] = (await api(h).get(`/api/v1/organizations/${firmId}/grants`).set(c.owner.auth).expect(200)).body.grants;
    expect(grant).toMatchObject({ workSlug: "tool", month: "2026-03", revokedOn: null });

    expect((await api(h).get(`/grants/${grant.id}`).expect(200)).text).toContain("<strong>Valid.</strong>");
    h.clock.set("2026-04-12T09:00:00Z");
    const voided = await voidIt().expect(200);
    expect(voided.body).toMatchObject({
      status: "void",
      paid: { amountMinor: 1000 },
      outstanding: { amountMinor: 0 },
      refundDue: { amountMinor: 1000, formatted: "EUR 10.00" },
      refunded: { amountMinor: 0 },
      creditNote: { reason: "Billed by mistake", amount: { amountMinor: 1000 } },
      paymentInstructions: null,
    });
    expect(await balance(`refund:${firmId}`)).toEqual({ type: "liability", amountMinor: 1000 });
    expect(await balance(`receivable:${firmId}`)).toEqual({ type: "asset", amountMinor: 0 });
    expect(await balance("income:fees")).toEqual({ type: "income", amountMinor: 0 });
    expect(await balance("cash:fund")).toEqual({ type: "asset", amountMinor: 1000 });
    expect(await findings(h.db)).toEqual([]);

    // The grant says revoked: in the API, on the public verification page, on the organization's page.
    expect((await api(h).get(`/api/v1/grants/${grant.id}`).expect(200)).body.revokedOn).toBe("2026-04-12");
    const page = await api(h).get(`/grants/${grant.id}`).expect(200);
    expect(page.text).toContain("Revoked on 2026-04-12.");
    expect(page.text).not.toContain("<strong>Valid.</strong>");
    expect((await api(h).get(`/api/v1/organizations/${firmId}/grants`).set(c.owner.auth)).body.grants[0].revokedOn).toBe("2026-04-12");

    // Refunds: the same key and body replay, the same key with another body is refused, never above what is due.
    const first = await refund("4.00", "r1").expect(201);
    expect(first.body).toEqual({
      id: expect.any(Number),
      invoiceNumber: "RCP-2026-000001",
      amount: { amountMinor: 400, currency: "EUR", formatted: "EUR 4.00" },
      paidOn: "2026-04-20",
      reference: "refund r1",
    });
    const replay = await refund("4.00", "r1").expect(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect((await refund("4.00", "r1", "another reference").expect(409)).body.code).toBe("idempotency_conflict");
    const above = await refund("6.01", "r2").expect(422);
    expect(above.body).toMatchObject({ code: "refund_exceeds_due", errors: [{ path: "/amount", message: "must not exceed EUR 6.00" }] });
    await api(h)
      .post(`${INVOICE}/refunds`)
      .set(c.treasurer.auth)
      .send({ amount: { amount: "1.00", currency: "EUR" }, paidOn: "2026-04-20", reference: "x" })
      .expect(400);
    await refund("6.00", "r3").expect(201);
    await refund("0.01", "r4").expect(422);

    const after = (await api(h).get(INVOICE).set(c.owner.auth).expect(200)).body;
    expect(after).toMatchObject({ refundDue: { amountMinor: 0 }, refunded: { amountMinor: 1000 } });
    expect(after.refunds.map((r: { amount: { amountMinor: number } }) => r.amount.amountMinor)).toEqual([400, 600]);
    expect(await balance(`refund:${firmId}`)).toEqual({ type: "liability", amountMinor: 0 });
    expect(await balance("cash:fund")).toEqual({ type: "asset", amountMinor: 0 });
    const [latest] = (await api(h).get("/api/v1/ledger/transactions?limit=1").set(c.treasurer.auth).expect(200)).body.transactions;
    expect(latest).toMatchObject({
      code: "refund_paid",
      refundId: expect.any(Number),
      transfers: [
        expect.objectContaining({
          debitAccount: `refund:${firmId}`,
          creditAccount: "cash:fund",
          amount: expect.objectContaining({ amountMinor: 600 }),
        }),
      ],
    });

    // The refunds are taken back from the invoice's lines, so the pool of April shrinks by them (PRODUCT.md §11.3).
    const attributed = await queryRows<{ kind: string; s: unknown }>(
      h.db,
      sql`select kind, sum(amount_minor) as s from payment_attributions group by kind order by kind`,
    );
    expect(attributed.map((r) => [r.kind, toInt(r.s)])).toEqual([
      ["payment", 1000],
      ["refund", -1000],
    ]);

    expect(await findings(h.db)).toEqual([]);
    const cli = ledgerCheckCli(h);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain("every invariant holds");
  });

  it("refuses refunds of invoices that are not void, and only treasurers record them", async () => {
    await pay("10.00", "p1").expect(201);
    expect((await refund("1.00", "r1").expect(409)).body.code).toBe("invalid_state");
    await api(h)
      .post(`${INVOICE}/refunds`)
      .set(c.owner.auth)
      .set("Idempotency-Key", "r2")
      .send({ amount: { amount: "1.00", currency: "EUR" }, paidOn: "2026-04-20", reference: "x" })
      .expect(403);
    await voidIt().expect(200);
    await voidIt().expect(409);
    expect(
      (
        await api(h)
          .post(`${INVOICE}/refunds`)
          .set(c.treasurer.auth)
          .set("Idempotency-Key", "r3")
          .send({ amount: { amount: "1.00", currency: "USD" }, paidOn: "2026-04-20", reference: "x" })
      ).status,
    ).toBe(422);
  });
});

describe("voiding a partly paid invoice", () => {
  it("makes the part paid the refund due, and its UBL is a credit note referring to the invoice", async () => {
    await pay("4.00", "p1").expect(201);
    const voided = await voidIt("Wrong organization").expect(200);
    expect(voided.body).toMatchObject({ status: "void", refundDue: { amountMinor: 400 }, outstanding: { amountMinor: 0 } });
    expect(await balance(`refund:${firmId}`)).toEqual({ type: "liability", amountMinor: 400 });
    expect(await balance(`receivable:${firmId}`)).toEqual({ type: "asset", amountMinor: 0 });
    expect(await findings(h.db)).toEqual([]);
    await pay("6.00", "p2").expect(409);

    const html = await api(h).get(INVOICE).set(c.owner.auth).set("Accept", "text/html").expect(200);
    expect(html.text).toContain("Refund due to the buyer: EUR 4.00.");

    const xml = await api(h)
      .get(INVOICE)
      .set(c.owner.auth)
      .set("Accept", "application/xml")
      .buffer(true)
      .parse((res, cb) => {
        let d = "";
        res.on("data", (x: Buffer) => (d += x.toString()));
        res.on("end", () => cb(null, d));
      })
      .expect(200);
    const ubl = xml.body as string;
    expect(ubl).toContain('<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"');
    expect(ubl).not.toContain("<Invoice ");
    expect(ubl).toContain("<cbc:ID>RCP-2026-000001-CN</cbc:ID>");
    expect(ubl).toContain("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>");
    expect(ubl).toMatch(
      /<cac:BillingReference>\s*<cac:InvoiceDocumentReference>\s*<cbc:ID>RCP-2026-000001<\/cbc:ID>\s*<cbc:IssueDate>2026-04-02<\/cbc:IssueDate>/,
    );
    expect(ubl).toContain('<cbc:PayableAmount currencyID="EUR">10.00</cbc:PayableAmount>');
    expect(ubl).toContain("<cac:CreditNoteLine>");
    expect(ubl).toContain('<cbc:CreditedQuantity unitCode="C62">1</cbc:CreditedQuantity>');
  });
});

describe("ledger check after corrections", () => {
  it("finds a refund changed after the fact, and a refund due moved by a wrong amount", async () => {
    await pay("10.00", "p1").expect(201);
    await voidIt().expect(200);
    await refund("4.00", "r1").expect(201);
    expect(await findings(h.db)).toEqual([]);

    await tamper(h.db, dropTrigger(h.db, "refunds", "update"), sql`update refunds set amount_minor = 300`);
    const found = await findings(h.db);
    expect(found[0]).toBe("the append-only triggers are present: no trigger refuses UPDATE on refunds (expected refunds_no_update)");
    expect(found).toContain(
      "cash equals payments minus refunds and confirmed payouts, per currency: cash in EUR is 600 in the ledger but payments less refunds and payouts say 700",
    );
    expect(
      found.some((f) =>
        /^every refund has exactly one ledger entry, moving its amount: refund \d+ of 300 has 1 ledger entries moving 400$/.test(f),
      ),
    ).toBe(true);
    expect(found).toContain(
      "every invoice's ledger entries agree with its total, payments, credit note and refunds: invoice RCP-2026-000001 (void): refund due is 600 in its ledger entries, expected 700",
    );

    await tamper(h.db, sql`update refunds set amount_minor = 400`);
    const [move] = await queryRows<{ id: unknown }>(
      h.db,
      sql`select id from ledger_transfers where credit_account = ${`refund:${firmId}`}`,
    );
    await tamper(
      h.db,
      dropTrigger(h.db, "ledger_transfers", "update"),
      sql`update ledger_transfers set amount_minor = 900 where id = ${toInt(move!.id)}`,
    );
    const moved = await findings(h.db);
    expect(moved).toContain(
      "every invoice's ledger entries agree with its total, payments, credit note and refunds: invoice RCP-2026-000001 (void): receivable is -100 in its ledger entries, expected 0",
    );
    expect(moved).toContain(
      "every invoice's ledger entries agree with its total, payments, credit note and refunds: invoice RCP-2026-000001 (void): refund due is 500 in its ledger entries, expected 600",
    );
  });
});
