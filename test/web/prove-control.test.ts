// A work registered by its package only gets its repository later, and its maintainer proves control of
// it through GitHub sign-in (no token pasted), against the local fake GitHub and npm registry in a real
// browser; a repository the GitHub user does not control is refused on the page; others cannot start it.
import type { Server } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { dumpDatabase, makeHarness, makeUser, passwordHashFor, type Harness, type TestUser } from "../support/harness.js";
import { Commune } from "../support/commune.js";
import { FakeGitHub } from "../support/fake-github.js";
import { FakeNpm } from "../support/fake-npm.js";
import { getWorkBySlug } from "../../src/works/works.queries.js";
import { claimHistory } from "../../src/works/work-claims.js";
import { renderLicense } from "../../src/licenses/render-license.js";
import { linkGitHubLogin } from "../../src/accounts/github-login.js";
import { axeViolations, chromiumPresent, horizontalOverflow, launch, openTab, serve, signIn, type Tab } from "./browser.js";

const PASSWORD = "correct horse battery";
const PPL = renderLicense(
  { title: "ledger-tool", licensorName: "Commons Coop", year: 2026, versionRange: null, workUrl: "https://x.example/works/ledger-tool" },
  "text",
);
let browser: Browser;
let fake: FakeGitHub;
let npm: FakeNpm;
let h: Harness;
let server: Server;
let base: string;
let tab: Tab;
let maintainer: TestUser;
let other: TestUser;
let slug: string;

beforeAll(async () => {
  if (!chromiumPresent) return;
  browser = await launch();
  fake = await new FakeGitHub().start();
  npm = await new FakeNpm().start();
});
afterAll(async () => {
  await browser?.close();
  await fake?.stop();
  await npm?.stop();
});

beforeEach(async () => {
  if (!chromiumPresent) return;
  h = await makeHarness({
    GITHUB_API_URL: fake.url,
    GITHUB_WEB_URL: fake.url,
    GITHUB_CLIENT_ID: fake.oauthClient.id,
    GITHUB_CLIENT_SECRET: fake.oauthClient.secret,
    GITHUB_RETRIES: 0,
    NPM_REGISTRY_URL: npm.url,
  });
  const hash = await passwordHashFor(PASSWORD);
  maintainer = await makeUser(h, { name: "Mai Maintainer", passwordHash: hash });
  other = await makeUser(h, { name: "Otto Other", passwordHash: hash });
  const c = await Commune.create(h, maintainer);
  const licensor = await c.org("Commons Coop", "worker_cooperative");
  slug = (await c.work("ledger-tool", licensor.id, { verified: false })).slug;
  await linkGitHubLogin(h.db, { userId: maintainer.id, login: "mai-gh" }, { clock: h.clock });
  fake.addRepo("mai-gh", "ledger-tool", { collaborators: { "mai-gh": "admin" }, files: { LICENSE: PPL } });
  fake.addRepo("someone", "elsewhere", { collaborators: { "mai-gh": "write" } });
  npm.publish("ledger-tool", "https://github.com/mai-gh/ledger-tool");
  ({ server, url: base } = await serve(h));
  tab = await openTab(browser, { viewport: { width: 390, height: 900 } });
});

afterEach(async (ctx) => {
  if (!chromiumPresent) return;
  await tab.shot(ctx.task.name.replace(/\W+/g, "-").toLowerCase());
  await tab.context.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await h.close();
});

