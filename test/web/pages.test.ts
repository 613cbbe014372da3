// Every page, as each user group sees it, at a phone's width (390 px) and a desk's (1280 px), in light
// and dark: no page is wider than the window, and axe-core finds nothing. The sweep reads the pages of one seeded
// world (every test only reads it) and runs on SQLite only (vitest.config.ts): it checks the templates' HTML.
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { eq } from "drizzle-orm";
import { makeHarness, makeUser, passwordHashFor, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { runBilling } from "../../src/billing/run-billing.js";
import { recordPayment } from "../../src/payments/record-payment.js";
import { findInvoice } from "../../src/invoices/invoices.queries.js";
import { grants } from "../../src/db/schema.js";
import { proposeAsset } from "../../src/assets/propose-asset.js";
import { transitionAsset } from "../../src/assets/transition-asset.js";
import { createBondIssue } from "../../src/bonds/create-bond-issue.js";
import { subscribeBonds } from "../../src/bonds/subscribe-bonds.js";
import { clearBondIssue } from "../../src/bonds/clear-bond-issue.js";
import { runRent } from "../../src/bonds/rent-run.js";
import { setPayee } from "../../src/payouts/payee.js";
import { runDistribution } from "../../src/distribution/run-distribution.js";
import { approveDistributionRun } from "../../src/distribution/approve-run.js";
import { createPayoutBatch } from "../../src/payouts/payout-batches.js";
import { axeViolations, chromiumPresent, horizontalOverflow, launch, openTab, serve, signIn, type Tab } from "./browser.js";

const PASSWORD = "correct horse battery";
const WIDTHS = [390, 1280] as const;
let browser: Browser;
let h: Harness;
let server: Server;
let base: string;
let treasurer: TestUser;
let company: TestUser;
let seeded: {
  acmeId: number;
  coopId: number;
  licensorId: number;
  grantId: string;
  workSlug: string;
  unprovenSlug: string;
  runId: number;
  batchId: number;
  assetIds: number[];
};

beforeAll(async () => {
  if (!chromiumPresent) return;
  browser = await launch();
  await seedWorld();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  if (!server) return;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await h.close();
});

async function seedWorld() {
  h = await makeHarness({ SELLER_IBAN: "DE89 3704 0044 0532 0130 00" });
  h.clock.set("2026-05-20T09:00:00Z");
  const hash = await passwordHashFor(PASSWORD);
  treasurer = await makeUser(h, { treasurer: true, name: "Tess Treasurer", passwordHash: hash });
  company = await makeUser(h, { name: "Cora Company", passwordHash: hash });
  const maintainer = await makeUser(h, { name: "Mai Maintainer", passwordHash: hash });
  const c = await Commune.create(h, maintainer);
  const licensor = await c.org("Commons Coop With A Rather Long Name To Wrap", "worker_cooperative");
  await c.verify(licensor.id, "verified");
  const work = await c.work("ledger-tool-with-a-long-name-for-phones", licensor.id);
  const unproven = await c.work("unproven-tool", licensor.id, { verified: false });
  const acme = await c.org("Acme International Holdings GmbH & Co. KG", "commercial", { headcount: 20, owner: company });
  await c.use(acme, { workSlug: work.slug, purpose: "commercial", startedOn: "2026-01-01" });
  const coop = await c.org("Bakery Coop", "worker_cooperative", { headcount: 4 });
  const deps = { clock: h.clock, signer: h.deps.signer, invoicePrefix: "RCP", paymentTermsDays: 30 };
  await runBilling(h.db, { month: "2026-03", actorUserId: treasurer.id }, deps);
  await runBilling(h.db, { month: "2026-04", actorUserId: treasurer.id }, deps);
  const invoice = (await findInvoice(h.db, "RCP-2026-000001"))!;
  await recordPayment(
    h.db,
    {
      invoiceId: invoice.id,
      amount: { amountMinor: invoice.totalMinor, currency: "EUR" },
      paidOn: "2026-04-03",
      reference: "SEPA-2026-04-03-0001",
      idempotencyKey: "k1",
      actorUserId: treasurer.id,
    },
    deps,
  );
  const [grant] = await h.db.select({ id: grants.id }).from(grants).where(eq(grants.invoiceId, invoice.id));
  const outflow = await distributionPages(h, treasurer, licensor.id);
  const assetIds = await seedAssets(h, { maintainer, treasurer, company, acmeId: acme.id });
  seeded = {
    acmeId: acme.id,
    coopId: coop.id,
    licensorId: licensor.id,
    grantId: grant!.id,
    workSlug: work.slug,
    unprovenSlug: unproven.slug,
    ...outflow,
    assetIds,
  };
  ({ server, url: base } = await serve(h));
}

/**
 * Two assets on offer: one with an open bond issue at its closing date and a subscription, one without; and a
 * third financed, rented for a month and returned (its page offers the sale form and lists its rent month).
 */
async function seedAssets(h: Harness, who: { maintainer: TestUser; treasurer: TestUser; company: TestUser; acmeId: number }) {
  const eur = (amountMinor: number) => ({ amountMinor, currency: "EUR" });
  const treasurerActor = { id: who.treasurer.id, isTreasurer: true };
  const ids: number[] = [];
  for (const title of ["A risograph with a rather long name for narrow phones", "Solar roof"]) {
    const asset = await proposeAsset(
      h.db,
      { id: who.maintainer.id, isTreasurer: false },
      { title, description: "For the cooperative", cost: eur(1_200_000), rentalOffer: { monthlyRent: eur(60_000), termMonths: 24 } },
      { clock: h.clock },
    );
    await transitionAsset(h.db, treasurerActor, { assetId: asset.id, to: "offering", reason: "approved" }, { clock: h.clock });
    ids.push(asset.id);
  }
  const issue = await createBondIssue(
    h.db,
    treasurerActor,
    {
      assetId: ids[0]!,
      target: eur(1_200_000),
      minimum: eur(600_000),
      maxRateBps: 600,
      mode: "auction",
      opensOn: "2026-05-01",
      closesOn: "2026-05-20",
      termMonths: 24,
      repayment: "annuity",
      minSubscription: eur(10_000),
      maxPerHolder: eur(1_200_000),
    },
    { clock: h.clock },
  );
  await subscribeBonds(
    h.db,
    { id: who.company.id, isTreasurer: false },
    { issueId: issue.id, organizationId: who.acmeId, amount: eur(800_000), bidRateBps: 550, idempotencyKey: "seed-subscription" },
    { clock: h.clock },
  );
  const returned = await proposeAsset(
    h.db,
    { id: who.maintainer.id, isTreasurer: false },
    { title: "Cargo bikes", description: "For deliveries", cost: eur(600_000), rentalOffer: { monthlyRent: eur(30_000), termMonths: 24 } },
    { clock: h.clock },
  );
  await transitionAsset(h.db, treasurerActor, { assetId: returned.id, to: "offering", reason: "approved" }, { clock: h.clock });
  const financed = await createBondIssue(
    h.db,
    treasurerActor,
    {
      assetId: returned.id,
      target: eur(600_000),
      minimum: eur(600_000),
      maxRateBps: 400,
      mode: "fixed",
      opensOn: "2026-05-01",
      closesOn: "2026-05-20",
      termMonths: 24,
      repayment: "annuity",
      minSubscription: eur(10_000),
      maxPerHolder: eur(600_000),
    },
    { clock: h.clock },
  );
  await subscribeBonds(
    h.db,
    { id: who.company.id, isTreasurer: false },
    { issueId: financed.id, organizationId: who.acmeId, amount: eur(600_000), idempotencyKey: "seed-financed" },
    { clock: h.clock },
  );
  await clearBondIssue(h.db, treasurerActor, financed.id, { clock: h.clock });
  await runRent(h.db, treasurerActor, "2026-04", { clock: h.clock, signer: h.deps.signer, invoicePrefix: "RCP", paymentTermsDays: 30 });
  await transitionAsset(h.db, treasurerActor, { assetId: returned.id, to: "returned", reason: "no longer needed" }, { clock: h.clock });
  ids.push(returned.id);
  return ids;
}

/** April's run approved and paid out to the licensor (the pages of the fund's outflow have rows to show). */
async function distributionPages(h: Harness, treasurer: TestUser, licensorId: number) {
  const actor = { id: treasurer.id, isTreasurer: true };
  await setPayee(
    h.db,
    actor,
    { organizationId: licensorId, legalName: "Commons Coop eG", country: "DE", iban: "DE44500105175407324931" },
    { clock: h.clock },
  );
  h.clock.set("2026-05-20T09:00:00Z");
  const { runId } = await runDistribution(h.db, { month: "2026-04", actorUserId: treasurer.id }, { clock: h.clock });
  await approveDistributionRun(h.db, actor, runId, { clock: h.clock });
  const batchId = await createPayoutBatch(h.db, actor, { executionDate: "2026-05-21" }, { clock: h.clock });
  return { runId, batchId };
}

/** Visits each path at both widths (light, and dark at the phone's width); returns every finding. */
async function sweep(tab: Tab, paths: string[], label: string): Promise<string[]> {
  const findings: string[] = [];
  for (const path of paths) {
    for (const width of WIDTHS) {
      await tab.page.setViewportSize({ width, height: 900 });
      await tab.page.goto(base + path);
      const overflow = await horizontalOverflow(tab.page);
      if (overflow > 0) findings.push(`${path} @${width}: ${overflow} px wider than the window`);
      for (const v of await axeViolations(tab.page)) findings.push(`${path} @${width}: ${v}`);
      await tab.shot(`${label}-${width}-${path.replace(/\W+/g, "-")}`);
    }
  }
  await tab.page.emulateMedia({ colorScheme: "dark" });
  await tab.page.setViewportSize({ width: 390, height: 900 });
  for (const path of paths) {
    await tab.page.goto(base + path);
    for (const v of await axeViolations(tab.page)) findings.push(`${path} dark: ${v}`);
  }
  await tab.page.emulateMedia({ colorScheme: "light" });
  return findings;
}

describe.skipIf(!chromiumPresent)("every page fits a phone and passes axe", () => {
  it("the checks themselves find faults", async () => {
    const tab = await openTab(browser, { viewport: { width: 390, height: 900 } });
    await tab.page.setContent(
      `<html lang="en"><head><title>t</title></head><body><main><img src="data:,"><div style="width:600px">wide</div></main></body></html>`,
    );
    expect((await axeViolations(tab.page)).join()).toContain("image-alt");
    expect(await horizontalOverflow(tab.page)).toBeGreaterThan(200);
    await tab.context.close();
  });

  it("for the public", { timeout: 180_000 }, async () => {
    const tab = await openTab(browser);
    const paths = ["/", `/works/${seeded.workSlug}`, "/check", `/grants/${seeded.grantId}`, "/login", "/assets"];
    expect(await sweep(tab, paths, "public")).toEqual([]);
    await tab.context.close();
  });

  it("for a company member", { timeout: 180_000 }, async () => {
    const tab = await openTab(browser);
    await signIn(tab.page, base, company.email, PASSWORD);
    const paths = [
      "/organizations",
      `/organizations/${seeded.acmeId}`,
      "/tokens",
      "/works/new",
      "/invoices/RCP-2026-000001",
      `/organizations/${seeded.acmeId}/holdings`,
      `/organizations/${seeded.acmeId}/income`,
    ];
    expect(await sweep(tab, paths, "company")).toEqual([]);
    await tab.context.close();
  });

  it("for a treasurer", { timeout: 360_000 }, async () => {
    const tab = await openTab(browser);
    await signIn(tab.page, base, treasurer.email, PASSWORD);
    const paths = [
      "/treasury",
      "/treasury/invoices",
      "/treasury/invoices/RCP-2026-000002",
      `/treasury/cooperatives/${seeded.coopId}`,
      "/treasury/audit",
      `/organizations/${seeded.coopId}`,
      "/treasury/distribution",
      `/treasury/distribution/runs/${seeded.runId}`,
      `/treasury/payouts/${seeded.batchId}`,
      `/works/${seeded.workSlug}/income`,
      `/organizations/${seeded.licensorId}/income`,
      `/organizations/${seeded.licensorId}/statements/2026-04`,
      "/treasury/billing?month=2026-04",
      "/treasury/fee-schedules",
      "/treasury/distribution-policies",
      `/works/${seeded.workSlug}/maintain`,
      `/works/${seeded.unprovenSlug}/maintain`,
      "/treasury/rent",
      "/assets",
      ...seeded.assetIds.map((id) => `/treasury/assets/${id}`),
    ];
    expect(await sweep(tab, paths, "treasurer")).toEqual([]);
    await tab.context.close();
  });
});
