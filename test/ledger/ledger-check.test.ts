// `reciprocity ledger check` proves the books whole: each kind of tampering a treasurer with SQL access
// (or a bug) could do is found and named. Triggers refuse most edits of the ledger: the tests drop them
// first, which is itself a finding.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { engineOf } from "../../src/db/client.js";
import { queryRows, toInt } from "../../src/db/sql.js";
import { formatInvoiceNumber, parseInvoiceNumber } from "../../src/invoices/invoice-rules.js";
import { numberingFindings } from "../../src/invoices/invoice-invariants.js";
import { api, makeHarness, type Harness } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { dropTrigger, findings, ledgerCheckCli, tamper } from "../support/books.js";

let h: Harness;
let c: Commune;
let firms: number[];
beforeEach(async () => {
  h = await makeHarness();
  c = await Commune.create(h);
  h.clock.set("2026-04-02T09:00:00Z");
  // Two firms billed for March (invoices 1 and 2); the first pays in full and gets its grant.
  const licensor = await c.org("Commons", "nonprofit");
  const work = await c.work("tool", licensor.id);
  firms = [];
  for (const name of ["Firm A", "Firm B"]) {
    const firm = await c.org(name, "commercial", { headcount: 5 });
    await c.use(firm, { workSlug: work.slug, purpose: "commercial", startedOn: "2026-01-01" });
    firms.push(firm.id);
  }
  await api(h).post("/api/v1/billing-runs").set(c.treasurer.auth).send({ month: "2026-03" }).expect(201);
  await api(h)
    .post("/api/v1/invoices/RCP-2026-000001/payments")
    .set(c.treasurer.auth)
    .set("Idempotency-Key", "pay-1")
    .send({ amount: { amount: "10.00", currency: "EUR" }, paidOn: "2026-04-05", reference: "bank 1" })
    .expect(201);
  expect(await findings(h.db)).toEqual([]);
});
afterEach(async () => {
  await h.close();
});

/** The id of the one transfer of `code` of the invoice numbered `number`. */
async function transferOf(number: string, code: string): Promise<number> {
  const rows = await queryRows<{ id: unknown }>(
    h.db,
    sql`select x.id from ledger_transfers x join ledger_transactions t on t.id = x.transaction_id join invoices i on i.id = t.invoice_id
        where i.number = ${number} and t.code = ${code}`,
  );
  expect(rows).toHaveLength(1);
  return toInt(rows[0]!.id);
}

