// Sign in with GitHub through the OAuth web flow, against the local fake GitHub: a signed-in user links
// their login, then signs in with GitHub and lands on their organization; a forged state is refused.
import type { Server } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { makeHarness, makeUser, passwordHashFor, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { FakeGitHub } from "../support/fake-github.js";
import { getUser } from "../../src/accounts/create-user.js";
import { chromiumPresent, launch, openTab, serve, signIn, type Tab } from "./browser.js";

const PASSWORD = "correct horse battery";
let browser: Browser;
let fake: FakeGitHub;
let h: Harness;
let server: Server;
let base: string;
let tab: Tab;
let member: TestUser;

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
  h = await makeHarness({
    GITHUB_API_URL: fake.url,
    GITHUB_WEB_URL: fake.url,
    GITHUB_CLIENT_ID: fake.oauthClient.id,
    GITHUB_CLIENT_SECRET: fake.oauthClient.secret,
    GITHUB_RETRIES: 0,
  });
  const hash = await passwordHashFor(PASSWORD);
  const treasurer = await makeUser(h, { treasurer: true, name: "Tess Treasurer", passwordHash: hash });
  member = await makeUser(h, { name: "Mai Member", passwordHash: hash });
  const c = await Commune.create(h, treasurer);
  await c.org("Acme GmbH", "commercial", { owner: member });
  ({ server, url: base } = await serve(h));
  tab = await openTab(browser);
  tab.page.removeAllListeners("console"); // the refused sign-ins are 403 pages on purpose
});

afterEach(async (ctx) => {
  if (!chromiumPresent) return;
  await tab.shot(ctx.task.name.replace(/\W+/g, "-").toLowerCase());
  await tab.context.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await h.close();
});

describe.skipIf(!chromiumPresent)("signing in with GitHub", () => {
  it("links a GitHub login to the signed-in user, then signs in with it and lands on the organization", async () => {
    const { page } = tab;
    fake.oauthApprover = "Mai-GH";
    await page.goto(base + "/login");
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    expect(await page.locator("main").textContent()).toContain("No user here is linked to the GitHub login mai-gh");

    await signIn(page, base, member.email, PASSWORD);
    expect(page.url()).toMatch(/\/organizations\/\d+$/);
    await page.goto(base + "/tokens");
    await page.getByRole("link", { name: "Link your GitHub login" }).click();
    expect(await page.getByRole("status").textContent()).toContain("Your GitHub login mai-gh is linked");
    expect((await getUser(h.db, member.id))?.githubLogin).toBe("mai-gh");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.goto(base + "/login");
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.waitForURL(/\/organizations\/\d+$/);
    expect(await page.locator("h1").textContent()).toBe("Acme GmbH");
    expect(await page.locator(".account").textContent()).toContain("Mai Member");
  });

  it("refuses a callback whose state did not start here", async () => {
    fake.oauthApprover = "mai-gh";
    fake.requests.length = 0;
    const response = await tab.page.goto(`${base}/auth/github/callback?code=code-1&state=forged`);
    expect(response?.status()).toBe(403);
    expect(fake.requests.filter((r) => r.path === "/login/oauth/access_token")).toHaveLength(0);
  });
});
