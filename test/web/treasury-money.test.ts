// The treasurer's money pages in a real browser, at a phone's width and a desk's: billing previewed
// before it is billed (only ended months offered, any other refused in the error summary), and a refund
// of a void invoice recorded on its page and listed there.
import type { Server } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { makeHarness, makeUser, passwordHashFor, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { runBilling } from "../../src/billing/run-billing.js";
import { recordPayment } from "../../src/payments/record-payment.js";
import { voidInvoice } from "../../src/invoices/void-invoice.js";
import { findInvoice, refundedMinor } from "../../src/invoices/invoices.queries.js";
import { chromiumPresent, horizontalOverflow, launch, openTab, serve, signIn, type Tab } from "./browser.js";

const PASSWORD = "correct horse battery";
let browser: Browser;
let h: Harness;
let c: Commune;
let server: Server;
let base: string;
let treasurer: TestUser;

beforeAll(async () => {
  if (chromiumPresent) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  if (!chromiumPresent) return;
  h = await makeHarness({ SELLER_IBAN: "DE89 3704 0044 0532 0130 00" });
  h.clock.set("2026-04-02T09:00:00Z");
  treasurer = await makeUser(h, { treasurer: true, name: "Tess Treasurer", passwordHash: await passwordHashFor(PASSWORD) });
  c = await Commune.create(h, treasurer);
  const licensor = await c.org("Commons Coop", "worker_cooperative");
  await c.verify(licensor.id, "verified");
  const w = await c.work("ledger-tool", licensor.id);
  const acme = await c.org("Acme GmbH", "commercial", { headcount: 20 });
  await c.use(acme, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-01-01" });
  ({ server, url: base } = await serve(h));
});
afterEach(async () => {
  if (!chromiumPresent) return;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await h.close();
});

async function at(width: number, name: string, fn: (tab: Tab) => Promise<void>): Promise<void> {
  const tab = await openTab(browser, { viewport: { width, height: 900 } });
  try {
    await signIn(tab.page, base, treasurer.email, PASSWORD);
    await fn(tab);
    expect(await horizontalOverflow(tab.page)).toBe(0);
    await tab.shot(`${name}-${width}`);
    expect(tab.consoleErrors).toEqual([]);
  } finally {
    await tab.context.close();
  }
}

describe.skipIf(!chromiumPresent)("a treasurer's money pages", () => {
  it("previews an ended month before billing it; a month not over is refused in the summary", { timeout: 90_000 }, async () => {
    await at(390, "billing-refused", async ({ page }) => {
      await page.goto(`${base}/treasury/billing?month=2026-04`);
      expect(await page.getByRole("alert").textContent()).toContain("2026-04 has not ended yet");
      expect(await page.getByLabel(/^Month/).getAttribute("aria-invalid")).toBe("true");
      const offered = await page.locator("#bill-month option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(offered[0]).toBe("2026-03");
      expect(offered).not.toContain("2026-04");
    });
    await at(1280, "billing-preview", async ({ page }) => {
      await page.goto(`${base}/treasury`);
      await page.getByLabel(/^Month/).selectOption("2026-03");
      await page.getByRole("button", { name: "Preview billing" }).click();
      expect(await page.locator("main").textContent()).toContain("What billing Mar 2026 would issue");
      expect(await page.getByRole("row", { name: /Acme GmbH/ }).textContent()).toContain("ledger-tool");
      expect(await findInvoice(h.db, "RCP-2026-000001")).toBeUndefined();
      // The bill form's month changed by hand to one not over: the server refuses it.
      await page.locator('input[name="month"]').evaluate((el) => ((el as HTMLInputElement).value = "2026-04"));
      await page.getByRole("button", { name: "Bill Mar 2026" }).click();
      expect(await page.getByRole("alert").textContent()).toContain("Billing did not run: 2026-04 has not ended yet");
      await page.goto(`${base}/treasury/billing?month=2026-03`);
      await page.getByRole("button", { name: "Bill Mar 2026" }).click();
      expect(await page.getByRole("status").textContent()).toContain("Billing 2026-03: 1 new invoice(s)");
      expect(await findInvoice(h.db, "RCP-2026-000001")).toBeDefined();
    });
  });

  it("records a refund of a void invoice, refuses one above what is due, and lists it", { timeout: 90_000 }, async () => {
    const deps = { clock: h.clock, signer: h.deps.signer, invoicePrefix: "RCP", paymentTermsDays: 30 };
    await runBilling(h.db, { month: "2026-03", actorUserId: treasurer.id }, deps);
    const invoice = (await findInvoice(h.db, "RCP-2026-000001"))!;
    await recordPayment(
      h.db,
      {
        invoiceId: invoice.id,
        amount: { amountMinor: 1000, currency: "EUR" },
        paidOn: "2026-04-02",
        reference: "SEPA 1",
        idempotencyKey: "k1",
        actorUserId: treasurer.id,
      },
      deps,
    );
    await voidInvoice(
      h.db,
      (await findInvoice(h.db, "RCP-2026-000001"))!,
      { reason: "billed in error", actorUserId: treasurer.id },
      { clock: h.clock },
    );
    await at(390, "refund", async ({ page }) => {
      await page.goto(`${base}/treasury/invoices/RCP-2026-000001`);
      expect(await page.locator("main").textContent()).toContain("due back to the buyer: EUR 10.00");
      expect(await page.getByLabel(/^Amount/).inputValue()).toBe("10.00");
      await page.getByLabel(/^Amount/).fill("12.00");
      await page.getByLabel(/^Reference/).fill("REFUND 1");
      await page.getByRole("button", { name: "Record refund" }).click();
      expect(await page.getByRole("alert").textContent()).toContain("The refund was not recorded: The refund exceeds the");
      expect(await page.getByLabel(/^Amount/).inputValue()).toBe("12.00");
      expect(await page.getByLabel(/^Reference/).inputValue()).toBe("REFUND 1");
      expect(await page.locator(".notice").count()).toBe(0);
      await page.getByLabel(/^Amount/).fill("4.00");
      await page.getByRole("button", { name: "Record refund" }).click();
      expect(await page.getByRole("status").textContent()).toContain("Refund of EUR 4.00 recorded for RCP-2026-000001");
      expect(await page.getByRole("row", { name: /REFUND 1/ }).textContent()).toContain("EUR 4.00");
      expect(await page.locator("main").textContent()).toContain("due back to the buyer: EUR 6.00");
      expect(await page.locator(".history").textContent()).toContain("refund.recorded");
    });
    expect(await refundedMinor(h.db, invoice.id)).toBe(400);
    await at(1280, "refund-done", async ({ page }) => {
      await page.goto(`${base}/treasury/invoices/RCP-2026-000001`);
      await page.getByLabel(/^Reference/).fill("REFUND 2");
      await page.getByRole("button", { name: "Record refund" }).click();
      expect(await page.getByRole("status").textContent()).toContain("Refund of EUR 6.00");
      expect(await page.getByRole("button", { name: "Record refund" }).count()).toBe(0);
    });
    expect(await refundedMinor(h.db, invoice.id)).toBe(1000);
  });

  it("saves a fee schedule and a distribution policy as new versions; refused input is marked and kept", { timeout: 90_000 }, async () => {
    await at(390, "fee-schedules", async ({ page }) => {
      await page.goto(`${base}/treasury`);
      await page.getByRole("link", { name: "Fee schedules" }).click();
      expect(await page.locator("h3").count()).toBe(1);
      await page.getByLabel("In force from").fill("2026-05-01");
      const firstMax = await page
        .getByLabel(/^To headcount/)
        .first()
        .inputValue();
      await page
        .getByLabel(/^To headcount/)
        .first()
        .fill("ten");
      await page.getByRole("button", { name: "Save the new version" }).click();
      expect(await page.getByRole("alert").textContent()).toContain("No new version was saved");
      expect(
        await page
          .getByLabel(/^To headcount/)
          .first()
          .getAttribute("aria-invalid"),
      ).toBe("true");
      expect(
        await page
          .getByLabel(/^To headcount/)
          .first()
          .inputValue(),
      ).toBe("ten");
      expect(await page.getByLabel("In force from").inputValue()).toBe("2026-05-01");
      await page
        .getByLabel(/^To headcount/)
        .first()
        .fill(firstMax);
      await page.getByRole("button", { name: "Save the new version" }).click();
      expect(await page.getByRole("status").textContent()).toContain("A new fee schedule is in force from 1 May 2026");
      expect(await page.locator("h3").count()).toBe(2);
    });
    const fund = await c.org("Commons Fund", "nonprofit");
    await at(1280, "distribution-policies", async ({ page }) => {
      await page.goto(`${base}/treasury/distribution-policies`);
      await page.getByLabel("In force from").fill("2026-05-01");
      await page.locator("#bucket0-share").fill("5000");
      await page.getByRole("button", { name: "Save the new version" }).click();
      expect(await page.getByRole("alert").textContent()).toContain("shares must sum to 10000, not 9000");
      expect(await page.locator("#bucket0-share").inputValue()).toBe("5000");
      await page.locator("#bucket4-key").fill("commons");
      await page.locator("#bucket4-kind").selectOption("fixed");
      await page.locator("#bucket4-share").fill("1000");
      await page.getByRole("button", { name: "Save the new version" }).click();
      expect(await page.getByRole("alert").textContent()).toContain("a fixed bucket names its payee");
      expect(await page.locator("#bucket4-payee").getAttribute("aria-invalid")).toBe("true");
      expect(await page.locator("#bucket4-kind").inputValue()).toBe("fixed");
      // The seeded operations bucket names no payee yet: this version names one.
      await page.locator("#bucket2-payee").fill(String(fund.id));
      await page.locator("#bucket4-payee").fill(String(fund.id));
      await page.getByRole("button", { name: "Save the new version" }).click();
      expect(await page.getByRole("status").textContent()).toContain("A new distribution policy is in force from 1 May 2026");
      expect(await page.getByRole("row", { name: /commons/ }).textContent()).toContain("fixed");
    });
  });
});