describe("ledger check", () => {
  it("finds an invoice set to void by hand, and `reciprocity ledger check` exits 1 naming it", { timeout: 60_000 }, async () => {
    await tamper(h.db, sql`update invoices set status = 'void' where number = 'RCP-2026-000002'`);
    const found = await findings(h.db);
    expect(found).toContain(
      "every invoice's status agrees with its payments, credit note and refunds: invoice RCP-2026-000002 (void) has no credit note",
    );
    expect(found).toContain(
      "every invoice's ledger entries agree with its total, payments, credit note and refunds: invoice RCP-2026-000002 (void): receivable is 1000 in its ledger entries, expected 0",
    );

    const cli = ledgerCheckCli(h);
    expect(cli.status, cli.stderr).toBe(1);
    expect(cli.stderr.split("\n")[0]).toBe(
      "ledger check failed: every invoice's status agrees with its payments, credit note and refunds: invoice RCP-2026-000002 (void) has no credit note",
    );
  });

  it("finds a transfer whose credit account was changed, and the trigger dropped to change it", async () => {
    const id = await transferOf("RCP-2026-000001", "invoice_issued");
    await tamper(
      h.db,
      dropTrigger(h.db, "ledger_transfers", "update"),
      sql`update ledger_transfers set credit_account = 'cash:fund' where id = ${id}`,
    );
    const found = await findings(h.db);
    expect(found[0]).toBe(
      "the append-only triggers are present: no trigger refuses UPDATE on ledger_transfers (expected ledger_transfers_no_update)",
    );
    expect(found).toContain(
      `every transfer is a movement its code allows: transfer ${id} (invoice_issued) debits receivable:${firms[0]} and credits cash:fund`,
    );
  });

  it("finds a credit account changed to another organization's account of the right kind", async () => {
    const id = await transferOf("RCP-2026-000002", "invoice_issued");
    await tamper(
      h.db,
      dropTrigger(h.db, "ledger_transfers", "update"),
      sql`update ledger_transfers set debit_account = ${`receivable:${firms[0]}`} where id = ${id}`,
    );
    expect(await findings(h.db)).toContain(
      `every transfer is a movement its code allows: transfer ${id} (invoice_issued) debits receivable:${firms[0]} and credits income:fees`,
    );
  });

  it("finds a rogue transfer to an account off the chart, and one to an organization that does not exist", async () => {
    await tamper(
      h.db,
      sql`insert into ledger_transactions (code, description, effective_on, created_at) values ('payment_received', 'rogue', '2026-04-06', 'now')`,
      sql`insert into ledger_transfers (transaction_id, debit_account, credit_account, amount_minor, currency, created_at)
          select max(id), 'expenses:lunch', 'cash:fund', 500, 'EUR', 'now' from ledger_transactions`,
      sql`insert into ledger_transfers (transaction_id, debit_account, credit_account, amount_minor, currency, created_at)
          select max(id), 'cash:fund', 'receivable:999', 700, 'EUR', 'now' from ledger_transactions`,
    );
    const found = await findings(h.db);
    expect(found).toContain(
      'every transfer is on an account of the chart: account "expenses:lunch" (1 transfers) is not on the chart of accounts',
    );
    expect(found).toContain(
      "every transfer is on an account of the chart: account receivable:999 (1 transfers) names organization 999, which does not exist",
    );
    expect(found.some((f) => f.startsWith("every ledger entry names the invoice"))).toBe(true);
    expect(
      found.some((f) => f.startsWith("cash equals payments minus refunds and confirmed payouts, per currency: cash in EUR is 1200")),
    ).toBe(true);
  });

  it("finds two amounts changed so that they cancel out", async () => {
    const one = await transferOf("RCP-2026-000001", "invoice_issued");
    const two = await transferOf("RCP-2026-000002", "invoice_issued");
    await tamper(
      h.db,
      dropTrigger(h.db, "ledger_transfers", "update"),
      sql`update ledger_transfers set amount_minor = amount_minor + 100 where id = ${one}`,
      sql`update ledger_transfers set amount_minor = amount_minor - 100 where id = ${two}`,
    );
    const found = await findings(h.db);
    // Fee income in total is unchanged: only the per-invoice books see it.
    expect(found.filter((f) => f.startsWith("fee income equals"))).toEqual([]);
    expect(found).toContain(
      "every invoice's ledger entries agree with its total, payments, credit note and refunds: invoice RCP-2026-000001 (paid): fee income is 1100 in its ledger entries, expected 1000",
    );
    expect(found).toContain(
      "every invoice's ledger entries agree with its total, payments, credit note and refunds: invoice RCP-2026-000002 (issued): fee income is 900 in its ledger entries, expected 1000",
    );
  });

  it("finds dropped and disabled triggers", async () => {
    await tamper(h.db, dropTrigger(h.db, "payments", "delete"), dropTrigger(h.db, "audit_log", "update"));
    if (engineOf(h.db) === "postgres")
      await tamper(h.db, sql`alter table ledger_transactions disable trigger ledger_transactions_no_truncate`);
    const found = await findings(h.db);
    expect(found).toEqual(
      [
        "the append-only triggers are present: no trigger refuses DELETE on payments (expected payments_no_delete)",
        ...(engineOf(h.db) === "postgres"
          ? [
              "the append-only triggers are present: no trigger refuses TRUNCATE on ledger_transactions (expected ledger_transactions_no_truncate)",
            ]
          : []),
        "the append-only triggers are present: no trigger refuses UPDATE on audit_log (expected audit_log_no_update)",
      ].sort((a, b) => order(a) - order(b)),
    );
  });

  it("finds a status that disagrees with the payments, and a paid invoice without them", async () => {
    await tamper(
      h.db,
      sql`update invoices set status = 'paid' where number = 'RCP-2026-000002'`,
      sql`update invoices set status = 'issued' where number = 'RCP-2026-000001'`,
    );
    const found = await findings(h.db);
    expect(found).toContain(
      "every invoice's status agrees with its payments, credit note and refunds: invoice RCP-2026-000001 (issued) has 1000 paid of 1000",
    );
    expect(found).toContain(
      "every invoice's status agrees with its payments, credit note and refunds: invoice RCP-2026-000002 (paid) has 0 paid of 1000",
    );
  });

  it("finds a gap in the numbers, and a number written with another width", async () => {
    await tamper(h.db, sql`update invoices set number = 'RCP-2026-000003' where number = 'RCP-2026-000002'`);
    expect(await findings(h.db)).toEqual([
      "invoice numbers of a year run from 1 without gaps: invoice numbers of 2026: 2 numbers but the highest is 3",
      "invoice numbers of a year run from 1 without gaps: invoice numbers of 2026: the sequence is at 2 but the highest number is 3",
    ]);
    await tamper(h.db, sql`update invoices set number = 'RCP-2026-0000002' where number = 'RCP-2026-000003'`);
    expect((await findings(h.db))[0]).toBe(
      "invoice numbers of a year run from 1 without gaps: invoice number RCP-2026-0000002 is not of the form PREFIX-YYYY-NNNNNN (at least six digits, no more leading zeros)",
    );
  });

  it("finds a grant left standing on a void invoice", async () => {
    await api(h).post("/api/v1/invoices/RCP-2026-000001/void").set(c.treasurer.auth).send({ reason: "test" }).expect(200);
    expect(await findings(h.db)).toEqual([]);
    await tamper(h.db, sql`update grants set revoked_on = null`);
    expect((await findings(h.db))[0]).toMatch(
      /^the grants of a void invoice are revoked, and only those: grant .* of invoice RCP-2026-000001 \(void\) is not revoked$/,
    );
  });
});

/** The order the check reports triggers in: by table of APPEND_ONLY_TABLES, then event. */
function order(line: string): number {
  const tables = ["ledger_transactions", "ledger_transfers", "payments", "refunds", "credit_notes", "audit_log"];
  const table = tables.findIndex((t) => line.includes(` on ${t} `));
  return table * 10 + ["UPDATE", "DELETE", "TRUNCATE"].findIndex((e) => line.includes(e));
}

describe("invoice numbers of any width", () => {
  it("run without gaps past 999,999 a year, and a gap there is found", () => {
    expect(parseInvoiceNumber("RCP-2026-1000000")).toEqual({ prefix: "RCP", year: 2026, n: 1_000_000 });
    const count = 1_000_002;
    const numbers = Array.from({ length: count }, (_, i) => formatInvoiceNumber("RCP", 2026, i + 1));
    expect(numbers.at(-1)).toBe("RCP-2026-1000002");
    expect(numberingFindings(numbers, new Map([[2026, count]]))).toEqual([]);
    numbers.splice(999_999, 1);
    expect(numberingFindings(numbers, new Map([[2026, count]]))).toEqual([
      "invoice numbers of 2026: 1000001 numbers but the highest is 1000002",
    ]);
  });
});
