// The maintainers' page of a work, and menus per role, in a real browser at a phone's width and a desk's.
import type { Server } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { makeHarness, makeUser, passwordHashFor, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { openDispute } from "../../src/works/work-claims.js";
import { getWorkBySlug } from "../../src/works/works.queries.js";
import { axeViolations, chromiumPresent, horizontalOverflow, launch, openTab, serve, signIn, type Tab } from "./browser.js";

const PASSWORD = "correct horse battery";
let browser: Browser;
let h: Harness;
let server: Server;
let base: string;
let maintainer: TestUser;
let company: TestUser;
let slug: string;
let commune: Commune;
let licensorId: number;

beforeAll(async () => {
  if (chromiumPresent) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  if (!chromiumPresent) return;
  h = await makeHarness();
  h.clock.set("2026-04-02T09:00:00Z");
  const hash = await passwordHashFor(PASSWORD);
  maintainer = await makeUser(h, { name: "Mai Maintainer", passwordHash: hash });
  company = await makeUser(h, { name: "Cora Company", passwordHash: hash });
  const c = await Commune.create(h, maintainer);
  commune = c;
  const licensor = await c.org("Commons Coop", "worker_cooperative");
  await c.verify(licensor.id, "verified");
  licensorId = licensor.id;
  slug = (await c.work("ledger-tool", licensor.id)).slug;
  const acme = await c.org("Acme GmbH", "commercial", { headcount: 20, owner: company });
  await c.use(acme, { workSlug: slug, purpose: "commercial", startedOn: "2026-01-01" });
  const disputer = await makeUser(h, { name: "Dee Disputer" });
  await openDispute(h.db, { id: disputer.id, isTreasurer: false }, { slug, reason: "The left-pad package is ours" }, { clock: h.clock });
  ({ server, url: base } = await serve(h));
});
afterEach(async () => {
  if (!chromiumPresent) return;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await h.close();
});

async function at(width: number, name: string, who: TestUser | null, fn: (tab: Tab) => Promise<void>): Promise<void> {
  const tab = await openTab(browser, { viewport: { width, height: 900 } });
  try {
    if (who) await signIn(tab.page, base, who.email, PASSWORD);
    await fn(tab);
    expect(await horizontalOverflow(tab.page)).toBe(0);
    expect(await axeViolations(tab.page)).toEqual([]);
    await tab.shot(`${name}-${width}`);
    expect(tab.consoleErrors).toEqual([]);
  } finally {
    await tab.context.close();
  }
}

const menu = async (tab: Tab) =>
  (await tab.page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents()).map((t) => t.trim());

describe.skipIf(!chromiumPresent)("a work's maintainers", () => {
  it("edit the description and versions, see licensees, income and disputes", { timeout: 90_000 }, async () => {
    await at(390, "work-maintain", maintainer, async (tab) => {
      const { page } = tab;
      expect(await menu(tab)).toContain("Your works");
      await page.getByRole("link", { name: "Your works" }).click();
      expect(await page.locator("h1").textContent()).toBe("Maintain ledger-tool");
      expect(await page.getByRole("link", { name: "Income" }).getAttribute("href")).toBe(`/works/${slug}/income`);
      expect(await page.getByRole("row", { name: /Acme GmbH/ }).textContent()).toContain("using");
      expect(await page.locator("#disputes + table").textContent()).toContain("The left-pad package is ours");
      await page.getByLabel("Description").fill("Double-entry books for communes");
      await page.getByLabel(/^Versions under the PPL/).fill("not a range");
      await page.getByRole("button", { name: "Save" }).click();
      expect(await page.getByRole("alert").textContent()).toContain("The work was not changed");
      expect(await page.getByLabel(/^Versions under the PPL/).getAttribute("aria-invalid")).toBe("true");
      expect(await page.getByLabel(/^Versions under the PPL/).inputValue()).toBe("not a range");
      expect(await page.getByLabel("Description").inputValue()).toBe("Double-entry books for communes");
      await page.getByLabel(/^Versions under the PPL/).fill(">=2.0.0");
      await page.getByRole("button", { name: "Save" }).click();
      expect(await page.getByRole("status").textContent()).toContain("saved");
    });
    const work = await getWorkBySlug(h.db, slug);
    expect([work.description, work.versionRange]).toEqual(["Double-entry books for communes", ">=2.0.0"]);
    await at(1280, "work-maintain", maintainer, async ({ page }) => {
      await page.goto(`${base}/works/${slug}`);
      await page.getByRole("link", { name: /Description, versions, licensees/ }).click();
      expect(await page.getByLabel(/^Versions under the PPL/).inputValue()).toBe(">=2.0.0");
    });
  });

  it("is closed to others; menus show each user only what they can do", { timeout: 90_000 }, async () => {
    await at(390, "menu-company", company, async (tab) => {
      expect(await menu(tab)).not.toContain("Your works");
      expect(await menu(tab)).not.toContain("Treasury");
      const res = await tab.page.goto(`${base}/works/${slug}/maintain`);
      expect(res?.status()).toBe(403);
    });
    const newcomer = await makeUser(h, { name: "New Comer", passwordHash: await passwordHashFor(PASSWORD) });
    await at(1280, "menu-newcomer", newcomer, async (tab) => {
      expect(await menu(tab)).toEqual(["reciprocity", "Registry", "Check a lockfile", "Organizations", "API tokens"]);
    });
    // A maintainer of several works is led to the list of them.
    await commune.work("left-pad", licensorId);
    await at(1280, "works-mine", maintainer, async ({ page }) => {
      await page.getByRole("link", { name: "Your works" }).click();
      expect(page.url()).toBe(`${base}/works/mine`);
      expect(await page.getByRole("main").getByRole("link").allTextContents()).toEqual(["ledger-tool", "left-pad"]);
    });
    await at(1280, "menu-public", null, async (tab) => {
      await tab.page.goto(base + "/");
      expect(await menu(tab)).toEqual(["reciprocity", "Registry", "Check a lockfile", "Sign in"]);
    });
  });
});
