// The demo commune is made through the domain commands; it must stay a consistent set of books.
import { describe, expect, it } from "vitest";
import { sql, type SQL } from "drizzle-orm";
import { seedDemo, DEMO_ACCOUNTS } from "../../src/demo/seed-demo.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { findUserByEmail } from "../../src/accounts/create-user.js";
import { verifyPassword } from "../../src/accounts/passwords.js";
import { queryRows, toInt } from "../../src/db/sql.js";
import { makeHarness } from "../support/harness.js";

describe("the demo commune", () => {
  it("has works, organizations, months of invoices, payments and grants, and balanced books; it is added once", async () => {
    const h = await makeHarness();
    try {
      h.clock.set("2026-11-24T10:00:00Z");
      const deps = { clock: h.clock, signer: h.deps.signer, github: h.deps.github, invoicePrefix: "RCP", paymentTermsDays: 30 };
      expect(await seedDemo(h.db, deps)).toBe("seeded");
      const n = async (query: SQL) => toInt((await queryRows<{ n: unknown }>(h.db, query))[0]?.n);
      expect(await n(sql`select count(*) as n from works`)).toBe(5);
      expect(await n(sql`select count(distinct month) as n from invoices`)).toBe(5);
      expect(await n(sql`select count(*) as n from payments`)).toBeGreaterThan(5);
      expect(await n(sql`select count(*) as n from grants`)).toBeGreaterThan(5);
      expect(await n(sql`select count(*) as n from invoices where status = 'held'`)).toBeGreaterThan(0);
      // The venture commune: one leased asset, a cleared issue, five rent months — one capped, one overdue.
      expect(await n(sql`select count(*) as n from assets where status = 'leased'`)).toBe(1);
      expect(await n(sql`select count(*) as n from bond_issues where status = 'cleared'`)).toBe(1);
      expect(await n(sql`select count(*) as n from rent_months`)).toBe(5);
      expect(await n(sql`select count(*) as n from rent_months where deferred_minor > 0`)).toBe(1);
      expect(await n(sql`select count(distinct payment_id) as n from bond_receipts`)).toBe(4);
      expect(await n(sql`select count(*) as n from invoices where kind = 'rent' and status = 'partially_paid'`)).toBe(1);
      expect(await checkLedger(h.db)).toEqual([]);
      for (const account of DEMO_ACCOUNTS) {
        const user = (await findUserByEmail(h.db, account.email))!;
        expect(await verifyPassword(account.password, user.passwordHash!)).toBe(true);
      }
      expect(await seedDemo(h.db, deps)).toBe("already_seeded");
    } finally {
      await h.close();
    }
  });
});
