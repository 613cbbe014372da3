// The demo commune is made through the domain commands; it must stay a consistent set of books.
import { describe, expect, it } from "vitest";
import { seedDemo, DEMO_ACCOUNTS } from "../../src/demo/seed-demo.js";
import { checkLedger } from "../../src/ledger/check-ledger.js";
import { findUserByEmail } from "../../src/accounts/create-user.js";
import { verifyPassword } from "../../src/accounts/passwords.js";
import { makeHarness } from "../support/harness.js";

describe("the demo commune", () => {
  it("has works, organizations, months of invoices, payments and grants, and balanced books; it is added once", async () => {
    const h = makeHarness();
    h.clock.set("2026-11-24T10:00:00Z");
    const deps = { clock: h.clock, signer: h.deps.signer, github: h.deps.github, invoicePrefix: "RCP", paymentTermsDays: 30 };
    expect(await seedDemo(h.db, deps)).toBe("seeded");
    const n = (sql: string) => (h.db.$client.prepare(sql).get() as { n: number }).n;
    expect(n("select count(*) as n from works")).toBe(5);
    expect(n("select count(distinct month) as n from invoices")).toBe(5);
    expect(n("select count(*) as n from payments")).toBeGreaterThan(5);
    expect(n("select count(*) as n from grants")).toBeGreaterThan(5);
    expect(n("select count(*) as n from invoices where status = 'held'")).toBeGreaterThan(0);
    expect(checkLedger(h.db)).toEqual([]);
    for (const account of DEMO_ACCOUNTS) {
      const user = findUserByEmail(h.db, account.email)!;
      expect(await verifyPassword(account.password, user.passwordHash!)).toBe(true);
    }
    expect(await seedDemo(h.db, deps)).toBe("already_seeded");
    h.close();
  });
});