describe.skipIf(!chromiumPresent)("proving control of a work's repository later", () => {
  it("a maintainer adds the repository and proves control through GitHub sign-in, no token pasted", { timeout: 60_000 }, async () => {
    const { page } = tab;
    fake.oauthApprover = "mai-gh";
    fake.requests.length = 0;
    await signIn(page, base, maintainer.email, PASSWORD);
    await page.goto(`${base}/works/${slug}/maintain`);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("Repository URL").fill("https://github.com/mai-gh/ledger-tool");
    await page.getByRole("button", { name: "Prove with GitHub sign-in" }).click();
    await page.waitForURL(`${base}/works/${slug}/maintain`);
    expect(await page.getByRole("status").textContent()).toContain("Control of mai-gh/ledger-tool proven; the work is verified");
    expect(await page.getByRole("heading", { name: "Repository and control" }).count()).toBe(0);

    const work = await getWorkBySlug(h.db, slug);
    expect(work).toMatchObject({ repositoryFullName: "mai-gh/ledger-tool", verification: "verified", licenseState: "ppl" });
    const { events } = await claimHistory(h.db, { id: maintainer.id, isTreasurer: false }, slug);
    expect(events.at(-1)).toMatchObject({ event: "control_proven", verification: "verified", actorUserId: maintainer.id });
    // The token GitHub granted was used against the API and then dropped: no table holds it.
    const repoCalls = fake.requests.filter((r) => r.path === "/repos/mai-gh/ledger-tool");
    expect(repoCalls.length).toBeGreaterThan(0);
    const token = repoCalls[0]!.authorization!.replace(/^(token|Bearer) /i, "");
    expect(token.length).toBeGreaterThan(8);
    expect(await dumpDatabase(h.db, { ignore: [] })).not.toContain(token);
  });

  it("refuses a repository the GitHub user does not control, with an error summary on the page", { timeout: 60_000 }, async () => {
    const { page } = tab;
    fake.oauthApprover = "mai-gh";
    await signIn(page, base, maintainer.email, PASSWORD);
    await page.goto(`${base}/works/${slug}/maintain`);
    await page.getByLabel("Repository URL").fill("https://github.com/someone/elsewhere");
    await page.getByRole("button", { name: "Prove with GitHub sign-in" }).click();
    await page.waitForURL(`${base}/works/${slug}/maintain`);
    const alert = page.getByRole("alert");
    expect(await alert.textContent()).toContain("needs admin or maintain permission on someone/elsewhere");
    expect(await page.getByLabel("Repository URL").inputValue()).toBe("https://github.com/someone/elsewhere");
    expect(await page.getByRole("status").count()).toBe(0);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    expect(await getWorkBySlug(h.db, slug)).toMatchObject({ repositoryUrl: null, verification: "unverified" });
  });

  it("a user who does not maintain the work cannot start a proof", { timeout: 60_000 }, async () => {
    const { page } = tab;
    fake.oauthApprover = "mai-gh";
    fake.requests.length = 0;
    await signIn(page, base, other.email, PASSWORD);
    await page.goto(`${base}/tokens`);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const response = await page.request.post(`${base}/works/${slug}/repository`, {
      form: { _csrf: csrf, method: "github", repository: "https://github.com/mai-gh/ledger-tool" },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
    expect(fake.requests).toHaveLength(0);
    expect(await getWorkBySlug(h.db, slug)).toMatchObject({ repositoryUrl: null, verification: "unverified" });
  });

  it("refuses a GitHub sign-in as another login than the one linked", { timeout: 60_000 }, async () => {
    const { page } = tab;
    fake.oauthApprover = "someone";
    await signIn(page, base, maintainer.email, PASSWORD);
    await page.goto(`${base}/works/${slug}/maintain`);
    await page.getByLabel("Repository URL").fill("https://github.com/mai-gh/ledger-tool");
    await page.getByRole("button", { name: "Prove with GitHub sign-in" }).click();
    await page.waitForURL(`${base}/works/${slug}/maintain`);
    expect(await page.getByRole("alert").textContent()).toContain(
      "You are linked to the GitHub login mai-gh, but GitHub signed you in as someone",
    );
    expect(await getWorkBySlug(h.db, slug)).toMatchObject({ repositoryUrl: null, verification: "unverified" });
  });

  it("a pasted token proves control the same way", { timeout: 60_000 }, async () => {
    const { page } = tab;
    fake.addUser("mai-gh", "tok-mai-paste");
    await signIn(page, base, maintainer.email, PASSWORD);
    await page.goto(`${base}/works/${slug}/maintain`);
    await page.getByLabel("Repository URL").fill("https://github.com/mai-gh/ledger-tool");
    await page.getByLabel("Or a GitHub token").fill("tok-mai-paste");
    await page.getByRole("button", { name: "Prove with the token" }).click();
    await page.waitForURL(`${base}/works/${slug}/maintain`);
    expect(await page.getByRole("status").textContent()).toContain("Control of mai-gh/ledger-tool proven; the work is verified");
    expect(await getWorkBySlug(h.db, slug)).toMatchObject({ repositoryFullName: "mai-gh/ledger-tool", verification: "verified" });
  });
});
