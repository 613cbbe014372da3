/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The main journey of each user group, in a real browser against the real app over HTTP.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { eq } from "drizzle-orm";
import { makeHarness, makeUser, passwordHashFor, tempDir, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { FakeGitHub } from "../support/fake-github.js";
import { renderLicense } from "../../src/licenses/render-license.js";
import { runBilling } from "../../src/billing/run-billing.js";
import { recordPayment } from "../../src/payments/record-payment.js";
import { findInvoice } from "../../src/invoices/invoices.queries.js";
import { getOrganizationRow } from "../../src/organizations/organizations.queries.js";
import { grants } from "../../src/db/schema.js";
import { chromiumPresent, launch, openTab, serve, signIn, type Tab } from "./browser.js";

const PASSWORD = "correct horse battery";
let browser: Browser;
let fake: FakeGitHub;
let h: Harness;
let c: Commune;
let server: Server;
let base: string;
let tab: Tab;
let treasurer: TestUser;
let company: TestUser;
let maintainer: TestUser;

beforeAll(async () => {
  if (!chromiumPresent) return;
  browser = await launch();
  fake = await new FakeGitHub().start();
});
afterAll(async () => {
  await browser?.close();
  await fake?.stop();
});

beforeEach(async () => {
  if (!chromiumPresent) return;
  fake.repos.clear();
  h = await makeHarness({ GITHUB_API_URL: fake.url, GITHUB_RETRIES: 0, SELLER_IBAN: "DE89 3704 0044 0532 0130 00" });
  h.clock.set("2026-04-02T09:00:00Z");
  const hash = await passwordHashFor(PASSWORD);
  treasurer = await makeUser(h, { treasurer: true, name: "Tess Treasurer", passwordHash: hash });
  company = await makeUser(h, { name: "Cora Company", passwordHash: hash });
  maintainer = await makeUser(h, { name: "Mai Maintainer", passwordHash: hash });
  c = await Commune.create(h, maintainer);
  ({ server, url: base } = await serve(h));
  tab = await openTab(browser);
});

afterEach(async (ctx) => {
  if (!chromiumPresent) return;
  await tab.shot(ctx.task.name.replace(/\W+/g, "-").toLowerCase());
  await tab.context.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await h.close();
  expect(tab.consoleErrors, "console errors in the browser").toEqual([]);
});

async function seedBilling() {
  const licensor = await c.org("Commons Coop", "worker_cooperative");
  await c.verify(licensor.id, "verified");
  const w = await c.work("ledger-tool", licensor.id);
  const acme = await c.org("Acme GmbH", "commercial", { headcount: 20, owner: company });
  await c.use(acme, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-01-01" });
  const other = await c.org("Other Corp", "commercial", { headcount: 5, owner: treasurer });
  await c.use(other, { workSlug: w.slug, purpose: "commercial", startedOn: "2026-01-01" });
  const deps = { clock: h.clock, signer: h.deps.signer, invoicePrefix: "RCP", paymentTermsDays: 30 };
  await runBilling(h.db, { month: "2026-03", actorUserId: treasurer.id }, deps);
  return { acme, other, work: w, deps };
}

describe.skipIf(!chromiumPresent)("the public", () => {
  it("browses the registry, searches, reads a work's license and badge, checks a lockfile anonymously", async () => {
    const licensor = await c.org("Commons Coop", "worker_cooperative");
    await c.work("ledger-tool", licensor.id);
    await c.work("mutual-aid-maps", licensor.id);
    const { page } = tab;
    await page.goto(base + "/");
    expect(await page.locator("h1").textContent()).toBe("The registry of works");
    expect(await page.locator("tbody tr").count()).toBe(2);
    await page.getByRole("searchbox").fill("mutual");
    await page.getByRole("button", { name: "Search" }).click();
    expect(await page.locator("tbody tr").count()).toBe(1);
    await page.getByRole("link", { name: "mutual-aid-maps" }).click();
    expect(await page.locator("h1").textContent()).toBe("mutual-aid-maps");
    expect(await page.locator("#badge-snippet").textContent()).toContain("/api/v1/works/mutual-aid-maps/badge.svg");
    expect(await page.locator("pre").last().textContent()).toContain("Peer Production License");

    const file = join(tempDir(), "package-lock.json");
    writeFileSync(
      file,
      JSON.stringify({
        lockfileVersion: 3,
        packages: { "": {}, "node_modules/ledger-tool": { version: "1.0.0" }, "node_modules/other": { version: "2.0.0" } },
      }),
    );
    await page.getByRole("link", { name: "Check a lockfile" }).click();
    await page.getByLabel("Lockfile or SBOM").setInputFiles(file);
    await page.getByRole("button", { name: "Check" }).click();
    expect(await page.locator("#report-heading").textContent()).toContain("package-lock.json");
    const report = await page.locator("section").textContent();
    expect(report).toContain("pkg:npm/ledger-tool@1.0.0");
    expect(report).toContain("unpriced");
    expect(report).toContain("EUR 24,000.00");
  });

  it("verifies a grant on its public page", async () => {
    const { acme, deps } = await seedBilling();
    const invoice = (await findInvoice(h.db, "RCP-2026-000001"))!;
    expect(invoice.organizationId).toBe(acme.id);
    await recordPayment(
      h.db,
      {
        invoiceId: invoice.id,
        amount: { amountMinor: invoice.totalMinor, currency: "EUR" },
        paidOn: "2026-04-03",
        reference: "x",
        idempotencyKey: "k",
        actorUserId: treasurer.id,
      },
      deps,
    );
    const [grant] = await h.db.select({ id: grants.id }).from(grants).where(eq(grants.invoiceId, invoice.id));
    const grantId = grant!.id;
    await tab.page.goto(`${base}/grants/${grantId}`);
    expect(await tab.page.getByRole("status").textContent()).toContain("Valid.");
    expect(await tab.page.locator("#grant-document").textContent()).toContain("Licensee:     Acme GmbH");
  });
});

describe.skipIf(!chromiumPresent)("signing in", () => {
  it("keeps the email on a wrong password, signs in, creates a token shown once and revokes it", async () => {
    const { page } = tab;
    await page.goto(base + "/tokens");
    expect(page.url()).toContain("/login?next=%2Ftokens");
    await page.getByLabel("Email").fill(company.email);
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("The email or password is not right.");
    expect(await page.getByLabel("Email").inputValue()).toBe(company.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(base + "/tokens");
    await page.getByLabel("Name").fill("CI pipeline");
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = (await page.locator("#new-token").textContent())!.trim();
    expect(secret).toMatch(/^rcp_/);
    const me = await fetch(`${base}/api/v1/users/me`, { headers: { Authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);
    await page.goto(base + "/tokens");
    expect(await page.content()).not.toContain(secret);
    page.once("dialog", (d) => void d.accept());
    await page
      .getByRole("row", { name: /CI pipeline/ })
      .getByRole("button", { name: "Revoke" })
      .click();
    expect(await page.getByRole("status").textContent()).toContain("revoked");
    expect((await fetch(`${base}/api/v1/users/me`, { headers: { Authorization: `Bearer ${secret}` } })).status).toBe(401);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.goto(base + "/tokens");
    expect(page.url()).toContain("/login");
  });

  it("is keyboard friendly: the first Tab reaches the skip link, every field has a label", async () => {
    const { page } = tab;
    await page.goto(base + "/login");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    const unlabelled = await page.evaluate(
      () =>
        [...document.querySelectorAll("input:not([type=hidden]), select, textarea")].filter(
          (el) => !(el as HTMLInputElement).labels?.length,
        ).length,
    );
    expect(unlabelled).toBe(0);
  });
});

describe.skipIf(!chromiumPresent)("a maintainer", () => {
  it("creates an organization, registers a GitHub repository, opens the LICENSE pull request and sees forks", async () => {
    fake.addUser("mai", "ghp_mai_token");
    const repo = fake.addRepo("commons-dev", "ledger-tool", {
      collaborators: { mai: "admin" },
      files: {
        LICENSE: renderLicense(
          {
            title: "ledger-tool",
            licensorName: "Commons Dev Coop",
            year: 2026,
            versionRange: null,
            workUrl: "https://x/works/ledger-tool",
          },
          "text",
        ),
      },
      forks: [{ owner: "acme-gh", name: "ledger-tool" }],
    });
    const { page } = tab;
    await signIn(page, base, maintainer.email, PASSWORD);
    await page.goto(base + "/organizations");
    await page.getByLabel("Name", { exact: true }).fill("Commons Dev Coop");
    await page.getByLabel("Kind").selectOption("worker_cooperative");
    await page.getByRole("button", { name: "Create" }).click();
    // The server refuses a cooperative without evidence, and the form keeps what was typed.
    expect(await page.getByRole("alert").textContent()).toContain("Please correct");
    expect(await page.getByLabel("Kind").inputValue()).toBe("worker_cooperative");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("Commons Dev Coop");
    await page.getByLabel("Jurisdiction").fill("DE-BE");
    await page.getByLabel("Registry number").fill("GnR 1");
    await page.getByLabel("Bylaws URL").fill("https://coop.example/bylaws");
    await page.getByLabel("Number of worker-owners").fill("7");
    await page.getByLabel("All surplus is distributed among the worker-owners").check();
    await page.getByRole("button", { name: "Create" }).click();
    expect(await page.getByRole("status").textContent()).toContain("Commons Dev Coop was created.");

    await page.getByRole("link", { name: "Register a work" }).click();
    await page.getByLabel("Repository URL").fill("https://github.com/commons-dev/ledger-tool");
    await page.getByRole("button", { name: "Register" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("githubToken");
    expect(await page.getByLabel("Repository URL").inputValue()).toBe("https://github.com/commons-dev/ledger-tool");
    await page.getByLabel(/GitHub token/).fill("ghp_mai_token");
    await page.getByRole("button", { name: "Register" }).click();
    expect(await page.getByRole("status").textContent()).toContain(
      "Verified: you control the repository, and its LICENSE is the Peer Production License",
    );

    await page.getByLabel(/GitHub token/).fill("ghp_mai_token");
    await page.getByRole("button", { name: "Open the LICENSE pull request" }).click();
    expect(await page.getByRole("status").textContent()).toContain("Opened: pull request #1");
    expect(repo.pulls).toHaveLength(1);
    await page.getByRole("button", { name: "Discover forks" }).click();
    expect(await page.getByRole("status").textContent()).toContain("1 fork(s) found");
    expect(await page.getByRole("row", { name: /acme-gh/ }).textContent()).toContain("unknown");
  });
});

describe.skipIf(!chromiumPresent)("a company", () => {
  it(
    "records size facts, checks a lockfile for its organization, declares the usages, and reads its invoice",
    { timeout: 120_000 },
    async () => {
      const { acme } = await seedBilling();
      const { page } = tab;
      await signIn(page, base, company.email, PASSWORD);
      await page.goto(`${base}/organizations/${acme.id}`);
      await page.getByLabel("Headcount").fill("25");
      await page.getByLabel(/Annual revenue/).fill("1250000.005");
      await page.getByRole("button", { name: "Record size facts" }).click();
      expect(await page.getByRole("alert").textContent()).toContain("EUR allows at most 2 decimals");
      expect(await page.getByLabel("Headcount").inputValue()).toBe("25");
      expect(await page.getByLabel(/Annual revenue/).inputValue()).toBe("1250000.005");
      await page.getByLabel(/Annual revenue/).fill("1,250,000.00");
      await page.getByRole("button", { name: "Record size facts" }).click();
      expect(await page.getByRole("status").textContent()).toContain("recorded");
      expect(await page.locator("table", { hasText: "Headcount" }).textContent()).toContain("EUR 1,250,000.00");

      const w2 = await c.work("commons-ui", (await c.org("Second Coop", "nonprofit")).id);
      const file = join(tempDir(), "yarn.lock");
      writeFileSync(file, `# yarn lockfile v1\n\n\n${w2.slug}@^1.0.0:\n  version "1.4.0"\n\nleft-pad@^1:\n  version "1.3.0"\n`);
      await page.getByRole("link", { name: /Check a lockfile for/ }).click();
      await page.getByLabel("Lockfile or SBOM").setInputFiles(file);
      await page.getByRole("button", { name: "Check" }).click();
      expect(await page.locator("section").textContent()).toContain("not declared");
      await page.getByRole("button", { name: /Declare 1 usage/ }).click();
      expect(await page.getByRole("status").textContent()).toContain("1 usage(s) declared");
      expect(await page.getByRole("row", { name: /commons-ui/ }).textContent()).toContain("fee");

      expect(await page.locator("#owed-heading + .cards").textContent()).toContain("Outstanding");
      await page.getByRole("link", { name: "RCP-2026-000001", exact: true }).click();
      expect(await page.locator("h1").textContent()).toBe("Invoice RCP-2026-000001");
      expect(await page.locator("body").textContent()).toContain("DE89 3704 0044 0532 0130 00");
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /UBL/ }).click()]);
      expect(download.suggestedFilename()).toBe("RCP-2026-000001.xml");
    },
  );

  it("gets a 404 page for another organization's invoice", async () => {
    await seedBilling();
    const { page } = tab;
    await signIn(page, base, company.email, PASSWORD);
    page.removeAllListeners("console");
    const response = await page.goto(`${base}/invoices/RCP-2026-000002`);
    expect(response?.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe("Not Found");
    const org = await page.goto(`${base}/organizations/999`);
    expect(org?.status()).toBe(404);
  });
});

describe.skipIf(!chromiumPresent)("a treasurer", () => {
  it(
    "sees the fund, decides a cooperative on its evidence, runs billing, records a payment and reads the audit log",
    { timeout: 90_000 },
    async () => {
      await seedBilling();
      const pending = await c.org("Bakery Coop", "worker_cooperative", { headcount: 4 });
      const { page } = tab;
      await signIn(page, base, treasurer.email, PASSWORD);
      await page.goto(base + "/treasury");
      expect(await page.locator(".card").first().textContent()).toContain("nothing yet");
      expect(await page.locator(".cards").textContent()).toContain("Receivables (EUR)");

      await page.getByRole("link", { name: "Review Bakery Coop" }).click();
      expect(await page.locator("dl.facts").textContent()).toContain("Worker-owners");
      // A decision without a reason is refused: an alert, the field marked, no success banner.
      await page.getByLabel(/Reason/).fill("   ");
      await page.getByRole("button", { name: "Verify" }).click();
      expect(await page.getByRole("alert").textContent()).toContain("No decision was recorded");
      expect(await page.getByLabel(/Reason/).getAttribute("aria-invalid")).toBe("true");
      expect(await page.locator(".notice").count()).toBe(0);
      await page.getByLabel(/Reason/).fill("Registry checked");
      await page.getByRole("button", { name: "Verify" }).click();
      expect(await page.getByRole("status").textContent()).toContain("The cooperative was verified.");
      expect((await getOrganizationRow(h.db, pending.id))!.verificationStatus).toBe("verified");
      // The notice is shown once: a reload does not repeat it.
      await page.reload();
      expect(await page.getByRole("status").count()).toBe(0);

      await page.getByLabel(/^Month/).selectOption("2026-02");
      await page.getByRole("button", { name: "Preview billing" }).click();
      expect(await page.locator("main").textContent()).toContain("2 invoice(s)");
      await page.getByRole("button", { name: "Bill Feb 2026" }).click();
      expect(await page.getByRole("status").textContent()).toContain("Billing 2026-02: 2 new invoice(s)");

      await page.getByRole("link", { name: "Invoices", exact: true }).click();
      await page.getByLabel("Number or organization").fill("acme");
      await page.getByRole("button", { name: "Show" }).click();
      expect(await page.locator("#invoice-count").textContent()).toContain("of 2.");
      await page.getByRole("link", { name: "RCP-2026-000001" }).click();
      expect(await page.locator("h1").textContent()).toBe("Invoice RCP-2026-000001");
      await page.getByLabel(/Amount/).fill("20.00");
      await page.getByLabel(/Reference/).fill("SEPA 123");
      await page.getByRole("button", { name: "Record payment" }).click();
      expect(await page.getByRole("status").textContent()).toContain("Payment of EUR 20.00 recorded against RCP-2026-000001");
      expect(await page.getByRole("row", { name: /SEPA 123/ }).textContent()).toContain("EUR 20.00");

      await page.getByLabel(/Amount/).fill("99999.00");
      await page.getByLabel(/Reference/).fill("too much");
      await page.getByRole("button", { name: "Record payment" }).click();
      expect(await page.getByRole("alert").textContent()).toContain("The payment was not recorded: The payment exceeds the outstanding");
      expect(await page.getByLabel(/Amount/).inputValue()).toBe("99999.00");
      expect(await page.getByLabel(/Amount/).getAttribute("aria-invalid")).toBe("true");
      expect(await page.getByLabel(/Reference/).inputValue()).toBe("too much");
      expect(await page.locator(".notice").count()).toBe(0);
      expect(await page.locator(".history").textContent()).toContain("payment.recorded");

      await page.goto(base + "/treasury");
      expect(await page.locator(".card").first().textContent()).toContain("EUR 20.00");
      await page.getByRole("link", { name: "The whole audit log" }).click();
      await page.getByLabel("What").selectOption("payment.recorded");
      await page.getByRole("button", { name: "Show" }).click();
      expect(await page.locator("tbody tr").count()).toBe(1);
      await page.getByRole("link", { name: "invoice RCP-2026-000001" }).click();
      expect(await page.locator("h1").textContent()).toBe("Invoice RCP-2026-000001");

      await page.goto(base + "/treasury/invoices?status=paid&status=partially_paid");
      expect(await page.locator("#invoice-count").textContent()).toContain("of 1.");
    },
  );

  it("creates an account, invites a member to an organization, and takes a rejected cooperative's new evidence", async () => {
    const { acme } = await seedBilling();
    const coop = await c.org("Rejected Coop", "worker_cooperative", { owner: treasurer });
    await c.verify(coop.id, "rejected");
    const { page } = tab;
    await signIn(page, base, treasurer.email, PASSWORD);
    await page.goto(base + "/treasury");
    await page.getByLabel("Email").fill("newbie@example.org");
    await page.getByLabel("Name").fill("New Bie");
    await page.getByLabel(/Password/).fill("a good long password");
    await page.getByRole("button", { name: "Create account" }).click();
    expect(await page.getByRole("status").textContent()).toContain("Account newbie@example.org was created.");

    // Members join by invitation: the page never says whether an address has a user here.
    await page.goto(`${base}/organizations/${acme.id}`);
    await page.getByLabel("Their email").fill("newbie@example.org");
    await page.getByRole("button", { name: "Send the invitation" }).click();
    expect(await page.getByRole("status").textContent()).toContain("An invitation to join as member was sent to newbie@example.org.");
    expect(await page.locator(".history").textContent()).toContain("newbie@example.org as member");
    await page.reload();
    expect(await page.getByRole("status").count()).toBe(0);

    await page.goto(`${base}/organizations/${coop.id}`);
    await page.getByLabel("Jurisdiction").fill("NL");
    await page.getByLabel("Registry number").fill("KvK 42");
    await page.getByLabel("Bylaws URL").fill("https://coop.example/bylaws-2");
    await page.getByLabel("Number of worker-owners").fill("6");
    await page.getByRole("button", { name: "Resubmit evidence" }).click();
    expect(await page.getByRole("status").textContent()).toContain("back in the verification queue");
    await page.goto(base + "/treasury");
    expect(await page.getByRole("row", { name: /Rejected Coop/ }).count()).toBe(1);
  });

  it("reads well on a phone", async () => {
    await tab.context.close();
    tab = await openTab(browser, { viewport: { width: 390, height: 844 } });
    await seedBilling();
    await tab.page.goto(base + "/");
    const overflow = await tab.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
